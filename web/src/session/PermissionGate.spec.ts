import { describe, expect, it } from "vitest";
import { defineComponent, h } from "vue";
import { mountWithUi, sessionWith } from "@/testing/mount";
import UsersTable from "@/users/UsersTable.vue";
import PermissionGate from "./PermissionGate.vue";
import { can, useSession } from "./session";

const Protected = defineComponent({
  setup: () => () =>
    h(PermissionGate, { permission: "read:users", purpose: "see and search users" }, () =>
      h("p", { "data-testid": "secret" }, "the user list"),
    ),
});

describe("PermissionGate", () => {
  it("explains which permission is missing instead of showing the page", () => {
    const wrapper = mountWithUi(Protected, { session: sessionWith(["read:audit"]) });
    expect(wrapper.find("[data-testid=secret]").exists()).toBe(false);
    const note = wrapper.get("[data-testid=missing-permission]").text();
    expect(note).toContain("You need the read:users permission to see and search users.");
    wrapper.unmount();
  });

  it("shows the page to staff holding the permission, or manage:users", () => {
    for (const permissions of [["read:users"], ["manage:users"]]) {
      const wrapper = mountWithUi(Protected, { session: sessionWith(permissions) });
      expect(wrapper.get("[data-testid=secret]").text()).toBe("the user list");
      expect(wrapper.find("[data-testid=missing-permission]").exists()).toBe(false);
      wrapper.unmount();
    }
  });

  it("waits while the access token is still being read", () => {
    const wrapper = mountWithUi(Protected, { session: sessionWith(null) });
    expect(wrapper.find("[data-testid=secret]").exists()).toBe(false);
    expect(wrapper.find("[data-testid=missing-permission]").exists()).toBe(false);
    expect(wrapper.find("[role=status]").exists()).toBe(true);
    wrapper.unmount();
  });
});

describe("delete gating", () => {
  // The Users page derives the table's delete column from the session the same way.
  const Gated = defineComponent({
    setup() {
      const { permissions } = useSession();
      return () =>
        h(UsersTable, {
          users: [{ user_id: "auth0|1", name: "One", email: "one@example.com" }],
          total: 1,
          loading: false,
          error: null,
          first: 0,
          rows: 10,
          sortField: null,
          sortOrder: null,
          searched: false,
          canDelete: can(permissions.value, "delete:users"),
        } as never);
    },
  });

  it("offers delete only with delete:users or manage:users", () => {
    const expectations: [string[], boolean][] = [
      [["read:users"], false],
      [["read:users", "update:users"], false],
      [["read:users", "delete:users"], true],
      [["manage:users"], true],
    ];
    for (const [permissions, offered] of expectations) {
      const wrapper = mountWithUi(Gated, { session: sessionWith(permissions) });
      expect(wrapper.find("[data-testid=delete-user]").exists(), permissions.join(" ")).toBe(offered);
      wrapper.unmount();
    }
  });
});
