import { updatePreset } from "@primeuix/themes";
import badge from "@primeuix/themes/aura/badge";
import iconfield from "@primeuix/themes/aura/iconfield";
import inputtext from "@primeuix/themes/aura/inputtext";
import popover from "@primeuix/themes/aura/popover";
import progressspinner from "@primeuix/themes/aura/progressspinner";
import tag from "@primeuix/themes/aura/tag";

/**
 * The tokens of the components every signed-in page shows: the header's tags and popover, the Users page's search box and status tags, the wait for permissions. Tables,
 * dialogs, forms, tabs and toasts add theirs with their code (`./themeTools.ts`).
 */
export const workTokens = {
  badge,
  iconfield,
  inputtext,
  popover,
  progressspinner,
  tag,
};

let added = false;

/**
 * Adds the tokens above to the theme, from the setup of the staff header and of the staff
 * pages, before those components mount; components already mounted restyle themselves on
 * the change. Keeps the public pages' first visit small. Idempotent.
 */
export function addWorkTokens(): void {
  if (added) return;
  added = true;
  updatePreset({ components: workTokens });
}
