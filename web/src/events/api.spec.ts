import { describe, expect, it } from "vitest";
import { eventWhen, type DeskEvent } from "./api";

const event = (date: string, time: string) =>
  ({ id: 1, name: "Ball", category: "Fun", description: "", location: "Here", date, time }) as DeskEvent;

describe("eventWhen", () => {
  it("reads the event's date and wall-clock time as one moment", () => {
    const text = eventWhen(event("2019-12-25", "11:30:00"));
    expect(text).toContain("2019");
    expect(text).toMatch(/December|Dec/);
    expect(text).toMatch(/11:30/);
  });

  it("shows what the desk sent when it is not a date", () => {
    expect(eventWhen(event("someday", "noon"))).toBe("someday noon");
  });
});
