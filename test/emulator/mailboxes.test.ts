import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, mailshareBody, type TestEmulator, loginKey } from "../support/emulator";
import { defaultSeed, stableUid } from "../../emulator/seed";

let emu: TestEmulator;
let bobKey: string;
const base = "/api/mailboxes/acme.test";
const aliceUid = stableUid("acme.test", "users", "alice");
const supportUid = stableUid("acme.test", "groups", "support-team");

/** A session of a seeded user: through login when the auth service answers, else opened directly. */
beforeAll(async () => {
  emu = await startTestEmulator();
  bobKey = await loginKey(emu, "bob@acme.test", "bob-password");
  const shares: [string, Record<string, unknown>][] = [
    ["mb-support", mailshareBody("mb-support")],
    ["mb-all", mailshareBody("mb-all", { emails: [{ address: "everything@acme.test", isDefault: true, allAliases: true }] })],
    ["mb-none", mailshareBody("mb-none", { routing: "none", emails: [] })],
  ];
  for (const [uid, body] of shares) {
    const r = await emu.api("PUT", `/api/mailshares/acme.test/${uid}`, { body });
    expect(r.status).toBe(200);
  }
});
afterAll(async () => {
  await emu.close();
});

describe("IMailboxes getComplete", () => {
  it("serves a mailshare as a mailbox with the same uid and item metadata", async () => {
    const share = await emu.api("GET", "/api/mailshares/acme.test/mb-support/complete");
    const r = await emu.api("GET", `${base}/mb-support/complete`);
    expect(r.status).toBe(200);
    expect(r.json.uid).toBe("mb-support");
    expect(r.json.version).toBe(share.json.version);
    expect(r.json.internalId).toBe(share.json.internalId);
    expect(r.json.value).toEqual({
      name: "mb-support", system: false, hidden: false, archived: false, type: "mailshare", routing: "internal",
      emails: [{ address: "mb-support@acme.test", isDefault: true, allAliases: false }],
      dataLocation: share.json.value.dataLocation, quota: 1048576,
    });
  });

  it("serves users and groups as mailboxes of their own type", async () => {
    const user = await emu.api("GET", `${base}/${aliceUid}/complete`);
    expect(user.json.value.type).toBe("user");
    expect(user.json.value.name).toBe("alice");
    expect(user.json.value.routing).toBe("internal");
    const group = await emu.api("GET", `${base}/${supportUid}/complete`);
    // GroupHelper: `_<name>`, hidden, routed only when mail is archived.
    expect(group.json.value).toMatchObject({ type: "group", name: "_support-team", hidden: true, routing: "none" });
  });

  it("answers 204 for an unknown uid and accepts a domain alias, 404 for an unknown domain", async () => {
    expect((await emu.api("GET", `${base}/no-such-box/complete`)).status).toBe(204);
    const viaAlias = await emu.api("GET", "/api/mailboxes/acme-corp.test/mb-support/complete");
    expect(viaAlias.status).toBe(200);
    const r = await emu.api("GET", "/api/mailboxes/nowhere.test/mb-support/complete");
    expect(r.status).toBe(404);
    expect(r.json.message).toBe("domain nowhere.test not found");
  });
});

describe("IMailboxes lookups", () => {
  it("finds by exact, case-sensitive name", async () => {
    expect((await emu.api("GET", `${base}/_byname?name=mb-support`)).json.uid).toBe("mb-support");
    expect((await emu.api("GET", `${base}/_byname?name=MB-SUPPORT`)).status).toBe(204);
    expect((await emu.api("GET", `${base}/_byname?name=_support-team`)).json.uid).toBe(supportUid);
  });

  it("finds by explicit address, and by allAliases local part at the domain or an alias", async () => {
    expect((await emu.api("GET", `${base}/_byemail?email=mb-support@acme.test`)).json.uid).toBe("mb-support");
    expect((await emu.api("GET", `${base}/_byemail?email=everything@acme-corp.test`)).json.uid).toBe("mb-all");
    expect((await emu.api("GET", `${base}/_byemail?email=nobody@acme.test`)).status).toBe(204);
  });

  it("does not lower-case the address and ignores foreign domains", async () => {
    expect((await emu.api("GET", `${base}/_byemail?email=MB-SUPPORT@acme.test`)).status).toBe(204);
    expect((await emu.api("GET", `${base}/_byemail?email=mb-support@elsewhere.test`)).status).toBe(204);
  });

  it("refuses an address without exactly one @ with 500 INVALID_PARAMETER", async () => {
    for (const email of ["no-at-sign", "a@b@acme.test"]) {
      const r = await emu.api("GET", `${base}/_byemail?email=${encodeURIComponent(email)}`);
      expect(r.status).toBe(500);
      expect(r.json.errorCode).toBe("INVALID_PARAMETER");
    }
  });

  it("reads the type and routing enums from a query parameter named email", async () => {
    const shares = await emu.api("GET", `${base}/_byType?email=mailshare`);
    expect(shares.json).toEqual(expect.arrayContaining(["mb-support", "mb-all", "mb-none"]));
    expect(shares.json).not.toContain(aliceUid);
    expect((await emu.api("GET", `${base}/_byType?email=user`)).json).toContain(aliceUid);
    // The natural parameter name is not read: no type means no match.
    expect((await emu.api("GET", `${base}/_byType?type=mailshare`)).json).toEqual([]);
    const none = await emu.api("GET", `${base}/_byRouting?email=none`);
    expect(none.json).toContain("mb-none");
    expect(none.json).not.toContain("mb-support");
    expect((await emu.api("GET", `${base}/_byRouting?email=internal`)).json).toContain("mb-support");
  });

  it("fails to parse an unknown enum constant", async () => {
    const r = await emu.api("GET", `${base}/_byType?email=MAILSHARE`);
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ errorCode: "UNKNOWN", errorType: "ServerFault", message: 'Error during parsing parameter "email"' });
  });

  it("lists every mailbox of the domain, and gets several by uid", async () => {
    const list = await emu.api("GET", `${base}/_list`);
    const uids = list.json.map((i: any) => i.uid);
    expect(uids).toEqual(expect.arrayContaining(["mb-support", aliceUid, supportUid]));
    const listUids = await emu.api("GET", `${base}/_listUids`);
    expect([...listUids.json].sort()).toEqual([...uids].sort());
    const mget = await emu.api("POST", `${base}/_mget`, { body: ["mb-all", "unknown", aliceUid] });
    expect(mget.json.map((i: any) => i.uid)).toEqual(["mb-all", aliceUid]);
  });
});

describe("IMailboxes quota and config", () => {
  it("reports the quota in KiB with nothing used", async () => {
    const r = await emu.api("GET", `${base}/mb-support/_quota`);
    expect(r.json).toEqual({ used: 0, quota: 1048576 });
  });

  it("reports the mail a seeded mailshare holds as used", async () => {
    const seed = defaultSeed();
    const acme = seed.domains!.find((d) => d.name === "acme.test")!;
    acme.mailshares = acme.mailshares!.map((m) => ({ ...m, mailUsedKiB: 734003, mailMessages: 9_412 }));
    const seeded = await startTestEmulator({ seed });
    try {
      const noreply = stableUid("acme.test", "mailshares", "noreply");
      expect((await seeded.api("GET", `/api/mailboxes/acme.test/${noreply}/_quota`)).json).toEqual({ used: 734003, quota: 1048576 });
    } finally {
      await seeded.close();
    }
  });

  it("fails with a bare NullPointerException for an unknown uid", async () => {
    const r = await emu.api("GET", `${base}/no-such-box/_quota`);
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ errorType: "NullPointerException", message: null });
  });

  it("serves the mailbox config, 404 for an unknown uid", async () => {
    const r = await emu.api("GET", `${base}/mb-support/_config`);
    expect(r.json).toEqual({ quota: 1048576, messageMaxSize: 10485760 });
    const unknown = await emu.api("GET", `${base}/no-such-box/_config`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.errorCode).toBe("NOT_FOUND");
  });

  it("lets any user of the domain read quota and config, not anonymous callers", async () => {
    expect((await emu.api("GET", `${base}/mb-support/_quota`, { key: bobKey })).status).toBe(200);
    expect((await emu.api("GET", `${base}/mb-support/_config`, { key: bobKey })).status).toBe(200);
    expect((await emu.api("GET", `${base}/mb-support/_quota`, { key: null })).status).toBe(403);
  });
});

describe("IMailboxes RBAC and scope", () => {
  it("requires manageMailbox for lookups", async () => {
    expect((await emu.api("GET", `${base}/mb-support/complete`, { key: null })).status).toBe(403);
    const r = await emu.api("GET", `${base}/_list`, { key: bobKey });
    expect(r.status).toBe(403);
    expect(r.json.errorCode).toBe("PERMISSION_DENIED");
    const aliceKey = await loginKey(emu, "alice@acme.test", "alice-password");
    expect((await emu.api("GET", `${base}/_list`, { key: aliceKey })).status).toBe(200);
  });

  it("does not serve the raw mailbox create/update/delete", async () => {
    const r = await emu.api("PUT", `${base}/raw-box`, { body: { name: "raw", type: "mailshare", routing: "none" } });
    expect(r.status).toBe(500);
    expect(r.json.code).toBe("UNKNOWN");
    expect((await emu.api("DELETE", `${base}/mb-support`)).status).toBe(500);
    expect((await emu.api("GET", `${base}/mb-support/complete`)).status).toBe(200);
  });
});
