import { describe, expect, it, vi } from "vitest";
import { defineComponent, h, ref } from "vue";
import { mountWithUi, sessionWith } from "@/testing/mount";
import UsersTable from "@/users/UsersTable.vue";
import PermissionGate from "./PermissionGate.vue";
import { usePermission } from "./session";

const Protected = defineComponent({
  setup: () => () =>
    h(PermissionGate, { permission: "read:users", purpose: "see and search users" }, () =>
      h("p", { "data-testid": "secret" }, "the user list"),
    ),
});

describe("PermissionGate", () => {
  it("explains which permission is missing, naming the roles held, instead of showing the page", async () => {
    const wrapper = mountWithUi(Protected, { session: sessionWith(["read:audit"], true, ["Archivist"]) });
    expect(wrapper.find("[data-testid=secret]").exists()).toBe(false);
    // The explanation's Message is a chunk of its own, loaded when it shows.
    const note = (await vi.waitFor(() => wrapper.get("[data-testid=missing-permission]"))).text();
    expect(note).toContain("You need the read:users permission to see and search users.");
    expect(note).toContain("Your roles (Archivist) do not include it.");
    // Role names belong to each tenant: the gate suggests none of its own.
    expect(note).not.toMatch(/Viewer|Support|Auditor|Admin/);
    wrapper.unmount();
  });

  it("says so when the staff member holds no role at all", async () => {
    const wrapper = mountWithUi(Protected, { session: sessionWith([]) });
    const note = await vi.waitFor(() => wrapper.get("[data-testid=missing-permission]"));
    expect(note.text()).toContain("You hold no role yet.");
    wrapper.unmount();
  });

  it("shows the page to staff whose effective permissions include it", () => {
    const wrapper = mountWithUi(Protected, { session: sessionWith(["read:users"]) });
    expect(wrapper.get("[data-testid=secret]").text()).toBe("the user list");
    expect(wrapper.find("[data-testid=missing-permission]").exists()).toBe(false);
    wrapper.unmount();
  });

  it("does not expand manage:users itself: the desk's list is already effective", () => {
    const wrapper = mountWithUi(Protected, { session: sessionWith(["manage:users"]) });
    expect(wrapper.find("[data-testid=secret]").exists()).toBe(false);
    wrapper.unmount();
  });

  it("waits while the desk is being asked", () => {
    const wrapper = mountWithUi(Protected, { session: sessionWith(null) });
    expect(wrapper.find("[data-testid=secret]").exists()).toBe(false);
    expect(wrapper.find("[data-testid=missing-permission]").exists()).toBe(false);
    expect(wrapper.find("[role=status]").exists()).toBe(true);
    wrapper.unmount();
  });

  it("says the permissions could not be read rather than that one is missing", async () => {
    const session = { ...sessionWith([]), permissionsError: ref("The desk could not be reached: check your connection.") };
    const wrapper = mountWithUi(Protected, { session });
    const alert = await vi.waitFor(() => wrapper.get("[role=alert]"));
    expect(wrapper.find("[data-testid=missing-permission]").exists()).toBe(false);
    expect(alert.text()).toContain("could not read your permissions");
    wrapper.unmount();
  });
});

describe("delete gating", () => {
  // The Users page derives the table's delete column from the session the same way.
  const Gated = defineComponent({
    setup() {
      const canDelete = usePermission("delete:users");
      return () =>
        h(UsersTable, {
          users: [{ user_id: "auth0|1", name: "One", email: "one@example.com" }],
          total: 1,
          totalIsCapped: false,
          loading: false,
          error: null,
          first: 0,
          rows: 10,
          sortField: null,
          sortOrder: null,
          searched: false,
          canDelete: canDelete.value,
        } as never);
    },
  });

  it("offers delete only when the desk lists delete:users", () => {
    const expectations: [string[], boolean][] = [
      [["read:users"], false],
      [["read:users", "update:users"], false],
      [["read:users", "delete:users"], true],
      [["create:users", "delete:users", "manage:users", "read:audit", "read:users", "update:roles", "update:users"], true],
    ];
    for (const [permissions, offered] of expectations) {
      const wrapper = mountWithUi(Gated, { session: sessionWith(permissions) });
      expect(wrapper.find("[data-testid=delete-user]").exists(), permissions.join(" ")).toBe(offered);
      wrapper.unmount();
    }
  });
});
