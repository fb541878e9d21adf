import { definePreset } from "@primeuix/themes";
import base from "@primeuix/themes/aura/base";
import button from "@primeuix/themes/aura/button";
import card from "@primeuix/themes/aura/card";
// The module's default export is the CSS text (its typings declare a named export instead).
import auraCss from "@primeuix/themes/aura/css";
import message from "@primeuix/themes/aura/message";
import skeleton from "@primeuix/themes/aura/skeleton";

/**
 * Aura as the public pages need it: its base tokens and those of the components they use.
 * Aura's own index carries the tokens of all ~80 components, about 110 KB of the entry
 * chunk; what signed-in staff see adds its components' tokens (`./themeWork.ts`) on load.
 */
export const entryTokens = { button, card, message, skeleton };
const Aura = {
  ...base,
  components: entryTokens,
  css: auraCss as unknown as string,
};

// Aura's message and toast text sits at the 600 shade on a 50 tint: under WCAG AA's 4.5:1.
const readable = (hue: string) => ({ color: `{${hue}.800}`, outlined: { color: `{${hue}.800}` }, simple: { color: `{${hue}.800}` } });
const messages = { info: readable("blue"), success: readable("green"), warn: readable("yellow"), error: readable("red") };
const toastText = (hue: string) => ({ color: `{${hue}.800}`, detailColor: "{surface.800}" });
/** Also applied over Aura's toast tokens when `./themeWork.ts` adds them. */
export const toastOverrides = {
  colorScheme: {
    light: { info: toastText("blue"), success: toastText("green"), warn: toastText("yellow"), error: toastText("red") },
  },
};

/**
 * Aura with an indigo primary and danger buttons darker than the defaults, so white
 * text meets WCAG AA contrast (the end-to-end tests run axe-core on every page), and
 * focus rings thick and dark enough to see.
 */
export const UserdeskPreset = definePreset(Aura, {
  components: {
    button: {
      colorScheme: {
        light: {
          root: {
            // WCAG 2.2 focus appearance: a 2px ring at least 3:1 against the page, per severity.
            secondary: { focusRing: { color: "{surface.700}", shadow: "none" } },
            danger: {
              focusRing: { color: "{red.700}", shadow: "none" },
              background: "{red.700}",
              hoverBackground: "{red.800}",
              activeBackground: "{red.900}",
              borderColor: "{red.700}",
              hoverBorderColor: "{red.800}",
              activeBorderColor: "{red.900}",
            },
          },
          text: { danger: { color: "{red.700}" } },
          outlined: { danger: { color: "{red.700}", borderColor: "{red.600}" } },
        },
      },
    },
    message: { colorScheme: { light: messages } },
    toast: toastOverrides,
  },
  semantic: {
    // Aura's ring is 1px; WCAG 2.2's focus appearance asks for at least 2px. The primary
    // colour (indigo 700) is 8:1 against white.
    focusRing: { width: "2px", style: "solid", color: "{primary.color}", offset: "2px", shadow: "none" },
    primary: {
      50: "{indigo.50}",
      100: "{indigo.100}",
      200: "{indigo.200}",
      300: "{indigo.300}",
      400: "{indigo.400}",
      500: "{indigo.500}",
      600: "{indigo.600}",
      700: "{indigo.700}",
      800: "{indigo.800}",
      900: "{indigo.900}",
      950: "{indigo.950}",
    },
    colorScheme: {
      light: {
        primary: {
          color: "{primary.700}",
          contrastColor: "#ffffff",
          hoverColor: "{primary.800}",
          activeColor: "{primary.900}",
        },
        highlight: {
          background: "{primary.100}",
          focusBackground: "{primary.200}",
          color: "{primary.800}",
          focusColor: "{primary.900}",
        },
      },
    },
  },
});
