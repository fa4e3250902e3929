// IDirectory, IUser / IGroup lookups, IOrgUnits, IDomains (+ settings), IServer, IMailboxMgmt and
// IDirEntryMaintenance through the client, plus the resolution helpers and their run cache.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { NotFoundError, ServerFaultError, formatOrgUnitPath, type BlueMindClient } from "../../bluemind";
import { mailshare, requestsOutsideContract, startClientEmulator, uid, type ClientEmulator } from "./support";

const D = "acme.test";
let env: ClientEmulator;
let client: BlueMindClient;
let ms: string;

beforeAll(async () => {
  env = await startClientEmulator();
  client = env.client();
  ms = uid();
  await client.mailshares.create(D, ms, mailshare("dir-share", {
    emails: [{ address: "dir+tag@acme.test", isDefault: true, allAliases: false }],
  }));
});
afterAll(async () => {
  await env.close();
  expect(requestsOutsideContract(env.requests)).toEqual([]);
});

const lastRequest = (part: string) => env.requests.filter((l) => l.includes(part)).pop() ?? "";

describe("IDirectory", () => {
  it("finds entries by uid, by email (a + travels as %2B) and by path; unknown ones are null", async () => {
    const entry = await client.directory.findByEntryUid(D, ms);
    expect(entry).toMatchObject({ kind: "MAILSHARE", entryUid: ms, email: "dir+tag@acme.test", path: `${D}/mailshares/${ms}` });
    expect((await client.directory.getByEmail(D, "DIR+tag@acme.test"))?.entryUid).toBe(ms);
    expect(lastRequest("/_byEmail/")).toContain("/_byEmail/dir%2Btag%40acme.test ");
    expect(await client.directory.getByEmail(D, "nobody@acme.test")).toBeNull();
    expect(await client.directory.findByEntryUid(D, "unknown-uid")).toBeNull();
    expect((await client.directory.getEntry(D, `${D}/mailshares/${ms}`))?.entryUid).toBe(ms);
    expect((await client.directory.getRoot(D))?.kind).toBe("DOMAIN");
  });

  it("searches (hidden entries excluded by default) and batch-reads with _mget", async () => {
    const users = await client.directory.search(D, { kindsFilter: ["USER"] });
    expect(users.values.map((v) => v.value.displayName)).toContain("Bob Durand");
    expect(users.total).toBe(users.values.length);
    const shares = await client.directory.search(D, { kindsFilter: ["MAILSHARE"] });
    expect(shares.values.map((v) => v.uid)).toContain(ms);
    expect(shares.values.map((v) => v.value.displayName)).not.toContain("No reply"); // hidden
    const withHidden = await client.directory.search(D, { kindsFilter: ["MAILSHARE"], hiddenFilter: false });
    expect(withHidden.values.map((v) => v.value.displayName)).toContain("No reply");
    const cached = await client.directory.searchCached(D, { kindsFilter: ["GROUP"] });
    const before = env.requests.length;
    expect(await client.directory.searchCached(D, { kindsFilter: ["GROUP"] })).toEqual(cached);
    expect(env.requests.length).toBe(before);
    expect(cached.values.map((v) => v.value.displayName)).toContain("support-team");
    const bob = (await client.users.byLogin(D, "bob"))!.uid;
    const got = await client.directory.getMultiple(D, [ms, bob, "unknown-uid"]);
    expect(got.map((i) => i.uid).sort()).toEqual([ms, bob].sort());
  });

  it("reads an entry's vCard", async () => {
    const card = await client.directory.getVCard(D, ms);
    expect(card?.value.identification.formatedName.value).toBe("dir-share");
  });

  it("moves a mailbox to another server with xfer, followed as a task", async () => {
    const before = (await client.mailshares.getComplete(D, ms))!.value.dataLocation;
    const servers = await client.servers.byAssignment(D, "mail/imap");
    const target = servers.find((s) => s !== before)!;
    const ref = await client.directory.xfer(D, ms, target);
    expect(ref.id).toBe(`xfer-${ms}@${D}`);
    await client.followTask(ref, { pollMs: 5 });
    expect((await client.mailshares.getComplete(D, ms))!.value.dataLocation).toBe(target);
  });

  it("deletes by entry uid through a task", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("dir-delete"));
    const outcome = await client.followTask(await client.directory.deleteByEntryUid(D, id), { pollMs: 5 });
    expect(outcome.state).toBe("Success");
    expect(await client.directory.findByEntryUid(D, id)).toBeNull();
  });
});

describe("IUser and IGroup lookups", () => {
  it("resolves users by login, email and uid", async () => {
    const bob = await client.users.byLogin(D, "Bob");
    expect(bob?.value.login).toBe("bob");
    expect((await client.users.byEmail(D, "BOB@acme.test"))?.uid).toBe(bob?.uid);
    expect((await client.users.getComplete(D, bob!.uid))?.value.login).toBe("bob");
    expect(await client.users.byLogin(D, "nobody")).toBeNull();
  });

  it("resolves groups by name, email and uid, with direct and expanded members", async () => {
    const staff = await client.groups.byName(D, "staff");
    expect(staff?.value.name).toBe("staff");
    expect((await client.groups.byEmail(D, "support-team@acme.test"))?.value.name).toBe("support-team");
    expect((await client.groups.getComplete(D, staff!.uid))?.uid).toBe(staff!.uid);
    const direct = await client.groups.getMembers(D, staff!.uid);
    expect(direct.every((m) => m.type === "group")).toBe(true);
    const users = await client.groups.getExpandedUserMembers(D, staff!.uid);
    expect(users.length).toBe(6); // bob, carol, frank, dave, erin, alice
    expect(users.every((m) => m.type === "user")).toBe(true);
    expect(await client.groups.byName(D, "no-such-group")).toBeNull();
  });
});

describe("IOrgUnits, IDomains, IServer", () => {
  it("reads org units, their children and paths, and searches them", async () => {
    const found = await client.orgUnits.search(D, { query: "paris" });
    expect(found.map(formatOrgUnitPath)).toEqual(["/Europe/Paris"]);
    const paris = found[0];
    expect((await client.orgUnits.getComplete(D, paris.uid))?.value.name).toBe("Paris");
    expect(formatOrgUnitPath((await client.orgUnits.getPath(D, paris.uid))!)).toBe("/Europe/Paris");
    const europe = paris.parent!.uid;
    expect((await client.orgUnits.getChildren(D, europe)).map((c) => c.value.name).sort()).toEqual(["Berlin", "Paris"]);
    expect(await client.orgUnits.getComplete(D, "unknown-ou")).toBeNull();
  });

  it("reads domains by uid, by name or alias, all of them, and their settings", async () => {
    expect((await client.domains.get(D))?.value.aliases).toEqual(["acme-corp.test"]);
    expect((await client.domains.findByNameOrAliases("ACME-CORP.test"))?.uid).toBe(D);
    expect(await client.domains.findByNameOrAliases("unknown.test")).toBeNull();
    expect((await client.domains.all()).map((d) => d.uid)).toEqual(expect.arrayContaining([D, "beta.test"]));
    const settings = await client.domains.getSettings(D);
    expect(settings.mailbox_default_publicfolder_quota).toBe("1048576");
  });

  it("reads servers, assignments and the mail/imap servers of a domain", async () => {
    const all = await client.servers.allComplete();
    expect(all.map((s) => s.value.name).sort()).toEqual(["core", "mail-1", "mail-2", "mail-3"]);
    const mail1 = all.find((s) => s.value.name === "mail-1")!;
    expect((await client.servers.getComplete(mail1.uid))?.value.fqdn).toBe("mail-1.acme.test");
    expect(await client.servers.getComplete("unknown-server")).toBeNull();
    const imap = await client.servers.byAssignment(D);
    expect(imap.map((u) => all.find((s) => s.uid === u)?.value.name).sort()).toEqual(["mail-1", "mail-2"]);
    const assignments = await client.servers.getAssignments(D);
    expect(assignments).toContainEqual({ domainUid: D, serverUid: mail1.uid, tag: "mail/imap" });
  });
});

describe("IMailboxMgmt and IDirEntryMaintenance", () => {
  it("runs consolidate, reset, respawn and domain consolidation as tasks", async () => {
    for (const start of [
      () => client.mgmt.consolidateMailbox(D, ms),
      () => client.mgmt.resetMailbox(D, ms),
      () => client.mgmt.respawnMailbox(D, ms),
      () => client.mgmt.consolidateDomain(D),
    ]) {
      const outcome = await client.followTask(await start(), { pollMs: 5 });
      expect(outcome.state).toBe("Success");
    }
    const failed = await client.followTask(await client.mgmt.consolidateMailbox(D, "unknown-uid"), { pollMs: 5, rejectOnError: false });
    expect(failed.state).toBe("InError");
  });

  it("lists maintenance operations and runs a dry repair (check) then a repair", async () => {
    const ops = await client.maintenance.getAvailableOperations(D, ms);
    expect(ops.map((o) => o.identifier)).toContain("mailboxAclsContainer");
    const ref = await client.maintenance.repair(D, ms, { opIdentifiers: null, dry: true, logToCoreLog: false, verbose: true });
    expect(ref.id).toBe(`repair-${ms}@${D}`);
    const check = await client.followTask(ref, { pollMs: 5 });
    expect(check.state).toBe("Success");
    expect(check.logs.length).toBeGreaterThan(0);
    const repair = await client.followTask(
      await client.maintenance.repair(D, ms, { opIdentifiers: ops.map((o) => o.identifier), dry: false, logToCoreLog: true, verbose: false }),
      { pollMs: 5 },
    );
    expect(repair.state).toBe("Success");
    expect(await client.maintenance.getAvailableOperations(D, "unknown-uid").catch((e) => e)).toBeInstanceOf(NotFoundError);
  });

  it("a second repair while one runs is refused with 500 UNKNOWN", async () => {
    const config = { opIdentifiers: null, dry: true, logToCoreLog: false, verbose: false };
    const first = await client.maintenance.repair(D, ms, config);
    const second = await client.maintenance.repair(D, ms, config).catch((e) => e);
    expect(second).toBeInstanceOf(ServerFaultError);
    expect(second.errorCode).toBe("UNKNOWN");
    await client.followTask(first, { pollMs: 5 });
  });
});

describe("resolution helpers", () => {
  it("resolves users, groups, org units, servers and domains, and ACL subjects in one _mget", async () => {
    const r = client.resolve;
    const bob = await r.user(D, "bob");
    expect((await r.user(D, "Bob@Acme.test"))?.uid).toBe(bob?.uid);
    expect(await r.user(D, "nobody")).toBeNull();
    const support = await r.group(D, "support-team");
    expect((await r.group(D, "support-team@acme.test"))?.uid).toBe(support?.uid);
    const paris = await r.orgUnit(D, "/Europe/Paris");
    expect(paris?.path).toBe("/Europe/Paris");
    expect(await r.orgUnit(D, "/europe/paris/")).toEqual(paris); // case-insensitive fallback, trailing slash
    expect(await r.orgUnit(D, paris!.uid)).toEqual(paris);
    expect(await r.orgUnit(D, "/Americas/New York")).toMatchObject({ name: "New York" });
    expect(await r.orgUnit(D, "/Europe/Nowhere")).toBeNull();
    expect((await r.orgUnit(D, "Europe"))?.path).toBe("/Europe"); // a top-level name without the slash
    expect(await r.orgUnit(D, "no-such-uid")).toBeNull();
    const mail1 = await r.server("mail-1");
    expect((await r.server("MAIL-1.acme.test"))?.uid).toBe(mail1?.uid);
    expect((await r.server(mail1!.uid))?.value.name).toBe("mail-1");
    expect(await r.server("nowhere")).toBeNull();
    expect((await r.domain("acme-corp.test"))?.uid).toBe(D);
    const before = env.requests.length;
    const entries = await r.entries(D, [bob!.uid, support!.uid, "ghost", bob!.uid]);
    expect(entries.get(bob!.uid)?.kind).toBe("USER");
    expect(entries.get(support!.uid)?.kind).toBe("GROUP");
    expect(entries.get("ghost")).toBeNull();
    expect(env.requests.slice(before).filter((l) => l.includes("/_mget")).length).toBe(1);
    expect((await r.entryByEmail(D, "dir+tag@acme.test"))?.entryUid).toBe(ms);
  });

  it("answers repeated lookups from the run cache until the domain is invalidated (by alias too)", async () => {
    const r = client.resolve;
    await r.user(D, "carol");
    await r.entries(D, ["x-never"]);
    const before = env.requests.length;
    await r.user(D, "carol");
    await r.entries(D, ["x-never"]);
    await r.server("mail-2");
    expect(env.requests.length).toBe(before);
    await client.domains.get(D); // teaches the cache the alias
    client.cache.invalidate("acme-corp.test");
    await r.user(D, "carol");
    expect(env.requests.length).toBe(before + 2);
  });
});
