// IMailboxes (lookups, quota, filter / vacation / forwarding / rules, _acls), IContainerManagement,
// IMailboxAclUids and IMailboxIdentity through the client.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import {
  InternalServerError, NotFoundError, ServerFaultError, mailboxAclContainerUid,
  type BlueMindClient, type MailFilter, type MailFilterRule, type Identity,
} from "../../bluemind";
import { mailshare, requestsOutsideContract, startClientEmulator, uid, type ClientEmulator } from "./support";

const D = "acme.test";
let env: ClientEmulator;
let client: BlueMindClient;
let ms: string;
let bobUid: string;
let supportUid: string;

beforeAll(async () => {
  env = await startClientEmulator();
  client = env.client();
  ms = uid();
  await client.mailshares.create(D, ms, mailshare("mbx-share", {
    emails: [
      { address: "mbx-share@acme.test", isDefault: true, allAliases: false },
      { address: "mbx.alias@acme.test", isDefault: false, allAliases: false },
    ],
  }));
  bobUid = (await client.users.byLogin(D, "bob"))!.uid;
  supportUid = (await client.groups.byName(D, "support-team"))!.uid;
});
afterAll(async () => {
  await env.close();
  expect(requestsOutsideContract(env.requests)).toEqual([]);
});

function rule(name: string, extra: Partial<MailFilterRule> = {}): MailFilterRule {
  return {
    id: null, client: "bluemind", type: "GENERIC", trigger: "IN", deferred: false, active: true, name,
    clientProperties: {}, stop: true,
    conditions: [{
      operator: "AND", negate: false, conditions: [], clientProperties: {},
      filter: { operator: "CONTAINS", fields: ["subject"], values: [name], comparator: "SUBSTRING", modifier: "NONE" },
    }],
    actions: [{ name: "MOVE", subtree: "user", id: null, folder: "Invoices", clientProperties: {} }],
    ...extra,
  };
}

describe("IMailboxes lookups and quota", () => {
  it("finds the mailshare's mailbox by uid, email (any case), name, type and routing, and in lists", async () => {
    expect((await client.mailboxes.getComplete(D, ms))?.value).toMatchObject({ name: "mbx-share", type: "mailshare" });
    expect((await client.mailboxes.byEmail(D, "MBX.Alias@acme.test"))?.uid).toBe(ms);
    expect(await client.mailboxes.byEmail(D, "nobody@acme.test")).toBeNull();
    expect((await client.mailboxes.byName(D, "mbx-share"))?.uid).toBe(ms);
    expect(await client.mailboxes.byName(D, "no-such-name")).toBeNull();
    expect(await client.mailboxes.byType(D, "mailshare")).toContain(ms);
    expect(await client.mailboxes.byType(D, "user")).toContain(bobUid);
    expect(await client.mailboxes.byRouting(D, "internal")).toContain(ms);
    expect(await client.mailboxes.listUids(D)).toContain(ms);
    expect((await client.mailboxes.list(D)).map((m) => m.uid)).toContain(ms);
    const got = await client.mailboxes.multipleGet(D, [ms, bobUid, "unknown-uid"]);
    expect(got.map((m) => m.uid).sort()).toEqual([ms, bobUid].sort());
    expect(await client.mailboxes.multipleGet(D, [])).toEqual([]);
  });

  it("reads quota and config in KiB; an unknown uid is a 500 without errorCode (InternalServerError)", async () => {
    const quota = await client.mailboxes.getMailboxQuota(D, ms);
    expect(quota.quota).toBe(1048576); // the domain's default public-folder quota
    expect(typeof quota.used).toBe("number");
    expect((await client.mailboxes.getMailboxConfig(D, ms)).quota).toBe(1048576);
    const npe = await client.mailboxes.getMailboxQuota(D, "unknown-uid").catch((e) => e);
    expect(npe).toBeInstanceOf(InternalServerError);
    expect(npe.errorCode).toBeNull();
    expect(npe.errorType).toBe("NullPointerException");
    expect(await client.mailboxes.getMailboxConfig(D, "unknown-uid").catch((e) => e)).toBeInstanceOf(NotFoundError);
  });
});

describe("IMailboxes filter, vacation, forwarding", () => {
  it("replaces the whole filter and reads it back split into rules / vacation / forwarding, epoch-ms dates kept to the second", async () => {
    const start = Date.UTC(2026, 11, 24, 8, 0, 0);
    const end = Date.UTC(2027, 0, 2, 18, 0, 0);
    const filter: MailFilter = {
      rules: [rule("invoice")],
      vacation: { enabled: true, start, end, subject: "Closed", text: "Back on Jan 2", textHtml: null },
      forwarding: { enabled: true, localCopy: true, emails: ["Archive@Acme.test"] },
    };
    await client.mailboxes.setMailboxFilter(D, ms, filter);
    const read = await client.mailboxes.getMailboxFilter(D, ms);
    expect(read.rules).toHaveLength(1);
    expect(read.rules[0]).toMatchObject({ name: "invoice", type: "GENERIC", actions: [{ name: "MOVE", folder: "Invoices" }] });
    expect(typeof read.rules[0].id).toBe("number");
    expect(read.vacation).toMatchObject({ enabled: true, start, end, subject: "Closed", text: "Back on Jan 2" });
    expect(read.forwarding).toEqual({ enabled: true, localCopy: true, emails: ["archive@acme.test"] });
    // Saving again re-creates the rules: new ids.
    await client.mailboxes.setMailboxFilter(D, ms, read);
    const again = await client.mailboxes.getMailboxFilter(D, ms);
    expect(again.rules[0].id).not.toBe(read.rules[0].id);
  });

  it("sets and reads the vacation and the forwarding alone; invalid input is a ServerFaultError", async () => {
    await client.mailboxes.setMailboxVacation(D, ms, { enabled: false, start: null, end: null, subject: "Away", text: "Later", textHtml: "<p>Later</p>" });
    expect(await client.mailboxes.getMailboxVacation(D, ms)).toMatchObject({ enabled: false, subject: "Away", textHtml: "<p>Later</p>" });
    await client.mailboxes.setMailboxForwarding(D, ms, { enabled: false, localCopy: false, emails: [] });
    expect(await client.mailboxes.getMailboxForwarding(D, ms)).toMatchObject({ enabled: false, emails: [] });
    const bad = await client.mailboxes.setMailboxFilter(D, ms, {
      rules: [], vacation: { enabled: true, start: null, end: null, subject: "", text: "x", textHtml: null },
      forwarding: { enabled: false, localCopy: false, emails: [] },
    }).catch((e) => e);
    expect(bad).toBeInstanceOf(ServerFaultError);
    expect(bad.errorCode).toBe("INVALID_PARAMETER");
  });
});

describe("IMailboxes single rules", () => {
  it("appends, inserts relative, reads, updates, moves and deletes rules", async () => {
    const box = uid();
    await client.mailshares.create(D, box, mailshare("rules-box"));
    const a = await client.mailboxes.addMailboxRule(D, box, rule("a"));
    const b = await client.mailboxes.addMailboxRule(D, box, rule("b"));
    expect(typeof a).toBe("number");
    const before = await client.mailboxes.addMailboxRuleRelative(D, box, "BEFORE", a, rule("first"));
    const names = async () => (await client.mailboxes.getMailboxRules(D, box)).filter((r) => r.type === "GENERIC").map((r) => r.name);
    expect(await names()).toEqual(["first", "a", "b"]);
    expect((await client.mailboxes.getMailboxRule(D, box, b)).name).toBe("b");
    expect(await client.mailboxes.getMailboxRule(D, box, 999999).catch((e) => e)).toBeInstanceOf(NotFoundError);
    await client.mailboxes.updateMailboxRule(D, box, b, rule("b2"));
    expect((await client.mailboxes.getMailboxRule(D, box, b)).name).toBe("b2");
    await client.mailboxes.moveMailboxRule(D, box, b, "TOP");
    expect(await names()).toEqual(["b2", "first", "a"]);
    await client.mailboxes.moveMailboxRule(D, box, b, "DOWN");
    expect(await names()).toEqual(["first", "b2", "a"]);
    await client.mailboxes.moveMailboxRuleRelative(D, box, a, "BEFORE", before);
    expect(await names()).toEqual(["a", "first", "b2"]);
    expect((await client.mailboxes.getMailboxRulesByClient(D, box, "bluemind")).length).toBeGreaterThanOrEqual(3);
    expect(await client.mailboxes.getMailboxRulesByClient(D, box, "system")).toEqual([]);
    await client.mailboxes.deleteMailboxRule(D, box, before);
    await client.mailboxes.deleteMailboxRule(D, box, before); // unknown id: no error
    expect(await names()).toEqual(["a", "b2"]);
  });
});

describe("sharing ACL and containers", () => {
  it("writes an ACL through one view and reads the expanded form through both", async () => {
    const container = mailboxAclContainerUid(ms);
    expect(await client.containers.getUidForMailbox(ms)).toBe(container);
    await client.containers.setAccessControlList(container, [{ subject: bobUid, verb: "Write" }]);
    const expanded = await client.containers.getAccessControlList(container);
    const bobVerbs = expanded.filter((e) => e.subject === bobUid).map((e) => e.verb).sort();
    expect(bobVerbs).toEqual(["Freebusy", "Invitation", "Read", "SendAs", "SendOnBehalf", "Write"]);
    await client.mailboxes.setMailboxAccessControlList(D, ms, [{ subject: supportUid, verb: "Read" }]);
    const viaMailbox = await client.mailboxes.getMailboxAccessControlList(D, ms);
    expect(viaMailbox.map((e) => e.subject)).not.toContain(bobUid);
    expect(viaMailbox.filter((e) => e.subject === supportUid).map((e) => e.verb).sort()).toEqual(["Freebusy", "Invitation", "Read"]);
    const publicSharing = await client.containers.setAccessControlList(container, [{ subject: D, verb: "Read" }]).catch((e) => e);
    expect(publicSharing.errorCode).toBe("FORBIDDEN");
    expect(await client.containers.getAccessControlList("mailbox:acls-unknown").catch((e) => e)).toBeInstanceOf(NotFoundError);
  });

  it("reads the container descriptor and checks the caller's access", async () => {
    const container = mailboxAclContainerUid(ms);
    expect((await client.containers.getDescriptor(container))?.uid).toBe(container);
    expect(await client.containers.canAccess(container, ["Manage"])).toBe(true);
  });
});

describe("IMailboxIdentity", () => {
  const identity = (over: Partial<Identity> = {}): Identity => ({
    email: "mbx.alias@acme.test", format: "HTML", signature: "<p>ACME</p>", displayname: "ACME Support",
    name: "Support", isDefault: false, sentFolder: null, ...over,
  });

  it("creates with a client-chosen id, reads, lists, updates and deletes", async () => {
    await client.identities.create(D, ms, "id-1", identity());
    expect(await client.identities.get(D, ms, "id-1")).toMatchObject({ name: "Support", email: "mbx.alias@acme.test" });
    expect(await client.identities.get(D, ms, "id-unknown")).toBeNull();
    expect((await client.identities.getIdentities(D, ms)).map((i) => i.id)).toEqual(["id-1"]);
    const possible = await client.identities.getPossibleIdentities(D, ms);
    expect(possible.some((i) => i.id === null && i.email === "mbx-share@acme.test")).toBe(true);
    await client.identities.update(D, ms, "id-1", identity({ signature: "plain", format: "PLAIN" }));
    expect((await client.identities.get(D, ms, "id-1"))?.format).toBe("PLAIN");
    const dup = await client.identities.create(D, ms, "id-1", identity()).catch((e) => e);
    expect(dup).toBeInstanceOf(ServerFaultError);
    expect(dup.errorCode).toBe("UNKNOWN");
    const foreign = await client.identities.create(D, ms, "id-2", identity({ email: "bob@acme.test" })).catch((e) => e);
    expect(foreign.errorCode).toBe("UNKNOWN");
    await client.identities.delete(D, ms, "id-1");
    expect(await client.identities.getIdentities(D, ms)).toEqual([]);
    expect(await client.identities.update(D, ms, "id-1", identity()).catch((e) => e)).toBeInstanceOf(NotFoundError);
  });
});
