import { nextTick, shallowRef, type Component } from "vue";
import type { ToastMessageOptions } from "primevue/toast";
import { useToast } from "primevue/usetoast";

/**
 * The Toast component, once something has been said: it loads with the first message, so
 * no page downloads it for a visit that writes nothing. `App.vue` renders it when set.
 */
export const toastHost = shallowRef<Component | null>(null);
let hosted: Promise<void> | null = null;

function host(): Promise<void> {
  hosted ??= Promise.all([import("primevue/toast"), import("./themeTools")]).then(
    async ([module, { addToolTokens }]) => {
      addToolTokens();
      toastHost.value = module.default;
      // The host mounts (and listens for messages) in the render after this change.
      await nextTick();
    },
    (error: unknown) => {
      hosted = null;
      throw error;
    },
  );
  return hosted;
}

/** `useToast().add`, with the Toast component loaded (and mounted) before the message goes. */
export function useNotify(): (message: ToastMessageOptions) => void {
  const toast = useToast();
  return (message) => {
    host().then(
      () => toast.add(message),
      () => undefined,
    );
  };
}
