import type { DeskClient } from "@/api/client";
import type { paths } from "@/api/schema";

// Types come from the paths, not schema names, so regenerating the schema keeps them stable.
export type DeskEvent =
  paths["/api/events"]["get"]["responses"][200]["content"]["application/json"][number];

export async function listEvents(api: DeskClient): Promise<DeskEvent[]> {
  const { data } = await api.GET("/api/events");
  return data ?? [];
}

export async function getEvent(api: DeskClient, id: string): Promise<DeskEvent> {
  const { data } = await api.GET("/api/events/{event_id}", { params: { path: { event_id: Number(id) } } });
  if (!data) throw new Error("The desk returned no event.");
  return data;
}

export function eventWhen(event: DeskEvent): string {
  return [event.date, event.time].filter(Boolean).join(" · ");
}
