import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, waitTask, mailshareBody, EMULATED_VERSIONS, type TestEmulator } from "../support/emulator";
import { defaultSeed, stableUid } from "../../emulator/seed";
import { BLANK_PNG } from "../../emulator/png";

// Tasks run in 30 ms steps here so that a second xfer reliably arrives while the first runs.
let emu: TestEmulator;
let bobKey: string;
let betaAdminKey: string;
const dir = "/api/directory/acme.test";
const user = (login: string) => stableUid("acme.test", "users", login);
const group = (name: string) => stableUid("acme.test", "groups", name);
const ou = (...path: string[]) => stableUid("acme.test", "ou", ...path);
const server = (name: string) => stableUid("server", name);
const noreply = stableUid("acme.test", "mailshares", "noreply");

beforeAll(async () => {
  emu = await startTestEmulator({ taskStepMs: 30 });
  bobKey = emu.emulator.sessions.open(user("bob"), "acme.test", "bob@acme.test").key;
  betaAdminKey = emu.emulator.sessions.open(stableUid("beta.test", "users", "admin"), "beta.test", "admin@beta.test").key;
});
afterAll(async () => {
  await emu.close();
});

const search = (query: unknown, key?: string) => emu.api("POST", `${dir}/_search`, { body: query, key });
const uidsOf = (r: { json: any }) => r.json.values.map((v: any) => v.uid);
const createShare = (uid: string, body: Record<string, unknown>) => emu.api("PUT", `/api/mailshares/acme.test/${uid}`, { body });

describe("IDirectory reads", () => {
  it("serves the DOMAIN entry as root, by uid or alias, to domain users but not to others", async () => {
    const root = await emu.api("GET", dir);
    expect(root.status).toBe(200);
    expect(root.json).toMatchObject({
      kind: "DOMAIN", entryUid: "acme.test", path: "acme.test", displayName: "ACME Corporation", hidden: true, system: true,
    });
    expect((await emu.api("GET", "/api/directory/acme-corp.test")).json.entryUid).toBe("acme.test");
    expect((await emu.api("GET", dir, { key: bobKey })).status).toBe(200);
    expect((await emu.api("GET", dir, { key: null })).status).toBe(403);
    expect((await emu.api("GET", dir, { key: betaAdminKey })).status).toBe(403);
    const unknown = await emu.api("GET", "/api/directory/nowhere.test");
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toBe("domain nowhere.test not found");
  });

  it("resolves an entry uid of any kind, 204 when unknown", async () => {
    const bob = await emu.api("GET", `${dir}/entry-uid/${user("bob")}`, { key: bobKey });
    expect(bob.status).toBe(200);
    expect(bob.json).toMatchObject({
      kind: "USER", entryUid: user("bob"), path: `acme.test/users/${user("bob")}`, email: "bob@acme.test",
      displayName: "Bob Durand", accountType: "FULL", orgUnitUid: ou("Europe", "Paris"), dataLocation: server("mail-1"),
    });
    expect(bob.json.orgUnitPath).toEqual({
      uid: ou("Europe", "Paris"), name: "Paris", parent: { uid: ou("Europe"), name: "Europe", parent: null },
    });
    const unit = await emu.api("GET", `${dir}/entry-uid/${ou("Europe")}`);
    expect(unit.json).toMatchObject({ kind: "ORG_UNIT", displayName: "Europe", path: `acme.test/ous/${ou("Europe")}` });
    expect((await emu.api("GET", `${dir}/entry-uid/no-such-entry`)).status).toBe(204);
    expect((await emu.api("GET", `${dir}/entry-uid/system`)).status).toBe(204);
  });

  it("reads the first entry at a path with _entry (a String body: JSON literal or text/plain)", async () => {
    const entry = (path: string) => emu.api("POST", `${dir}/_entry`, { body: JSON.stringify(path) });
    expect((await entry(`acme.test/users/${user("carol")}`)).json.entryUid).toBe(user("carol"));
    const plain = await emu.api("POST", `${dir}/_entry`, {
      body: `acme.test/users/${user("carol")}`, headers: { "Content-Type": "text/plain" },
    });
    expect(plain.json.entryUid).toBe(user("carol"));
    expect((await entry("acme.test")).json.kind).toBe("DOMAIN");
    expect((await entry("acme.test/groups")).json.kind).toBe("GROUP");
    expect((await entry("acme.test/nothing")).status).toBe(204);
  });

  it("finds an entry by e-mail: lower-cased, allAliases at every alias, + must be percent-encoded", async () => {
    const alice = await emu.api("GET", `${dir}/_byEmail/ALICE.MARTIN@ACME.TEST`);
    expect(alice.status).toBe(200);
    expect(alice.json.entryUid).toBe(user("alice"));
    expect((await emu.api("GET", `${dir}/_byEmail/alice@acme-corp.test`)).status).toBe(204);

    await createShare("ms-team", {
      name: "team", routing: "internal", emails: [{ address: "team@acme.test", allAliases: true, isDefault: true }],
    });
    const team = await emu.api("GET", `${dir}/_byEmail/team@acme-corp.test`);
    expect(team.json).toMatchObject({ kind: "MAILSHARE", entryUid: "ms-team", email: "team@acme.test" });

    await createShare("ms-plus", mailshareBody("plus", { emails: [{ address: "a+b@acme.test", isDefault: true }] }));
    expect((await emu.api("GET", `${dir}/_byEmail/a%2Bb@acme.test`)).json.entryUid).toBe("ms-plus");
    const spaced = await emu.api("GET", `${dir}/_byEmail/a+b@acme.test`);
    expect(spaced.status).toBe(500);
    expect(spaced.json.errorCode).toBe("INVALID_PARAMETER");
    expect((await emu.api("GET", `${dir}/_byEmail/nobody@acme.test`)).status).toBe(204);
  });

  it("returns entries by uid with _mget, skipping unknown uids", async () => {
    const r = await emu.api("POST", `${dir}/_mget`, { body: [user("dave"), "unknown-uid", group("sales")] });
    expect(r.status).toBe(200);
    expect(r.json.map((i: any) => [i.uid, i.value.kind])).toEqual([[user("dave"), "USER"], [group("sales"), "GROUP"]]);
  });

  it("serves directory cards: a mailshare's card, a user's contactInfos; 204 when unknown", async () => {
    const share = await emu.api("GET", `${dir}/${noreply}/_vcard`);
    expect(share.status).toBe(200);
    expect(share.json.uid).toBe(noreply);
    expect(share.json.value.identification.formatedName.value).toBe("No reply");
    expect(share.json.value.communications.emails.map((e: any) => e.value)).toEqual(["noreply@acme.test"]);
    const frank = await emu.api("GET", `${dir}/${user("frank")}/_vcard`);
    expect(frank.json.value.communications.tels[0].value).toBe("+49 30 1234 5678");
    expect((await emu.api("GET", `${dir}/nobody/_vcard`)).status).toBe(204);
  });

  it("answers 204 for the photo of an entry that never had one; its icon is the kind's default image", async () => {
    const none = await fetch(`${emu.url}${dir}/entry-uid/${user("erin")}/photo`, { headers: { Accept: "image/png" } });
    expect(none.status).toBe(204);
    expect((await emu.api("GET", `${dir}/entry-uid/${noreply}/photo`)).status).toBe(204);
    expect((await emu.api("GET", `${dir}/entry-uid/nobody/photo`)).status).toBe(204);
    const icon = await fetch(`${emu.url}${dir}/entry-uid/${noreply}/icon`, { headers: { Accept: "image/png" } });
    expect(icon.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await icon.arrayBuffer()).equals(BLANK_PNG)).toBe(true);
    // IMailshare / IUser photos fall back to the default image.
    const msPhoto = await fetch(`${emu.url}/api/mailshares/acme.test/${noreply}/photo`, { headers: { Accept: "image/png" } });
    expect(Buffer.from(await msPhoto.arrayBuffer()).equals(BLANK_PNG)).toBe(true);
  });

  it("serves a stored photo and its icon; an unknown entry's icon is 204", async () => {

    const headers = { "Content-Type": "application/octet-stream" };
    await emu.api("POST", `/api/mailshares/acme.test/${noreply}/photo`, { body: BLANK_PNG, headers });
    const stored = await fetch(`${emu.url}/api/mailshares/acme.test/${noreply}/photo`, { headers: { Accept: "image/png" } });
    const storedBytes = Buffer.from(await stored.arrayBuffer());
    expect(storedBytes.equals(BLANK_PNG)).toBe(false); // re-encoded on upload
    const photo = await fetch(`${emu.url}${dir}/entry-uid/${noreply}/photo`, { headers: { Accept: "image/png" } });
    expect(Buffer.from(await photo.arrayBuffer()).equals(storedBytes)).toBe(true);
    expect((await emu.api("GET", `${dir}/${noreply}/_vcard`)).json.value.identification.photo).toBe(true);
    expect((await emu.api("GET", `${dir}/entry-uid/${noreply}/icon`, { headers: { Accept: "image/png" } })).status).toBe(200);
    expect((await emu.api("GET", `${dir}/entry-uid/nobody/icon`)).status).toBe(204);
  });
});

describe("IDirectory getEntries (_childs)", () => {
  const childs = (path: string, key?: string) => emu.api("POST", `${dir}/_childs`, { body: JSON.stringify(path), key });

  it("lists the entries under a folder path as DirEntry, without the entry the path names itself", async () => {
    const users = await childs("acme.test/users");
    expect(users.status).toBe(200);
    expect(users.json.every((e: any) => e.kind === "USER")).toBe(true);
    expect(users.json.map((e: any) => e.entryUid)).toContain(user("alice"));
    expect(users.json[0].uid).toBeUndefined(); // DirEntry, not ItemValue
    const all = (await childs("acme.test")).json;
    expect(all.some((e: any) => e.kind === "DOMAIN")).toBe(false);
    expect(all.some((e: any) => e.kind === "ORG_UNIT")).toBe(true);
    expect((await childs(`acme.test/mailshares/${noreply}`)).json).toEqual([]);
    // Only the third part of an entry path is looked at.
    expect((await childs(`x/y/${noreply}`)).json.map((e: any) => e.entryUid)).toEqual([noreply]);
    expect((await childs("acme.test/nothing")).json).toEqual([]);
  });

  it("needs Read on the directory and a body", async () => {
    expect((await childs("acme.test/users", betaAdminKey)).status).toBe(403);
    expect((await emu.api("POST", `${dir}/_childs`)).json.errorType).toBe("NullPointerException");
  });
});

describe("IDirectory search", () => {
  it("excludes hidden and system entries by default and orders by display name", async () => {
    const r = await search({});
    expect(r.status).toBe(200);
    const names = r.json.values.map((v: any) => v.value.displayName);
    expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b, "en")));
    expect(r.json.total).toBe(r.json.values.length);
    expect(uidsOf(r)).not.toContain(noreply);
    expect(uidsOf(r)).not.toContain("acme.test");
    expect(uidsOf(r)).toContain(ou("Americas"));
    const all = await search({ hiddenFilter: false, systemFilter: false });
    expect(uidsOf(all)).toContain(noreply);
    expect(uidsOf(all)).toContain("acme.test");
  });

  it("filters by kind, name (substring, any case), name or e-mail, entry uid, state and org unit", async () => {
    const groups = await search({ kindsFilter: ["GROUP"] });
    expect(uidsOf(groups).sort()).toEqual(["managers", "sales", "staff", "support-team"].map(group).sort());
    expect(uidsOf(await search({ nameFilter: "MART" }))).toEqual([user("alice")]);
    expect(uidsOf(await search({ nameOrEmailFilter: "support-t", kindsFilter: ["GROUP"] }))).toEqual([group("support-team")]);
    expect(uidsOf(await search({ entryUidFilter: [user("bob"), user("erin")] })).sort()).toEqual([user("bob"), user("erin")].sort());
    expect((await search({ stateFilter: "Archived" })).json.values).toEqual([]);
    const berlin = await search({ orgUnitIds: [ou("Europe", "Berlin")] });
    expect(uidsOf(berlin).sort()).toEqual([user("carol"), user("frank")].sort());
  });

  it("matches emailFilter exactly against default addresses of the domain and its aliases only", async () => {
    expect(uidsOf(await search({ emailFilter: "bob@acme.test" }))).toEqual([user("bob")]);
    expect(uidsOf(await search({ emailFilter: "bob@elsewhere.test" }))).toEqual([]);
    expect(uidsOf(await search({ emailFilter: "bob@acme-corp.test" }))).toEqual([]);
    const invalid = await search({ emailFilter: "not an email" });
    expect(invalid.status).toBe(500);
    expect(invalid.json).toMatchObject({ errorCode: "INVALID_PARAMETER", message: "emailFilter is not valid " });
  });

  it("pages with from/size; total counts every match only when a size is given", async () => {
    const users = { kindsFilter: ["USER"], order: { by: "displayname", dir: "desc" } };
    const full = await search(users);
    expect(full.json.values.map((v: any) => v.value.displayName)).toEqual([
      "Paula Roux", "Frank Weber", "Erin Lopez", "Dave Miller", "Carol Schmidt", "Bob Durand", "Alice Martin",
    ]);
    const page = await search({ ...users, from: 2, size: 2 });
    expect(page.json.values.map((v: any) => v.value.displayName)).toEqual(["Erin Lopez", "Dave Miller"]);
    expect(page.json.total).toBe(7);
    const tail = await search({ ...users, from: 5 });
    expect(tail.json.total).toBe(2);
  });

  it("rejects a missing body, an unknown kind, and an order without a field", async () => {
    const empty = await emu.api("POST", `${dir}/_search`);
    expect(empty.status).toBe(500);
    expect(empty.json.errorCode).toBe("INVALID_PARAMETER");
    expect((await search({ kindsFilter: ["PRINTER"] })).json.message).toBe('Error during parsing parameter "body"');
    expect((await search({ order: { dir: "asc" } })).json.errorType).toBe("NullPointerException");
  });

  it("lets domain users search their own directory only", async () => {
    expect((await search({}, bobKey)).status).toBe(200);
    expect((await search({}, betaAdminKey)).status).toBe(403);
    expect((await emu.api("POST", `${dir}/_search`, { body: {}, key: null })).status).toBe(403);
  });
});

describe("IDirectory xfer", () => {
  const xfer = (entryUid: string, serverUid: string, key?: string) =>
    emu.api("POST", `/api/directory/acme-corp.test/_xfer/${entryUid}/${serverUid}`, { key });

  it("moves a mailbox in a task, refuses a second start while it runs, and bumps the version", async () => {
    await createShare("ms-xfer", mailshareBody("xfer-me", { dataLocation: server("mail-1") }));
    const before = (await emu.api("GET", "/api/mailshares/acme.test/ms-xfer/complete")).json;

    const r = await xfer("ms-xfer", server("mail-2"));
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ id: "xfer-ms-xfer@acme.test" });
    const again = await xfer("ms-xfer", server("mail-2"));
    expect(again.status).toBe(500);
    expect(again.json.errorCode).toBe("UNKNOWN");
    expect(again.json.message).toContain("already running");

    const seen = new Set<string>();
    for (let i = 0; i < 400 && !seen.has("Success"); i++) {
      seen.add((await emu.api("GET", `/api/tasks/${r.json.id}`)).json.state);
      await new Promise((res) => setTimeout(res, 5));
    }
    expect(seen.has("InProgress")).toBe(true);
    const final = await waitTask(emu.api, r.json.id);
    expect(final.state).toBe("Success");

    const after = (await emu.api("GET", "/api/mailshares/acme.test/ms-xfer/complete")).json;
    expect(after.value.dataLocation).toBe(server("mail-2"));
    expect(after.version).toBeGreaterThan(before.version);
    expect((await emu.api("GET", `${dir}/entry-uid/ms-xfer`)).json.dataLocation).toBe(server("mail-2"));
  });

  it("ends InError for a server not assigned to the domain, an unknown server or entry", async () => {
    const notAssigned = await waitTask(emu.api, (await xfer(user("dave"), server("mail-3"))).json.id);
    expect(notAssigned.state).toBe("InError");
    expect(notAssigned.lastLogEntry).toContain("not assigned to acme.test");
    const unknownServer = await waitTask(emu.api, (await xfer(user("dave"), "no-server")).json.id);
    expect(unknownServer.state).toBe("InError");
    expect(unknownServer.lastLogEntry).toContain("no-server not found");
    const unknownEntry = await waitTask(emu.api, (await xfer("no-entry", server("mail-2"))).json.id);
    expect(unknownEntry.state).toBe("InError");
    expect(unknownEntry.lastLogEntry).toContain("no-entry not found");
    expect((await emu.api("GET", `${dir}/entry-uid/${user("dave")}`)).json.dataLocation).toBe(server("mail-1"));
  });

  it("succeeds without moving anything when the mailbox is already there", async () => {
    const id = (await xfer(user("erin"), server("mail-1"))).json.id;
    expect((await waitTask(emu.api, id)).state).toBe("Success");
    const logs = await emu.api("GET", `/api/tasks/${id}/_currentLogs`);
    expect(logs.json.join("\n")).toContain("nothing to move");
  });

  it("requires manageMailbox", async () => {
    const r = await xfer(user("bob"), server("mail-2"), bobKey);
    expect(r.status).toBe(403);
    expect(r.json.errorCode).toBe("PERMISSION_DENIED");
  });
});

describe("IDirectory deleteByEntryUid", () => {
  it("deletes a mailshare exactly like IMailshare.delete", async () => {
    await createShare("ms-bye", mailshareBody("bye"));
    const r = await emu.api("DELETE", `${dir}/_byentryuid/ms-bye`);
    expect(r.status).toBe(200);
    const final = await waitTask(emu.api, r.json.id);
    expect(final).toMatchObject({ state: "Success", result: '""' });
    expect((await emu.api("GET", "/api/mailshares/acme.test/ms-bye/complete")).status).toBe(204);
    expect((await emu.api("GET", `${dir}/entry-uid/ms-bye`)).status).toBe(204);
  });

  it("deletes by path: one percent-encoded segment, 404 when nothing is there, INVALID_QUERY for a folder", async () => {
    expect((await createShare("ms-bypath", mailshareBody("bypath"))).status).toBe(200);
    const r = await emu.api("DELETE", `${dir}/${encodeURIComponent("acme.test/mailshares/ms-bypath")}`);
    expect(r.status).toBe(200);
    expect(await waitTask(emu.api, r.json.id)).toMatchObject({ state: "Success", result: '""' });
    expect((await emu.api("GET", `${dir}/entry-uid/ms-bypath`)).status).toBe(204);
    const unknown = await emu.api("DELETE", `${dir}/${encodeURIComponent("acme.test/mailshares/nobody")}`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toBe("entry acme.test/mailshares/nobody doesnt exists");
    const folder = await emu.api("DELETE", `${dir}/${encodeURIComponent("acme.test/users")}`);
    expect(folder.status).toBe(500);
    expect(folder.json).toMatchObject({ errorCode: "INVALID_QUERY", message: "entry acme.test/users has children" });
    expect((await emu.api("DELETE", `${dir}/${encodeURIComponent(`acme.test/mailshares/${noreply}`)}`, { key: bobKey })).status).toBe(403);
  });

  it("checks the mailshare roles, 404s on unknown entries, and does not emulate user deletion", async () => {
    expect((await emu.api("DELETE", `${dir}/_byentryuid/${noreply}`, { key: bobKey })).status).toBe(403);
    const unknown = await emu.api("DELETE", `${dir}/_byentryuid/nobody`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.message).toBe("entry nobody doesnt exists");
    const userDelete = await waitTask(emu.api, (await emu.api("DELETE", `${dir}/_byentryuid/${user("erin")}`)).json.id);
    expect(userDelete.state).toBe("InError");
    expect(userDelete.lastLogEntry).toContain("not supported by the emulator");
    expect((await emu.api("GET", `${dir}/entry-uid/${user("erin")}`)).status).toBe(200);
  });
});

describe.each(EMULATED_VERSIONS)("the entry email of a mailshare on BlueMind %s", (version) => {
  let release: TestEmulator;
  beforeAll(async () => {
    const seed = defaultSeed();
    seed.domains!.find((d) => d.name === "acme.test")!.defaultAlias = "acme-corp.test";
    release = await startTestEmulator({ seed, bluemindVersion: version });
  });
  afterAll(async () => release?.close());

  it("names an all-domains default address by the domain uid on 4.x, by the default alias on 5.x (MailshareDirEntryAdapter)", async () => {
    const uid = "entry-mail";
    const body = mailshareBody("team", { emails: [{ address: "team@acme.test", allAliases: true, isDefault: true }] });
    expect((await release.api("PUT", `/api/mailshares/acme.test/${uid}`, { body })).status).toBe(200);
    const expected = version.startsWith("4.") ? "team@acme.test" : "team@acme-corp.test";
    const byUid = (await release.api("GET", `${dir}/entry-uid/${uid}`)).json;
    const mget = (await release.api("POST", `${dir}/_mget`, { body: [uid] })).json;
    const found = (await release.api("POST", `${dir}/_search`, { body: { kindsFilter: ["MAILSHARE"], nameFilter: "team" } })).json.values;
    expect([byUid.email, mget[0].value.email, found.map((e: any) => e.value.email)]).toEqual([expected, expected, [expected]]);
  });
});
