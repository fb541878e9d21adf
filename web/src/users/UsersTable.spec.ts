import { describe, expect, it, vi } from "vitest";
import { mountWithUi } from "@/testing/mount";
import UsersTable from "./UsersTable.vue";
import type { DeskUser } from "./api";
import { RemoteAvatarsKey } from "./avatars";

const ada: DeskUser = {
  user_id: "auth0|ada",
  email: "ada@example.com",
  name: "Ada Lovelace",
  picture: "https://images.invalid/ada.png",
  logins_count: 12,
  last_login: "2026-03-01T10:00:00.000Z",
  blocked: false,
} as DeskUser;
const bob: DeskUser = {
  user_id: "auth0|bob",
  email: "bob@example.com",
  name: null,
  nickname: "bob",
  picture: null,
  logins_count: null,
  last_login: null,
  blocked: true,
} as DeskUser;

function table(props: Partial<InstanceType<typeof UsersTable>["$props"]> = {}, remoteAvatars = false) {
  return mountWithUi(UsersTable, {
    global: { provide: { [RemoteAvatarsKey as symbol]: remoteAvatars } },
    props: {
      users: [ada, bob],
      total: 2,
      loading: false,
      error: null,
      first: 0,
      rows: 10,
      sortField: null,
      sortOrder: null,
      canDelete: true,
      searched: false,
      ...props,
    },
  });
}

describe("UsersTable", () => {
  it("shows each user's name, email, logins and blocked badge", () => {
    const wrapper = table();
    const rows = wrapper.findAll("tbody tr");
    expect(rows).toHaveLength(2);
    expect(rows[0]!.text()).toContain("Ada Lovelace");
    expect(rows[0]!.text()).toContain("ada@example.com");
    expect(rows[0]!.text()).toContain("12");
    expect(rows[0]!.find("[data-testid=blocked]").exists()).toBe(false);
    expect(rows[1]!.text()).toContain("bob");
    expect(rows[1]!.text()).toContain("Never");
    expect(rows[1]!.find("[data-testid=blocked]").text()).toBe("Blocked");
    expect(wrapper.get("[data-testid=users-summary]").text()).toBe("2 users");
    wrapper.unmount();
  });

  it("draws initials instead of pictures hosted elsewhere, unless the desk allows them", () => {
    const wrapper = table();
    expect(wrapper.find("tbody img").exists()).toBe(false);
    expect(wrapper.findAll("[data-testid=avatar-initials]").map((a) => a.text())).toEqual(["AL", "B"]);
    wrapper.unmount();
  });

  it("shows allowed pictures as decoration, and initials when there is none", () => {
    const wrapper = table({}, true);
    const [first, second] = wrapper.findAll("tbody tr");
    expect(first!.get("img").attributes("alt")).toBe("");
    expect(first!.get("[data-testid=avatar-image]").attributes("aria-hidden")).toBe("true");
    expect(second!.find("img").exists()).toBe(false);
    expect(second!.get("[data-testid=avatar-initials]").text()).toBe("B");
    wrapper.unmount();
  });

  it("labels a delete button per user, and emits the user", async () => {
    const wrapper = table();
    const buttons = wrapper.findAll("[data-testid=delete-user]");
    expect(buttons.map((b) => b.attributes("aria-label"))).toEqual(["Delete Ada Lovelace", "Delete bob"]);
    await buttons[1]!.trigger("click");
    expect(wrapper.emitted("delete")).toEqual([[bob]]);
    wrapper.unmount();
  });

  it("has no delete button without the permission to delete", () => {
    const wrapper = table({ canDelete: false });
    expect(wrapper.find("[data-testid=delete-user]").exists()).toBe(false);
    expect(wrapper.text()).not.toContain("Actions");
    wrapper.unmount();
  });

  it("says when nothing matches a search, and when there are no users at all", () => {
    const searched = table({ users: [], total: 0, searched: true });
    expect(searched.get("[data-testid=users-empty]").text()).toBe("No users match this search.");
    searched.unmount();
    const none = table({ users: [], total: 0 });
    expect(none.get("[data-testid=users-empty]").text()).toBe("There are no users yet.");
    none.unmount();
  });

  it("shows the loading state", () => {
    const wrapper = table({ users: [], total: 0, loading: true });
    expect(wrapper.get("[data-testid=users-summary]").text()).toBe("Loading users…");
    expect(wrapper.find("[data-testid=users-loading]").exists()).toBe(true);
    expect(wrapper.get("table").attributes("aria-busy")).toBe("true");
    expect(wrapper.find("[data-testid=users-empty]").exists()).toBe(false);
    wrapper.unmount();
  });

  it("says what went wrong, only that, and offers to try again", async () => {
    const wrapper = table({ users: [], total: 0, error: "Rate limited: try again in 5 s." });
    // The error's Message is a chunk of its own, loaded when an error shows.
    await vi.waitFor(() => wrapper.get("[data-testid=users-error]"));
    expect(wrapper.get("[data-testid=users-error]").text()).toContain("try again in 5 s");
    expect(wrapper.get("[role=alert]").text()).toContain("try again in 5 s");
    expect(wrapper.get("[data-testid=users-summary]").text()).toBe("");
    expect(wrapper.find("[data-testid=users-empty]").exists()).toBe(false);
    expect(wrapper.text()).not.toContain("No users");
    expect(wrapper.find("[data-testid=users-paginator]").exists()).toBe(false);
    await wrapper.get("[data-testid=users-error] button").trigger("click");
    expect(wrapper.emitted("retry")).toHaveLength(1);
    wrapper.unmount();
  });

  it("offers the first page instead of a retry past the provider's cap", async () => {
    const wrapper = table({ users: [], total: 0, first: 1200, error: "Only the first 1,000…", pastCap: true });
    await vi.waitFor(() => wrapper.get("[data-testid=users-error]"));
    const button = wrapper.get("[data-testid=users-error] button");
    expect(button.text()).toBe("Go to the first page");
    await button.trigger("click");
    expect(wrapper.emitted("page")).toEqual([[0, 10]]);
    expect(wrapper.emitted("retry")).toBeUndefined();
    wrapper.unmount();
  });

  it("never shows a capped count as the total", () => {
    const wrapper = table({ users: [ada, bob], total: 1000, totalIsCapped: true });
    expect(wrapper.get("[data-testid=users-summary]").text()).toBe(
      "More than 1,000 users match; refine the search, or export them all",
    );
    const report = wrapper.get("[data-testid=page-report]").text();
    expect(report).toBe("1 to 10 of more than 1,000");
    expect(wrapper.text()).not.toContain("of 1000");
    wrapper.unmount();
  });

  it("keeps status and actions in every row, and repeats the email under the name for narrow screens", () => {
    const wrapper = table();
    const cells = wrapper.findAll("tbody tr")[0]!.findAll("td");
    expect(cells.map((cell) => cell.classes().includes("secondary-column"))).toEqual([false, true, true, true, false, false]);
    expect(cells[0]!.get(".inline-email").text()).toBe("ada@example.com");
    wrapper.unmount();
  });

  it("asks the desk to sort when a column header is activated: up, down, then none", async () => {
    const wrapper = table();
    const emailHeader = wrapper.findAll("th").find((th) => th.text().includes("Email"))!;
    expect(emailHeader.attributes("aria-sort")).toBe("none");
    expect(emailHeader.attributes("tabindex")).toBe("0");
    await emailHeader.trigger("click");
    expect(wrapper.emitted("sort")).toEqual([["email", 1]]);
    await wrapper.setProps({ sortField: "email", sortOrder: 1 } as never);
    expect(emailHeader.attributes("aria-sort")).toBe("ascending");
    await emailHeader.trigger("keydown", { key: "Enter" });
    await wrapper.setProps({ sortField: "email", sortOrder: -1 } as never);
    expect(emailHeader.attributes("aria-sort")).toBe("descending");
    await emailHeader.trigger("keydown", { key: " " });
    expect(wrapper.emitted("sort")).toEqual([["email", 1], ["email", -1], [null, null]]);
    wrapper.unmount();
  });

  it("sorts numbers up first too, and never sorts by status or actions", async () => {
    const wrapper = table();
    const logins = wrapper.findAll("th").find((th) => th.text().includes("Logins"))!;
    await logins.trigger("click");
    expect(wrapper.emitted("sort")).toEqual([["logins_count", 1]]);
    const status = wrapper.findAll("th").find((th) => th.text().includes("Status"))!;
    expect(status.attributes("aria-sort")).toBeUndefined();
    await status.trigger("click");
    expect(wrapper.emitted("sort")).toHaveLength(1);
    wrapper.unmount();
  });

  it("asks for another page and another page size", async () => {
    const wrapper = table({ users: [ada], total: 45, first: 10 });
    expect(wrapper.get("[data-testid=page-report]").text()).toBe("11 to 20 of 45");
    expect(wrapper.get("[aria-current=page]").text()).toBe("2");
    await wrapper.get("button[aria-label='Next Page']").trigger("click");
    await wrapper.get("button[aria-label='Last Page']").trigger("click");
    await wrapper.get("button[aria-label='Page 1']").trigger("click");
    expect(wrapper.emitted("page")).toEqual([[20, 10], [40, 10], [0, 10]]);
    await wrapper.get("select[aria-label='Rows per page']").setValue("25");
    expect(wrapper.emitted("page")).toHaveLength(4);
    expect(wrapper.emitted("page")![3]![1]).toBe(25);
    wrapper.unmount();
  });

  it("offers no page before the first nor after the last", () => {
    const wrapper = table({ users: [ada], total: 45, first: 40 });
    expect(wrapper.get("button[aria-label='Next Page']").attributes("disabled")).toBeDefined();
    expect(wrapper.get("button[aria-label='Last Page']").attributes("disabled")).toBeDefined();
    expect(wrapper.get("button[aria-label='First Page']").attributes("disabled")).toBeUndefined();
    expect(wrapper.findAll("button[aria-label^='Page ']").map((b) => b.text())).toEqual(["1", "2", "3", "4", "5"]);
    wrapper.unmount();
  });
});
