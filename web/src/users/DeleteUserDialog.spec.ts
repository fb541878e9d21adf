import { describe, expect, it } from "vitest";
import { flushPromises } from "@vue/test-utils";
import { mountWithUi } from "@/testing/mount";
import DeleteUserDialog from "./DeleteUserDialog.vue";
import type { DeskUser } from "./api";

const grace = { user_id: "auth0|grace", name: "Grace Hopper", email: "grace@example.com" } as DeskUser;

function dialog(user: DeskUser | null, busy = false) {
  return mountWithUi(DeleteUserDialog, { props: { user, busy } });
}

function buttonNamed(label: string): HTMLButtonElement {
  const found = [...document.body.querySelectorAll<HTMLButtonElement>("[role=dialog] button")].find(
    (button) => button.textContent?.trim() === label,
  );
  if (!found) throw new Error(`no ${label} button in the dialog`);
  return found;
}

describe("DeleteUserDialog", () => {
  it("stays closed without a user", async () => {
    const wrapper = dialog(null);
    await flushPromises();
    expect(document.body.querySelector("[role=dialog]")).toBeNull();
    wrapper.unmount();
  });

  it("names the user it is about to delete", async () => {
    const wrapper = dialog(grace);
    await flushPromises();
    const box = document.body.querySelector("[role=dialog]")!;
    expect(box.getAttribute("aria-modal")).toBe("true");
    expect(box.textContent).toContain("Delete Grace Hopper (grace@example.com)?");
    expect(box.textContent).toContain("cannot be undone");
    wrapper.unmount();
  });

  it("cancels without deleting", async () => {
    const wrapper = dialog(grace);
    await flushPromises();
    buttonNamed("Cancel").click();
    expect(wrapper.emitted("cancel")).toHaveLength(1);
    expect(wrapper.emitted("confirm")).toBeUndefined();
    wrapper.unmount();
  });

  it("confirms with the user", async () => {
    const wrapper = dialog(grace);
    await flushPromises();
    buttonNamed("Delete").click();
    expect(wrapper.emitted("confirm")).toEqual([[grace]]);
    wrapper.unmount();
  });

  it("cannot be dismissed while the delete is under way", async () => {
    const wrapper = dialog(grace, true);
    await flushPromises();
    expect(buttonNamed("Cancel").disabled).toBe(true);
    expect(document.body.querySelector("[role=dialog] [aria-label=Close]")).toBeNull();
    wrapper.unmount();
  });
});
