// Keys that are also names of Object.prototype members (`constructor`, `toString`, `__proto__`) are
// ordinary strings to BlueMind: as API keys, uids, identity ids, setting names and type ids.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, waitTask, mailshareBody, expectFault, type TestEmulator } from "../support/emulator";

const RESERVED = ["constructor", "__proto__", "toString"];
const base = "/api/mailshares/acme.test";

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

describe("reserved names as keys", () => {
  it("rejects them as API keys with 401", async () => {
    for (const key of RESERVED) {
      const r = await emu.api("GET", "/api/auth/ping", { key });
      expectFault(r, 401, "AUTHENTICATION_FAIL");
      expect((await emu.api("GET", `${base}/_complete`, { key })).status).toBe(401);
    }
  });

  it("creates, reads, lists and deletes mailshares with those uids", async () => {
    for (const [i, uid] of RESERVED.entries()) {
      const name = `reserved-${i}`;
      const put = await emu.api("PUT", `${base}/${encodeURIComponent(uid)}`, { body: mailshareBody(name) });
      expect(put.status, put.text).toBe(200);
      const got = await emu.api("GET", `${base}/${encodeURIComponent(uid)}/complete`);
      expect(got.json).toMatchObject({ uid, value: { name } });
      const entry = await emu.api("GET", `/api/directory/acme.test/entry-uid/${encodeURIComponent(uid)}`);
      expect(entry.json).toMatchObject({ entryUid: uid, kind: "MAILSHARE" });
    }
    const all = (await emu.api("GET", `${base}/_complete`)).json.map((m: any) => m.uid);
    expect(all).toEqual(expect.arrayContaining(RESERVED));
    for (const uid of RESERVED) {
      const del = await emu.api("DELETE", `${base}/${encodeURIComponent(uid)}`);
      expect((await waitTask(emu.api, del.json.id)).state).toBe("Success");
      expect((await emu.api("GET", `${base}/${encodeURIComponent(uid)}/complete`)).status).toBe(204);
    }
  });

  it("does not find users, groups, org units or containers that do not exist", async () => {
    for (const uid of RESERVED) {
      const u = encodeURIComponent(uid);
      expect((await emu.api("GET", `/api/users/acme.test/${u}/complete`)).status).toBe(204);
      expect((await emu.api("GET", `/api/directory/_ou/acme.test/${u}/complete`)).status).toBe(204);
      expect((await emu.api("GET", `/api/groups/acme.test/${u}/complete`)).status).toBe(204);
      expectFault(await emu.api("GET", `/api/containers/_manage/${u}/_acl`), 404, "NOT_FOUND");
      expectFault(await emu.api("GET", `/api/mailshares/${u}/x/complete`), 404, "NOT_FOUND");
      expect((await emu.api("GET", `/api/servers/default/${u}/complete`)).status).toBe(204);
    }
  });

  it("uses them as identity ids of a mailshare", async () => {
    await emu.api("PUT", `${base}/ms-ids`, { body: mailshareBody("ids") });
    const ids = "/api/mailboxes/acme.test/identity/ms-ids";
    for (const id of RESERVED) {
      const body = { name: id, email: "ids@acme.test", format: "PLAIN", signature: "", displayname: id };
      expect((await emu.api("PUT", `${ids}/${encodeURIComponent(id)}`, { body })).status).toBe(200);
      expect((await emu.api("GET", `${ids}/${encodeURIComponent(id)}`)).json).toMatchObject({ name: id });
    }
    expect((await emu.api("GET", ids)).json.map((i: any) => i.id).sort()).toEqual([...RESERVED].sort());
    for (const id of RESERVED) {
      expect((await emu.api("DELETE", `${ids}/${encodeURIComponent(id)}`)).status).toBe(200);
      expect((await emu.api("GET", `${ids}/${encodeURIComponent(id)}`)).status).toBe(204);
    }
  });

  it("keeps them as setting names and refuses them as filter type ids", async () => {
    await emu.api("PUT", `${base}/ms-set`, { body: mailshareBody("set") });
    const c = "/api/containers/_manage/mailbox:acls-ms-set/_settings";
    expect((await emu.api("PUT", c, { body: '{"__proto__":"p","constructor":"c","toString":"t"}' })).status).toBe(200);
    expect(JSON.parse((await emu.api("GET", c)).text)).toEqual(JSON.parse('{"__proto__":"p","constructor":"c","toString":"t"}'));
    const rule = { conditions: [], actions: [{ name: "constructor" }] };
    const r = await emu.api("PUT", "/api/mailboxes/acme.test/ms-set/_rules", { body: rule });
    expect(r.status).toBe(500);
    expect(r.json.message).toContain("Error during parsing");
  });
});

describe("reserved names across a restart", () => {
  it("persists a mailshare, an identity and settings named like Object.prototype members", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-reserved-"));
    const first = await startTestEmulator({ dataDir });
    try {
      expect((await first.api("PUT", `${base}/__proto__`, { body: mailshareBody("proto") })).status).toBe(200);
      const identity = { name: "c", email: "proto@acme.test", format: "PLAIN", signature: "" };
      expect((await first.api("PUT", "/api/mailboxes/acme.test/identity/__proto__/constructor", { body: identity })).status).toBe(200);
      await first.api("PUT", "/api/domains/acme.test/_settings", {
        body: '{"__proto__":"kept","mailbox_default_publicfolder_quota":"1048576","mailbox_max_publicfolder_quota":"10485760"}',
      });
    } finally {
      await first.close();
    }
    const second = await startTestEmulator({ dataDir });
    try {
      expect((await second.api("GET", `${base}/__proto__/complete`)).json).toMatchObject({ uid: "__proto__", value: { name: "proto" } });
      expect((await second.api("GET", "/api/mailboxes/acme.test/identity/__proto__/constructor")).json).toMatchObject({ name: "c" });
      expect((await second.api("GET", "/api/mailboxes/acme.test/identity/__proto__/toString")).status).toBe(204);
      const settings = JSON.parse((await second.api("GET", "/api/domains/acme.test/_settings")).text);
      expect(Object.hasOwn(settings, "__proto__") && settings["__proto__"]).toBe("kept");
      const del = await second.api("DELETE", `${base}/__proto__`);
      expect((await waitTask(second.api, del.json.id)).state).toBe("Success");
      expect((await second.api("GET", `${base}/__proto__/complete`)).status).toBe(204);
    } finally {
      await second.close();
    }
  });
});
