import { describe, expect, it } from "vitest";
import { loadConfig } from "./config";

function answering(body: object): typeof fetch {
  return (async () => new Response(JSON.stringify(body), { status: 200 })) as typeof fetch;
}

const base = { domain: "http://localhost:8001", clientId: "spa", audience: "https://desk" };

describe("loadConfig", () => {
  it("keeps remote avatars off unless the desk says true", async () => {
    expect((await loadConfig(answering(base))).remoteAvatars).toBe(false);
    expect((await loadConfig(answering({ ...base, remoteAvatars: "true" }))).remoteAvatars).toBe(false);
    expect((await loadConfig(answering({ ...base, remoteAvatars: true }))).remoteAvatars).toBe(true);
  });

  it("names the desk setting that is missing", async () => {
    await expect(loadConfig(answering({ domain: base.domain, audience: base.audience }))).rejects.toThrow(
      "clientId (set AUTH0_SPA_CLIENT_ID)",
    );
  });
});
