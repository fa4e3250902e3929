// IDirEntryMaintenance (validate and repair) and IMailboxMgmt (index consolidation) of the
// emulator (docs/bluemind-api.md §2.10, §2.11).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mailshareBody, startTestEmulator, waitTask, type Api, type TestEmulator } from "../support/emulator";
import { stableUid } from "../../emulator/seed";

const MAILSHARE_OPS = [
  "mailboxExists", "mailboxIndexExists", "mailboxAclsContainer", "mailboxPostfixMaps", "mailboxDefaultFolders",
  "replication.subtree", "replication.minbox", "replication.records.in.dir", "message_bodies", "containers",
  "containers.sharding.location", "mapi.folders",
];
const NOREPLY = stableUid("acme.test", "mailshares", "noreply");
const BOB = stableUid("acme.test", "users", "bob");

let emu: TestEmulator;
let api: Api;

const maintenance = (entryUid: string) => `/api/directory/acme.test/${entryUid}/mgmt/_maintenance`;
const mgmt = (suffix: string) => `/api/mgmt/mailbox/acme.test/${suffix}`;

async function keyOf(login: string, password: string): Promise<string> {
  const query = new URLSearchParams({ login, origin: "vitest" });
  const r = await api("POST", `/api/auth/login?${query}`, { body: JSON.stringify(password), key: null });
  expect(r.json.status).toBe("Ok");
  return r.json.authKey;
}

async function createShare(name: string): Promise<string> {
  const r = await api("PUT", `/api/mailshares/acme.test/${name}`, { body: mailshareBody(name) });
  expect(r.status).toBe(200);
  return name;
}

/** Runs a repair to its end; returns the final status, its result and its logs. */
async function repair(entryUid: string, config: Record<string, unknown>, key?: string) {
  const r = await api("POST", `${maintenance(entryUid)}/repair`, { body: config, key });
  expect(r.status).toBe(200);
  const status = await waitTask(api, r.json.id);
  const logs: string[] = (await api("GET", `/api/tasks/${encodeURIComponent(r.json.id)}/_currentLogs`)).json;
  return { id: r.json.id as string, status, result: status.result, logs };
}

async function runTask(method: string, path: string) {
  const r = await api(method, path);
  expect(r.status).toBe(200);
  const status = await waitTask(api, r.json.id);
  const logs: string[] = (await api("GET", `/api/tasks/${r.json.id}/_currentLogs`)).json;
  return { status, logs };
}

beforeAll(async () => {
  emu = await startTestEmulator();
  api = emu.api;
});

afterAll(async () => {
  await emu.close();
});

describe("available operations", () => {
  it("lists the mailshare operations in dependency order", async () => {
    const r = await api("GET", maintenance(NOREPLY));
    expect(r.status).toBe(200);
    expect(r.json.map((op: any) => op.identifier)).toEqual(MAILSHARE_OPS);
    for (const op of r.json) expect(typeof op.description).toBe("string");
  });

  it("lists user operations too, mailbox checks first", async () => {
    const ids = (await api("GET", maintenance(BOB))).json.map((op: any) => op.identifier);
    expect(ids[0]).toBe("mailboxExists");
    expect(ids).toContain("mailboxFilters");
    expect(ids.indexOf("mailboxAclsContainer")).toBeLessThan(ids.indexOf("mailboxDefaultFolders"));
  });

  it("answers 404 for an unknown entry or domain", async () => {
    const r = await api("GET", maintenance("no-such-entry"));
    expect(r.status).toBe(404);
    expect(r.json.errorCode).toBe("NOT_FOUND");
    expect((await api("GET", `/api/directory/nowhere.test/${NOREPLY}/mgmt/_maintenance`)).status).toBe(404);
  });

  it("has no permission check of its own: anybody may list; a repair without rights fails in its task", async () => {
    expect((await api("GET", maintenance(NOREPLY), { key: null })).json.map((op: any) => op.identifier)).toEqual(MAILSHARE_OPS);
    const bob = await keyOf("bob@acme.test", "bob-password");
    expect((await api("GET", maintenance(NOREPLY), { key: bob })).status).toBe(200);
    const denied = await repair(NOREPLY, { dry: true, verbose: true }, bob);
    expect(denied.status).toMatchObject({ state: "InError", result: "", lastLogEntry: "" });
    expect(denied.logs).toContain(
      "Unknown error: bob@acme.test has no role manageMailbox on acme.test",
    );
  });
});

describe("repair", () => {
  it("reports a missing ACL container in a dry run and re-creates it in a real run", async () => {
    const uid = await createShare("broken-acl");
    const containers = emu.emulator.store.state.containers;
    delete containers[`mailbox:acls-${uid}`];

    const dry = await repair(uid, { opIdentifiers: null, dry: true, logToCoreLog: false, verbose: true });
    expect(dry.status).toMatchObject({ state: "Success", result: "", lastLogEntry: "" });
    const n = MAILSHARE_OPS.length;
    expect(dry.logs[0]).toBe(`Repair ${uid}@acme.test in ${n} steps`);
    expect(dry.logs).toContain(`[3/${n}] Starting operation mailboxAclsContainer`);
    expect(dry.logs).toContain(`Mailbox broken-acl@acme.test (uid: ${uid}) acls container does not exist`);
    expect(dry.logs[dry.logs.length - 1]).toBe("");
    expect(containers[`mailbox:acls-${uid}`]).toBeUndefined();

    const real = await repair(uid, { opIdentifiers: [], dry: false, logToCoreLog: true, verbose: true });
    expect(real.result).toBe("");
    expect(real.logs[0]).toBe(`Repair ${uid}@acme.test in ${n} steps`); // "Repair" for dry runs too
    expect(real.logs).toContain(`[mailboxAclsContainer]: : Mailbox broken-acl@acme.test (uid: ${uid}) acls container repair finished`);
    expect(containers[`mailbox:acls-${uid}`]).toMatchObject({ owner: uid, type: "mailboxacl", domainUid: "acme.test", acl: [] });

    const again = await repair(uid, { dry: true, verbose: true });
    expect(again.logs.some((l) => l.includes("does not exist"))).toBe(false);
  });

  it("logs only the problems found when not verbose, then the empty end line", async () => {
    const uid = await createShare("quiet-acl");
    delete emu.emulator.store.state.containers[`mailbox:acls-${uid}`];
    const quiet = await repair(uid, { dry: true, verbose: false });
    expect(quiet.logs).toEqual([`Mailbox quiet-acl@acme.test (uid: ${uid}) acls container does not exist`, ""]);
    expect(quiet.status).toMatchObject({ state: "Success", result: "", progress: MAILSHARE_OPS.length });
    expect((await repair(uid, { dry: true })).logs).toEqual([`Mailbox quiet-acl@acme.test (uid: ${uid}) acls container does not exist`, ""]);
  });

  it("uses the deterministic id repair-<uid>@<domain> and refuses a second run while one runs", async () => {
    const uid = await createShare("busy-share");
    const first = await api("POST", `${maintenance(uid)}/repair`, { body: { dry: true } });
    expect(first.json).toEqual({ id: `repair-${uid}@acme.test` });
    const second = await api("POST", `${maintenance(uid)}/repair`, { body: { dry: true } });
    expect(second.status).toBe(500);
    expect(second.json).toMatchObject({ errorCode: "UNKNOWN", message: `task repair-${uid}@acme.test already running` });
    await waitTask(api, first.json.id);
    const third = await api("POST", `${maintenance(uid)}/repair`, { body: { dry: true } });
    expect(third.status).toBe(200);
    await waitTask(api, third.json.id);
  });

  it("runs only the selected operations and ignores unknown identifiers silently", async () => {
    const run = await repair(NOREPLY, { opIdentifiers: ["mailboxAclsContainer", "no.such.op"], dry: true, verbose: true });
    expect(run.result).toBe("");
    expect(run.logs.slice(0, 2)).toEqual([`Repair ${NOREPLY}@acme.test in 1 steps`, "[1/1] Starting operation mailboxAclsContainer"]);
    expect(run.logs.some((l) => l.includes("no.such.op"))).toBe(false);
  });

  it("may be run by a domain admin", async () => {
    const alice = await keyOf("alice@acme.test", "alice-password");
    const r = await api("POST", `${maintenance(NOREPLY)}/repair`, { key: alice, body: { dry: true } });
    expect(r.status).toBe(200);
    expect((await waitTask(api, r.json.id)).state).toBe("Success");
  });
});

describe("mailbox index management", () => {
  it("consolidates a mailbox index folder by folder", async () => {
    const { status, logs } = await runTask("POST", mgmt(`${NOREPLY}/_consolidate`));
    expect(status.state).toBe("Success");
    expect(JSON.parse(status.result)).toMatchObject({ mailboxUid: NOREPLY, folders: 3 });
    expect(logs[0]).toMatch(/^Consolidate mailbox index of noreply@acme.test/);
    expect(logs.some((l) => l.startsWith("Re-indexing folder noreply/Sent"))).toBe(true);
  });

  it("returns a task that ends InError for an unknown mailbox", async () => {
    const { status } = await runTask("POST", mgmt("no-such-mailbox/_consolidate"));
    expect(status.state).toBe("InError");
    expect(status.lastLogEntry).toMatch(/no-such-mailbox not found/);
  });

  it("consolidates every internally routed mailbox of the domain, one line each", async () => {
    await createShare("routed-share");
    const { status, logs } = await runTask("POST", mgmt("_consolidate"));
    expect(status.state).toBe("Success");
    const resynced = logs.filter((l) => l.startsWith("Resync mail index"));
    for (const name of ["alice", "bob", "noreply", "routed-share"]) {
      expect(resynced.filter((l) => l.includes(` ${name}@acme.test `))).toHaveLength(1);
    }
    // Groups without an archived mailbox are routed `none`: skipped.
    expect(resynced.some((l) => l.includes("support-team@"))).toBe(false);
    expect(JSON.parse(status.result).mailboxes).toBe(resynced.length);
  });

  it("resets a mailbox index, the result being the number of records deleted", async () => {
    const { status } = await runTask("POST", mgmt(`${NOREPLY}/_reset`));
    expect(status.state).toBe("Success");
    expect(JSON.parse(status.result)).toBe(0);
    expect((await runTask("POST", mgmt(`${NOREPLY}/_respawn`))).status.state).toBe("Success");
  });

  it("validates _move_index before starting the task", async () => {
    const missing = await api("POST", mgmt(`${NOREPLY}/_move_index?index=mailspool_2`));
    expect(missing.status).toBe(500);
    const badIndex = await api("POST", mgmt(`${NOREPLY}/_move_index?index=other&deleteSource=true`));
    expect(badIndex.status).toBe(500);
    expect(badIndex.json.errorCode).toBe("INVALID_PARAMETER");
    const { status } = await runTask("POST", mgmt(`${NOREPLY}/_move_index?index=mailspool_2&deleteSource=false`));
    expect(status.state).toBe("Success");
  });

  it("is forbidden to anonymous callers and to users without manageMailbox", async () => {
    expect((await api("POST", mgmt(`${NOREPLY}/_consolidate`), { key: null })).status).toBe(403);
    expect((await api("POST", mgmt("_consolidate"), { key: null })).status).toBe(403);
    const bob = await keyOf("bob@acme.test", "bob-password");
    expect((await api("POST", mgmt(`${NOREPLY}/_consolidate`), { key: bob })).status).toBe(403);
  });
});
