import * as http from "node:http";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, mailshareBody, TEST_KEY, type TestEmulator, loginKey } from "../support/emulator";
import { stableUid } from "../../emulator/seed";

let emu: TestEmulator;
let bobKey: string;
const aliceUid = stableUid("acme.test", "users", "alice");
const bobUid = stableUid("acme.test", "users", "bob");
const carolUid = stableUid("acme.test", "users", "carol");
const supportUid = stableUid("acme.test", "groups", "support-team");
const manage = (container: string) => `/api/containers/_manage/${container}`;

let seq = 0;
async function newShare(): Promise<string> {
  const uid = `acl-${++seq}`;
  const r = await emu.api("PUT", `/api/mailshares/acme.test/${uid}`, { body: mailshareBody(uid) });
  expect(r.status).toBe(200);
  return uid;
}

const setAcl = (uid: string, body: unknown, key?: string | null) => emu.api("PUT", `${manage(`mailbox:acls-${uid}`)}/_acl`, { body, key });
const getAcl = (uid: string, key?: string | null) => emu.api("GET", `${manage(`mailbox:acls-${uid}`)}/_acl`, { key });

/** subject → sorted verbs, to compare ACLs as sets. */
function bySubject(entries: { subject: string; verb: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of entries) (out[e.subject] ??= []).push(e.verb);
  for (const verbs of Object.values(out)) verbs.sort();
  return out;
}

const sorted = (...verbs: string[]) => [...verbs].sort();

beforeAll(async () => {
  emu = await startTestEmulator();
  bobKey = await loginKey(emu, "bob@acme.test", "bob-password");
});
afterAll(async () => {
  await emu.close();
});

describe("ACL read and write", () => {
  it("starts empty for a new mailshare", async () => {
    const uid = await newShare();
    const r = await getAcl(uid);
    expect(r.status).toBe(200);
    expect(r.json).toEqual([]);
  });

  it("reads Write back expanded, with the SendAs added for a new writer", async () => {
    const uid = await newShare();
    const put = await setAcl(uid, [{ subject: carolUid, verb: "Write" }]);
    expect(put.status).toBe(200);
    expect(put.text).toBe("");
    expect(bySubject((await getAcl(uid)).json)).toEqual({
      [carolUid]: sorted("Write", "Read", "Freebusy", "Invitation", "SendAs", "SendOnBehalf"),
    });
  });

  it("drops SendAs when Write is re-sent without it", async () => {
    const uid = await newShare();
    await setAcl(uid, [{ subject: carolUid, verb: "Write" }]);
    await setAcl(uid, [{ subject: carolUid, verb: "Write" }]);
    expect(bySubject((await getAcl(uid)).json)).toEqual({ [carolUid]: sorted("Write", "Read", "Freebusy", "Invitation") });
  });

  it("removes SendAs from a subject that loses Write", async () => {
    const uid = await newShare();
    await setAcl(uid, [{ subject: carolUid, verb: "Write" }]);
    await setAcl(uid, [{ subject: carolUid, verb: "Read" }, { subject: carolUid, verb: "SendAs" }]);
    expect(bySubject((await getAcl(uid)).json)).toEqual({ [carolUid]: sorted("Read", "Freebusy", "Invitation") });
  });

  it("keeps a SendAs sent alongside a kept Write, and expands All to every verb", async () => {
    const uid = await newShare();
    await setAcl(uid, [{ subject: carolUid, verb: "Write" }]);
    await setAcl(uid, [{ subject: carolUid, verb: "Write" }, { subject: carolUid, verb: "SendAs" },
      { subject: supportUid, verb: "All" }, { subject: supportUid, verb: "Read" }]);
    const acl = bySubject((await getAcl(uid)).json);
    expect(acl[carolUid]).toEqual(sorted("Write", "Read", "Freebusy", "Invitation", "SendAs", "SendOnBehalf"));
    expect(acl[supportUid]).toEqual(sorted(
      "Invitation", "Freebusy", "SendOnBehalf", "SendAs", "Read", "ReadExtended", "Write", "Manage", "All"));
  });

  it("replaces the whole ACL", async () => {
    const uid = await newShare();
    await setAcl(uid, [{ subject: carolUid, verb: "Read" }, { subject: supportUid, verb: "Read" }]);
    await setAcl(uid, [{ subject: supportUid, verb: "Freebusy" }]);
    expect(bySubject((await getAcl(uid)).json)).toEqual({ [supportUid]: sorted("Freebusy", "Invitation") });
  });

  it("serves the same data through IMailboxes _acls (POST instead of PUT)", async () => {
    const uid = await newShare();
    const post = await emu.api("POST", `/api/mailboxes/acme.test/${uid}/_acls`, { body: [{ subject: carolUid, verb: "Read" }] });
    expect(post.status).toBe(200);
    expect(bySubject((await getAcl(uid)).json)).toEqual({ [carolUid]: sorted("Read", "Freebusy", "Invitation") });
    await setAcl(uid, [{ subject: supportUid, verb: "Write" }]);
    const viaAlias = await emu.api("GET", `/api/mailboxes/acme-corp.test/${uid}/_acls`);
    expect(Object.keys(bySubject(viaAlias.json))).toEqual([supportUid]);
    expect((await emu.api("PUT", `/api/mailboxes/acme.test/${uid}/_acls`, { body: [] })).status).toBe(500);
  });

  it("adds the owner's All when reading a user's own mailbox ACL, without SendAs automation", async () => {
    const r = await emu.api("POST", `/api/mailboxes/acme.test/${aliceUid}/_acls`, { body: [{ subject: carolUid, verb: "Write" }] });
    expect(r.status).toBe(200);
    const acl = bySubject((await emu.api("GET", `/api/mailboxes/acme.test/${aliceUid}/_acls`)).json);
    expect(acl[aliceUid]).toContain("All");
    expect(acl[carolUid]).toEqual(sorted("Write", "Read", "Freebusy", "Invitation"));
  });
});

describe("ACL validation", () => {
  it("forbids the domain as subject (public sharing)", async () => {
    const uid = await newShare();
    const r = await setAcl(uid, [{ subject: carolUid, verb: "Read" }, { subject: "acme.test", verb: "Read" }]);
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ errorCode: "FORBIDDEN", errorType: "ServerFault", message: "Public sharing for user mailbox is forbidden" });
  });

  it("requires a verb and a non-empty subject (500 FAILURE)", async () => {
    const uid = await newShare();
    const noVerb = await setAcl(uid, [{ subject: carolUid }]);
    expect(noVerb.status).toBe(500);
    expect(noVerb.json).toMatchObject({ errorCode: "FAILURE", message: "AccessControlEntry#Verb is required" });
    const noSubject = await setAcl(uid, [{ subject: "", verb: "Read" }]);
    expect(noSubject.json).toMatchObject({ errorCode: "FAILURE", message: "AccessControlEntry#subject is required" });
    expect((await getAcl(uid)).json).toEqual([]);
  });

  it("fails to parse an unknown verb", async () => {
    const uid = await newShare();
    const r = await setAcl(uid, [{ subject: carolUid, verb: "write" }]);
    expect(r.status).toBe(500);
    expect(r.json.message).toBe('Error during parsing parameter "body"');
  });

  it("answers 404 for unknown containers", async () => {
    const r = await emu.api("GET", `${manage("mailbox:acls-nope")}/_acl`);
    expect(r.status).toBe(404);
    expect(r.json.message).toBe("container mailbox:acls-nope not found");
    const m = await emu.api("GET", "/api/mailboxes/acme.test/nope/_acls");
    expect(m.status).toBe(404);
    expect(m.json.message).toBe("container mailbox:acls-nope not found");
  });
});

describe("ACL rights", () => {
  it("refuses anonymous callers and users without Manage", async () => {
    const uid = await newShare();
    expect((await getAcl(uid, null)).status).toBe(403);
    const r = await setAcl(uid, [{ subject: bobUid, verb: "All" }], bobKey);
    expect(r.status).toBe(403);
    expect(r.json.errorCode).toBe("PERMISSION_DENIED");
    expect((await getAcl(uid, bobKey)).status).toBe(403);
    expect((await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_acls`, { key: bobKey })).status).toBe(403);
  });

  it("lets a holder of Manage on the container, or of manageMailshareSharings, manage it", async () => {
    const uid = await newShare();
    await setAcl(uid, [{ subject: bobUid, verb: "Manage" }]);
    expect((await getAcl(uid, bobKey)).status).toBe(200);
    expect((await setAcl(uid, [{ subject: bobUid, verb: "Manage" }, { subject: carolUid, verb: "Read" }], bobKey)).status).toBe(200);

    const other = await newShare();
    const roles = emu.emulator.store.state.domains["acme.test"].roles;
    roles[bobUid] = ["manageMailshareSharings"];
    try {
      expect((await setAcl(other, [{ subject: carolUid, verb: "Read" }], bobKey)).status).toBe(200);
    } finally {
      delete roles[bobUid];
    }
    expect((await setAcl(other, [], bobKey)).status).toBe(403);
  });

  it("lets a domain admin manage sharing, not an admin of another domain", async () => {
    const uid = await newShare();
    const aliceKey = await loginKey(emu, "alice@acme.test", "alice-password");
    expect((await setAcl(uid, [{ subject: carolUid, verb: "Read" }], aliceKey)).status).toBe(200);
    const betaAdmin = emu.emulator.sessions.open(stableUid("beta.test", "users", "admin"), "beta.test", "admin@beta.test").key;
    expect((await getAcl(uid, betaAdmin)).status).toBe(403);
  });
});

describe("descriptor, canAccess and the ACL container uid", () => {
  it("describes the container with the caller's verbs", async () => {
    const uid = await newShare();
    await setAcl(uid, [{ subject: bobUid, verb: "Read" }]);
    const r = await emu.api("GET", `${manage(`mailbox:acls-${uid}`)}/_descriptor`, { key: bobKey });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({
      uid: `mailbox:acls-${uid}`, name: uid, owner: uid, type: "mailboxacl", domainUid: "acme.test",
      ownerDirEntryPath: `acme.test/mailshares/${uid}`, writable: false, defaultContainer: true,
    });
    expect([...r.json.verbs].sort()).toEqual(sorted("Read", "Freebusy", "Invitation"));
    await setAcl(uid, []);
    expect((await emu.api("GET", `${manage(`mailbox:acls-${uid}`)}/_descriptor`, { key: bobKey })).status).toBe(403);
  });

  it("answers whether the caller holds any of the verbs, group grants included", async () => {
    const uid = await newShare();
    const can = async (names: string[], key?: string) =>
      (await emu.api("POST", `${manage(`mailbox:acls-${uid}`)}/_canAccess`, { body: names, key })).json;
    expect(await can(["Write"], bobKey)).toBe(false);
    await setAcl(uid, [{ subject: supportUid, verb: "Read" }]); // bob is a member of support-team
    expect(await can(["Write"], bobKey)).toBe(false);
    expect(await can(["Write", "Read"], bobKey)).toBe(true);
    expect(await can(["Manage"])).toBe(true); // admin0
  });

  it("computes the ACL container uid without lookup", async () => {
    const r = await emu.api("GET", "/api/mailbox/uids/whatever-uid/_mailbox_acl", { headers: { Accept: "application/json" } });
    expect(r.status).toBe(200);
    expect(r.json).toBe("mailbox:acls-whatever-uid");
    const raw = await new Promise<string>((resolve, reject) => {
      const u = new URL(`${emu.url}/api/mailbox/uids/x/_mailbox_acl`);
      http.get({ hostname: u.hostname, port: u.port, path: u.pathname, headers: { "X-BM-ApiKey": TEST_KEY } }, (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve(body));
      }).on("error", reject);
    });
    expect(raw).toBe("mailbox:acls-x");
  });
});

describe("container settings (IContainerManagement _settings)", () => {
  const settingsPath = (uid: string) => `${manage(`mailbox:acls-${uid}`)}/_settings`;
  const getSettings = (uid: string, key?: string | null) => emu.api("GET", settingsPath(uid), { key });
  const setSettings = (uid: string, body: unknown, key?: string | null) => emu.api("PUT", settingsPath(uid), { body, key });

  it("starts empty, stores a map and replaces the whole map on each write", async () => {
    const uid = await newShare();
    expect((await getSettings(uid)).json).toEqual({});
    const put = await setSettings(uid, { "a.trigger": "2026-11", "a.state": "Success" });
    expect(put.status).toBe(200);
    expect(put.text).toBe("");
    expect((await getSettings(uid)).json).toEqual({ "a.trigger": "2026-11", "a.state": "Success" });
    await setSettings(uid, { "b.trigger": "INC-1" });
    expect((await getSettings(uid)).json).toEqual({ "b.trigger": "INC-1" });
  });

  it("reads scalars as strings, drops null values and refuses nested values or a non-object body", async () => {
    const uid = await newShare();
    await setSettings(uid, { n: 42, b: true, gone: null });
    expect((await getSettings(uid)).json).toEqual({ n: "42", b: "true" });
    expect((await setSettings(uid, { nested: { x: 1 } })).status).toBe(500);
    expect((await setSettings(uid, ["x"])).status).toBe(500);
    expect((await getSettings(uid)).json).toEqual({ n: "42", b: "true" });
  });

  it("answers 404 for an unknown container", async () => {
    expect((await emu.api("GET", `${manage("mailbox:acls-nope")}/_settings`)).status).toBe(404);
    expect((await emu.api("PUT", `${manage("mailbox:acls-nope")}/_settings`, { body: { a: "b" } })).status).toBe(404);
  });

  it("lets Read holders read the settings and only Manage holders write them", async () => {
    const uid = await newShare();
    await setSettings(uid, { k: "v" });
    expect((await getSettings(uid, null)).status).toBe(403);
    expect((await getSettings(uid, bobKey)).status).toBe(403);
    await setAcl(uid, [{ subject: bobUid, verb: "Read" }]);
    const read = await getSettings(uid, bobKey);
    expect(read.status).toBe(200);
    expect(read.json).toEqual({ k: "v" });
    expect((await setSettings(uid, { k: "bob" }, bobKey)).status).toBe(403);
    await setAcl(uid, [{ subject: bobUid, verb: "Manage" }]);
    expect((await setSettings(uid, { k: "bob" }, bobKey)).status).toBe(200);
    expect((await getSettings(uid)).json).toEqual({ k: "bob" });
  });

  it("shows the settings in the container descriptor, and they go with the mailshare", async () => {
    const uid = await newShare();
    await setSettings(uid, { k: "v" });
    expect((await emu.api("GET", `${manage(`mailbox:acls-${uid}`)}/_descriptor`)).json.settings).toEqual({ k: "v" });
    expect((await emu.api("DELETE", `/api/mailshares/acme.test/${uid}`)).status).toBe(200);
    for (let i = 0; i < 200 && (await getSettings(uid)).status !== 404; i++) await new Promise((r) => setTimeout(r, 5));
    expect((await getSettings(uid)).status).toBe(404);
  });
});
