import { updatePreset } from "@primeuix/themes";
import checkbox from "@primeuix/themes/aura/checkbox";
import datatable from "@primeuix/themes/aura/datatable";
import dialog from "@primeuix/themes/aura/dialog";
import paginator from "@primeuix/themes/aura/paginator";
import select from "@primeuix/themes/aura/select";
import tabs from "@primeuix/themes/aura/tabs";
import textarea from "@primeuix/themes/aura/textarea";
import toast from "@primeuix/themes/aura/toast";
import { toastOverrides } from "./theme";
import { addWorkTokens } from "./themeWork";

/**
 * The tokens of the tools staff use to act and dig: tables with pagers, dialogs, forms,
 * tabs and toasts. They come with the code that shows those components (the user page,
 * the audit page, the Users page's dialogs, the first toast), not with the Users list.
 */
export const toolTokens = {
  checkbox,
  datatable,
  dialog,
  paginator,
  select,
  tabs,
  textarea,
  toast,
};

let added = false;

/** Adds the tokens above (and those of `addWorkTokens`) to the theme. Idempotent. */
export function addToolTokens(): void {
  addWorkTokens();
  if (added) return;
  added = true;
  updatePreset(
    { components: toolTokens },
    // The contrast fixes of ./theme.ts win over Aura's toast colours.
    { components: { toast: toastOverrides } },
  );
}
