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

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "short" });

/** Events are local to where they happen: a date and a wall-clock time, no time zone. */
export function eventWhen(event: DeskEvent): string {
  const moment = new Date(`${event.date}T${event.time}`);
  return Number.isNaN(moment.getTime()) ? `${event.date} ${event.time}` : when.format(moment);
}
