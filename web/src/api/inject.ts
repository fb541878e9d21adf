import { inject, type InjectionKey } from "vue";
import type { DeskClient } from "./client";

export const ApiKey: InjectionKey<DeskClient> = Symbol("desk-api");

export function useApi(): DeskClient {
  const api = inject(ApiKey);
  if (!api) throw new Error("useApi() needs the desk client provided by the app");
  return api;
}
