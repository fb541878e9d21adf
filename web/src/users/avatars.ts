import type { InjectionKey } from "vue";

/**
 * Whether avatars hosted on other origins may load (the desk's `remoteAvatars`).
 * Off by default: every Gravatar or CDN picture would tell a third party which
 * users a staff member is looking at, and when.
 */
export const RemoteAvatarsKey: InjectionKey<boolean> = Symbol("remote-avatars");

/** The picture to load, or null to draw initials instead. */
export function pictureToShow(
  picture: string | null | undefined,
  remoteAllowed: boolean,
  origin: string = window.location.origin,
): string | null {
  if (!picture) return null;
  let url: URL;
  try {
    url = new URL(picture, origin);
  } catch {
    return null;
  }
  // data: and blob: pictures cost no request; same-origin ones go to the desk itself.
  if (url.protocol === "data:" || url.protocol === "blob:" || url.origin === origin) return picture;
  return remoteAllowed ? picture : null;
}
