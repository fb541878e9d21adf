import { describe, expect, it } from "vitest";
import { flushPromises } from "@vue/test-utils";
import { mountWithUi } from "@/testing/mount";
import UserAvatar from "./UserAvatar.vue";

describe("UserAvatar", () => {
  it("shows the picture, then initials when the picture fails", async () => {
    const wrapper = mountWithUi(UserAvatar, { props: { name: "Ada Lovelace", picture: "https://images.invalid/a.png" } });
    const img = wrapper.get("img");
    expect(img.attributes("src")).toBe("https://images.invalid/a.png");
    img.element.dispatchEvent(new Event("error"));
    await flushPromises();
    expect(wrapper.get("[data-testid=avatar-initials]").text()).toBe("AL");
    expect(wrapper.find("img").exists()).toBe(false);
    wrapper.unmount();
  });
});
