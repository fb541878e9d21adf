import { describe, expect, it } from "vitest";
import { flushPromises } from "@vue/test-utils";
import { mountWithUi } from "@/testing/mount";
import UserAvatar from "./UserAvatar.vue";
import { pictureToShow, RemoteAvatarsKey } from "./avatars";

function avatar(picture: string, remoteAvatars?: boolean) {
  const provide = remoteAvatars === undefined ? {} : { [RemoteAvatarsKey as symbol]: remoteAvatars };
  return mountWithUi(UserAvatar, { props: { name: "Ada Lovelace", picture }, global: { provide } });
}

describe("UserAvatar", () => {
  it("draws initials rather than load a picture from another origin by default", () => {
    for (const remote of [undefined, false]) {
      const wrapper = avatar("https://images.invalid/a.png", remote);
      expect(wrapper.find("img").exists()).toBe(false);
      expect(wrapper.get("[data-testid=avatar-initials]").text()).toBe("AL");
      wrapper.unmount();
    }
  });

  it("shows an allowed picture, then initials when the picture fails", async () => {
    const wrapper = avatar("https://images.invalid/a.png", true);
    const img = wrapper.get("img");
    expect(img.attributes("src")).toBe("https://images.invalid/a.png");
    img.element.dispatchEvent(new Event("error"));
    await flushPromises();
    expect(wrapper.get("[data-testid=avatar-initials]").text()).toBe("AL");
    expect(wrapper.find("img").exists()).toBe(false);
    wrapper.unmount();
  });
});

describe("pictureToShow", () => {
  const desk = "https://desk.example";

  it("loads pictures that cost no request to a third party", () => {
    expect(pictureToShow("/avatars/a.png", false, desk)).toBe("/avatars/a.png");
    expect(pictureToShow("https://desk.example/a.png", false, desk)).toBe("https://desk.example/a.png");
    expect(pictureToShow("data:image/png;base64,AAAA", false, desk)).toBe("data:image/png;base64,AAAA");
  });

  it("loads other origins only when allowed", () => {
    const gravatar = "https://s.gravatar.com/avatar/abc?s=480";
    expect(pictureToShow(gravatar, false, desk)).toBeNull();
    expect(pictureToShow(gravatar, true, desk)).toBe(gravatar);
    expect(pictureToShow("http://desk.example:8443/a.png", false, desk)).toBeNull();
  });

  it("has nothing to show without a picture", () => {
    expect(pictureToShow(null, true, desk)).toBeNull();
    expect(pictureToShow("", true, desk)).toBeNull();
  });
});
