import { describe, expect, it } from "vitest";
import { ref } from "vue";
import { flushPromises } from "@vue/test-utils";
import { ApiKey } from "@/api/inject";
import { mountWithUi } from "@/testing/mount";
import { userAbilities } from "./abilities";
import { AnnouncerKey, type Announcer } from "./announce";
import type { UserDetail } from "./api";
import UserHeader from "./UserHeader.vue";

const ADMIN = ["create:users", "delete:users", "manage:users", "read:audit", "read:users", "update:roles", "update:users"];
const SUPPORT = ["read:users", "update:users"];
const AUDITOR = ["read:audit", "read:users"];

const grace = {
  user_id: "auth0|grace",
  name: "Grace Hopper",
  email: "grace@example.com",
  email_verified: false,
  blocked: false,
} as UserDetail;

const announcer: Announcer = { message: ref(""), success: () => undefined, failure: () => undefined };

function header(permissions: string[], user: UserDetail = grace, isSelf = false, blocks: { identifier: string }[] = []) {
  return mountWithUi(UserHeader, {
    props: { user, blocks, abilities: userAbilities(permissions, isSelf) },
    global: { provide: { [ApiKey as symbol]: {}, [AnnouncerKey as symbol]: announcer } },
  });
}

function buttons(wrapper: ReturnType<typeof header>): string[] {
  return wrapper.findAll("[role=group] button").map((button) => button.text().trim());
}

describe("UserHeader", () => {
  it("offers an admin every action", () => {
    const wrapper = header(ADMIN);
    expect(buttons(wrapper)).toEqual(["Block", "Send password reset", "Resend verification email", "Delete"]);
    wrapper.unmount();
  });

  it("lets Support block and send emails, never delete", () => {
    const wrapper = header(SUPPORT);
    expect(buttons(wrapper)).toEqual(["Block", "Send password reset", "Resend verification email"]);
    wrapper.unmount();
  });

  it("shows an Auditor or a Viewer no action at all", () => {
    for (const permissions of [AUDITOR, ["read:users"]]) {
      const wrapper = header(permissions);
      expect(wrapper.find("[role=group]").exists()).toBe(false);
      wrapper.unmount();
    }
  });

  it("does not offer to delete one's own account", () => {
    const wrapper = header(ADMIN, grace, true);
    expect(buttons(wrapper)).not.toContain("Delete");
    wrapper.unmount();
  });

  it("offers unblock for a blocked user or one held after failed sign-ins, and no verification once verified", () => {
    const blocked = header(ADMIN, { ...grace, blocked: true, email_verified: true });
    expect(buttons(blocked)).toEqual(["Unblock", "Send password reset", "Delete"]);
    expect(blocked.get("[data-testid=blocked]").text()).toBe("Blocked");
    blocked.unmount();
    const throttled = header(ADMIN, grace, false, [{ identifier: "grace@example.com" }]);
    expect(buttons(throttled)[0]).toBe("Unblock");
    expect(throttled.get("[data-testid=brute-force]").text()).toContain("too many failed attempts");
    throttled.unmount();
  });

  it("asks before blocking and says what will happen", async () => {
    const wrapper = header(SUPPORT);
    await wrapper.findAll("[role=group] button")[0]!.trigger("click");
    await flushPromises();
    const dialog = document.body.querySelector("[role=dialog]")!;
    expect(dialog.textContent).toContain("Block Grace Hopper?");
    expect(dialog.textContent).toContain("cannot sign in until someone unblocks them");
    wrapper.unmount();
  });
});
