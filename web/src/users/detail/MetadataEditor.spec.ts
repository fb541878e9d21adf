import { describe, expect, it, vi } from "vitest";
import { ref } from "vue";
import { flushPromises } from "@vue/test-utils";
import { ApiKey } from "@/api/inject";
import { mountWithUi } from "@/testing/mount";
import { AnnouncerKey, type Announcer } from "./announce";
import type { UserDetail } from "./api";
import MetadataEditor from "./MetadataEditor.vue";

const user = {
  user_id: "auth0|ada",
  blocked: false,
  app_metadata: { plan: "free", legacy: true },
} as UserDetail;

function editor(canEdit = true) {
  const saved = { ...user, app_metadata: { plan: "pro" } };
  const api = { PATCH: vi.fn(async () => ({ data: saved })) };
  const announcer: Announcer = { message: ref(""), success: vi.fn(), failure: vi.fn() };
  const wrapper = mountWithUi(MetadataEditor, {
    props: { user, field: "app_metadata", title: "App metadata", help: "Set by apps.", canEdit },
    global: { provide: { [ApiKey as symbol]: api, [AnnouncerKey as symbol]: announcer } },
  });
  return { wrapper, api, announcer };
}

const save = (wrapper: ReturnType<typeof editor>["wrapper"]) =>
  wrapper.findAll("button").find((b) => b.text().includes("Save app metadata"))!;

describe("MetadataEditor", () => {
  it("refuses invalid JSON before anything is sent", async () => {
    const { wrapper, api } = editor();
    await wrapper.get("textarea").setValue('{"plan": ');
    expect(wrapper.get("[data-testid=metadata-invalid]").text()).toContain("not valid JSON");
    expect(wrapper.get("textarea").attributes("aria-invalid")).toBe("true");
    expect(save(wrapper).attributes("disabled")).toBeDefined();
    expect(api.PATCH).not.toHaveBeenCalled();
    wrapper.unmount();
  });

  it("previews the merge and the deletions, then sends only those", async () => {
    const { wrapper, api, announcer } = editor();
    await wrapper.get("textarea").setValue('{"plan": "pro"}');
    expect(wrapper.findAll("[data-testid=will-merge]").map((li) => li.text())).toEqual(['Change plan: "free" → "pro"']);
    expect(wrapper.findAll("[data-testid=will-delete]").map((li) => li.text())).toEqual(["Delete legacy: true"]);
    await save(wrapper).trigger("click");
    await flushPromises();
    expect(api.PATCH).toHaveBeenCalledWith("/api/users/{user_id}", {
      params: { path: { user_id: "auth0|ada" } },
      body: { app_metadata: { plan: "pro", legacy: null } },
    });
    expect(announcer.success).toHaveBeenCalledWith("App metadata saved", "1 key(s) merged, 1 deleted.");
    expect(wrapper.emitted("updated")).toHaveLength(1);
    wrapper.unmount();
  });

  it("shows the metadata read-only to staff who may not edit", () => {
    const { wrapper } = editor(false);
    expect(wrapper.find("textarea").exists()).toBe(false);
    expect(wrapper.get("pre").text()).toContain('"legacy": true');
    wrapper.unmount();
  });
});
