import { updatePreset } from "@primeuix/themes";
import avatar from "@primeuix/themes/aura/avatar";
import badge from "@primeuix/themes/aura/badge";
import checkbox from "@primeuix/themes/aura/checkbox";
import datatable from "@primeuix/themes/aura/datatable";
import dialog from "@primeuix/themes/aura/dialog";
import iconfield from "@primeuix/themes/aura/iconfield";
import inputtext from "@primeuix/themes/aura/inputtext";
import paginator from "@primeuix/themes/aura/paginator";
import popover from "@primeuix/themes/aura/popover";
import progressspinner from "@primeuix/themes/aura/progressspinner";
import select from "@primeuix/themes/aura/select";
import tabs from "@primeuix/themes/aura/tabs";
import tag from "@primeuix/themes/aura/tag";
import textarea from "@primeuix/themes/aura/textarea";
import toast from "@primeuix/themes/aura/toast";
import { toastOverrides } from "./theme";

/** The tokens of every component only signed-in staff see. */
export const workTokens = {
  avatar,
  badge,
  checkbox,
  datatable,
  dialog,
  iconfield,
  inputtext,
  paginator,
  popover,
  progressspinner,
  select,
  tabs,
  tag,
  textarea,
  toast,
};

let added = false;

/**
 * Adds the tokens of the components only signed-in staff see (tables, dialogs, forms, tabs,
 * the header's avatar and tags, toasts) to the theme, from the setup of the staff header
 * and of the staff pages, before those components mount; components already mounted
 * restyle themselves on the change. Keeps the public pages' first visit small. Idempotent.
 */
export function addWorkTokens(): void {
  if (added) return;
  added = true;
  updatePreset(
    { components: workTokens },
    // The contrast fixes of ./theme.ts win over Aura's toast colours.
    { components: { toast: toastOverrides } },
  );
}
