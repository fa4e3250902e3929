// IContainerManagement getSettings / setSettings through the client: the settings map of a
// mailshare's ACL container (where bmshare records the last maintenance run of each operation).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { NotFoundError, PermissionDeniedError, mailboxAclContainerUid, type BlueMindClient } from "../../bluemind";
import { mailshare, requestsOutsideContract, startClientEmulator, uid, type ClientEmulator } from "./support";

const D = "acme.test";
let env: ClientEmulator;
let client: BlueMindClient;
let container: string;

beforeAll(async () => {
  env = await startClientEmulator();
  client = env.client();
  const ms = uid();
  await client.mailshares.create(D, ms, mailshare("settings-share"));
  container = mailboxAclContainerUid(ms);
});
afterAll(async () => {
  await client.close();
  await env.close();
  expect(requestsOutsideContract(env.requests)).toEqual([]);
});

describe("container settings", () => {
  it("reads an empty map, then what was written; a write replaces the whole map", async () => {
    expect(await client.containers.getSettings(container)).toEqual({});
    await client.containers.setSettings(container, { "x.trigger": "2026-11", "x.state": "Success" });
    expect(await client.containers.getSettings(container)).toEqual({ "x.trigger": "2026-11", "x.state": "Success" });
    await client.containers.setSettings(container, { "y.trigger": "INC-4711" });
    expect(await client.containers.getSettings(container)).toEqual({ "y.trigger": "INC-4711" });
  });

  it("sends PUT and GET on /api/containers/_manage/{containerUid}/_settings", async () => {
    const seen: string[] = [];
    const off = env.onRequest((line) => seen.push(line.split(" ").slice(1, 3).join(" ")));
    await client.containers.setSettings(container, {});
    await client.containers.getSettings(container);
    off();
    const path = `/api/containers/_manage/${encodeURIComponent(container)}/_settings`;
    expect(seen).toEqual([`PUT ${path}`, `GET ${path}`]);
  });

  it("repeats a write after a 503 (a full replace is safe to repeat)", async () => {
    const before = env.requests.length;
    env.emu.emulator.setFaults({ failRate: 0.5, failStatus: 503, failSeed: 7, failMode: "after" });
    try {
      for (let i = 0; i < 5; i++) await client.containers.setSettings(container, { round: String(i) });
    } finally {
      env.emu.emulator.setFaults({ failRate: 0 });
    }
    expect(env.requests.slice(before).filter((l) => l.includes("/_settings 503")).length).toBeGreaterThan(0);
    expect(await client.containers.getSettings(container)).toEqual({ round: "4" });
  });

  it("unknown container → NotFoundError; a user without Manage cannot write", async () => {
    await expect(client.containers.getSettings("mailbox:acls-unknown")).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.containers.setSettings("mailbox:acls-unknown", {})).rejects.toBeInstanceOf(NotFoundError);
    const bob = env.client({ apiKey: undefined, login: "bob@acme.test", password: "bob-password" });
    await expect(bob.containers.setSettings(container, { k: "v" })).rejects.toBeInstanceOf(PermissionDeniedError);
    await bob.close();
  });
});
