import { describe, expect, it, vi } from "vitest";
import { flushPromises } from "@vue/test-utils";
import { ApiError } from "@/api/errors";
import { ApiKey } from "@/api/inject";
import { mountWithUi } from "@/testing/mount";
import NewUserDialog from "./NewUserDialog.vue";

const CONNECTIONS = { connections: [{ id: "con_1", name: "Username-Password-Authentication", strategy: "auth0" }] };

function dialog(create: () => Promise<unknown>) {
  const api = {
    GET: vi.fn(async () => ({ data: CONNECTIONS })),
    POST: vi.fn(create),
  };
  const wrapper = mountWithUi(NewUserDialog, {
    props: { visible: false },
    global: { provide: { [ApiKey as symbol]: api } },
  });
  return { wrapper, api };
}

async function fillAndSubmit(
  wrapper: { setProps(props: Record<string, unknown>): Promise<void> },
  password = "A-good-password-1",
) {
  await wrapper.setProps({ visible: true });
  await flushPromises();
  const input = (id: string) => document.getElementById(id) as HTMLInputElement;
  input("new-user-email").value = "nina@example.com";
  input("new-user-email").dispatchEvent(new Event("input"));
  input("new-user-password").value = password;
  input("new-user-password").dispatchEvent(new Event("input"));
  (document.getElementById("new-user-form") as HTMLFormElement).requestSubmit();
  await flushPromises();
}

describe("NewUserDialog", () => {
  it("creates the user in the first database connection and hands over its id", async () => {
    const { wrapper, api } = dialog(async () => ({ data: { user_id: "auth0|nina", email: "nina@example.com" } }));
    await fillAndSubmit(wrapper);
    expect(api.POST).toHaveBeenCalledWith("/api/users", {
      body: {
        connection: "Username-Password-Authentication",
        email: "nina@example.com",
        password: "A-good-password-1",
        name: undefined,
        email_verified: false,
      },
    });
    expect(wrapper.emitted("created")).toEqual([["auth0|nina"]]);
    wrapper.unmount();
  });

  it("shows a weak password beside the password, and keeps the dialog open", async () => {
    const { wrapper } = dialog(async () => {
      throw new ApiError(400, "weak_password", "Password is too weak");
    });
    await fillAndSubmit(wrapper, "abc");
    const error = document.querySelector("[data-testid=password-error]");
    expect(error?.textContent).toContain("too weak");
    expect(document.getElementById("new-user-password")?.getAttribute("aria-describedby")).toBe(
      "new-user-password-error",
    );
    expect(wrapper.emitted("created")).toBeUndefined();
    wrapper.unmount();
  });

  it("shows a duplicate beside the email", async () => {
    const { wrapper } = dialog(async () => {
      throw new ApiError(409, "user_exists", "The user already exists.");
    });
    await fillAndSubmit(wrapper);
    expect(document.querySelector("[data-testid=email-error]")?.textContent).toContain("already exists");
    wrapper.unmount();
  });
});
