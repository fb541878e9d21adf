import { inject, provide, ref, type InjectionKey, type Ref } from "vue";
import { useNotify } from "@/notify";

export interface Announcer {
  /** The last result, for the page's aria-live region. */
  message: Ref<string>;
  success(summary: string, detail: string): void;
  failure(summary: string, detail: string): void;
}

export const AnnouncerKey: InjectionKey<Announcer> = Symbol("announcer");

/**
 * Results of writes, said twice: a Toast for the eye and a polite live region for screen
 * readers (a Toast alone can vanish before it is read). The page provides it; tabs use it.
 */
export function provideAnnouncer(): Announcer {
  const notify = useNotify();
  const message = ref("");
  function say(severity: "success" | "error", summary: string, detail: string): void {
    message.value = `${summary}: ${detail}`;
    notify({ severity, summary, detail, life: severity === "error" ? 8000 : 5000 });
  }
  const announcer: Announcer = {
    message,
    success: (summary, detail) => say("success", summary, detail),
    failure: (summary, detail) => say("error", summary, detail),
  };
  provide(AnnouncerKey, announcer);
  return announcer;
}

export function useAnnouncer(): Announcer {
  const announcer = inject(AnnouncerKey);
  if (!announcer) throw new Error("useAnnouncer() needs provideAnnouncer() on the page");
  return announcer;
}
