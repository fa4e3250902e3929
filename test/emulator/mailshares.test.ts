import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, waitTask, mailshareBody, type TestEmulator } from "../support/emulator";
import { stableUid } from "../../emulator/seed";
import { BLANK_PNG } from "../../emulator/png";

let emu: TestEmulator;
const base = "/api/mailshares/acme.test";

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(async () => {
  await emu.close();
});

const create = (uid: string, body: unknown) => emu.api("PUT", `${base}/${uid}`, { body });
const get = (uid: string) => emu.api("GET", `${base}/${uid}/complete`);

describe("IMailshare create and read", () => {
  it("creates a mailshare (200, empty body) and reads it back with server-filled fields", async () => {
    const put = await create("ms-create", {
      ...mailshareBody("create-me"),
      card: { identification: { formatedName: { value: "Create me", parameters: [] } } },
      unknownField: "ignored",
    });
    expect(put.status).toBe(200);
    expect(put.text).toBe("");
    const r = await get("ms-create");
    expect(r.status).toBe(200);
    expect(r.json.uid).toBe("ms-create");
    expect(r.json.displayName).toBe("Create me");
    const v = r.json.value;
    expect(v.name).toBe("create-me");
    expect(v.quota).toBe(1048576); // mailbox_default_publicfolder_quota of acme.test
    expect([stableUid("server", "mail-1"), stableUid("server", "mail-2")]).toContain(v.dataLocation);
    expect(v.card.kind).toBe("individual");
    expect(v.card.source).toBe("bm://acme.test/mailshares/ms-create");
    expect(v.card.communications.emails.map((e: any) => e.value)).toEqual(["create-me@acme.test"]);
    expect(v.card.identification.photo).toBe(false);
    expect(v.archived).toBe(false);
  });

  it("answers 204 for an unknown uid and accepts the domain alias in the path", async () => {
    expect((await get("no-such-uid")).status).toBe(204);
    await create("ms-alias", mailshareBody("via-alias"));
    const r = await emu.api("GET", `/api/mailshares/acme-corp.test/ms-alias/complete`);
    expect(r.status).toBe(200);
    expect(r.json.value.name).toBe("via-alias");
    expect((await emu.api("GET", `/api/mailshares/nowhere.test/ms-alias/complete`)).status).toBe(404);
  });

  it("lists every mailshare of the domain, hidden ones included", async () => {
    const r = await emu.api("GET", `${base}/_complete`);
    expect(r.status).toBe(200);
    const names = r.json.map((i: any) => i.value.name);
    expect(names).toContain("noreply");
    expect(names).toContain("create-me");
  });

  it("allows a mailshare without any address", async () => {
    expect((await create("ms-noaddr", { name: "no-address", routing: "none" })).status).toBe(200);
    const v = (await get("ms-noaddr")).json.value;
    expect(v.emails).toEqual([]);
    const entry = await emu.api("GET", `/api/directory/acme.test/entry-uid/ms-noaddr`);
    expect(entry.status).toBe(200);
    expect(entry.json.email).toBeNull();
  });
});

describe("IMailshare validation, in the server's order", () => {
  const fault = async (uid: string, body: unknown) => {
    const r = await create(uid, body);
    expect(r.status).toBe(500);
    return r.json;
  };

  it("rejects upper-case or padded names and addresses before lower-casing", async () => {
    expect(await fault("v1", mailshareBody("Support"))).toMatchObject({ errorCode: "INVALID_PARAMETER", errorType: "ServerFault" });
    expect((await fault("v2", { name: "two words", routing: "internal" })).message).toContain("not mailbox compatible");
    const padded = await fault("v3", { name: "padded", routing: "internal", emails: [{ address: " padded@acme.test" }] });
    expect(padded).toMatchObject({ errorCode: "INVALID_PARAMETER", message: "Invalid email address: ' padded@acme.test'" });
    const upper = await fault("v4", { name: "upper", routing: "internal", emails: [{ address: "Upper@acme.test" }] });
    expect(upper.errorCode).toBe("INVALID_PARAMETER");
  });

  it("requires routing; an invalid enum is a body parsing error", async () => {
    expect((await fault("v5", { name: "norouting" })).errorCode).toBe("INVALID_PARAMETER");
    expect(await fault("v6", { name: "badrouting", routing: "INTERNAL" })).toEqual({
      errorCode: "UNKNOWN", errorType: "ServerFault", message: 'Error during parsing parameter "body"',
    });
    expect((await create("v7", "{not json")).json.message).toBe('Error during parsing parameter "body"');
  });

  it("null emails end in a NullPointerException body without errorCode", async () => {
    const r = await create("v8", { name: "nullemails", routing: "internal", emails: null });
    expect(r.status).toBe(500);
    expect(r.json).toEqual({ errorType: "NullPointerException", message: null });
  });

  it("refuses a name used by any mailbox of the domain (user login, group mailbox, mailshare)", async () => {
    expect(await fault("v9", { name: "alice", routing: "none" })).toMatchObject({
      errorCode: "ALREADY_EXISTS", message: "Mail name: alice already used",
    });
    // A group's mailbox is named `_<normalised group name>` (GroupHelper), so `sales` itself is free.
    expect((await fault("v10", { name: "_sales", routing: "none" })).errorCode).toBe("ALREADY_EXISTS");
    expect((await fault("v11", { name: "noreply", routing: "none" })).errorCode).toBe("ALREADY_EXISTS");
  });

  it("refuses external routing... unless the relay is configured (it is in acme.test)", async () => {
    expect((await create("ms-ext", { ...mailshareBody("external-box"), routing: "external" })).status).toBe(200);
    const r = await emu.api("PUT", `/api/mailshares/beta.test/ms-ext-beta`, { body: { name: "ext", routing: "external" } });
    expect(r.status).toBe(500);
    expect(r.json).toMatchObject({ errorCode: "UNKNOWN", message: "Cannot set external routing, relay host is not configured" });
  });

  it("checks the address list: one default, no duplicate, allAliases local parts", async () => {
    const twoDefaults = await fault("v12", {
      name: "twodef", routing: "internal",
      emails: [{ address: "a1@acme.test", isDefault: true }, { address: "a2@acme.test", isDefault: true }],
    });
    expect(twoDefaults).toMatchObject({
      errorCode: "ALREADY_EXISTS", message: "There is more than one default address (at least a2@acme.test and a1@acme.test)",
    });
    const dup = await fault("v13", {
      name: "dup", routing: "internal", emails: [{ address: "d@acme.test" }, { address: "d@acme.test" }],
    });
    expect(dup.message).toBe("d@acme.test is duplicate");
    const local = await fault("v14", {
      name: "local", routing: "internal",
      emails: [{ address: "l@acme.test", allAliases: true }, { address: "l@acme-corp.test" }],
    });
    expect(local.message).toBe("l@acme-corp.test is duplicate");
  });

  it("refuses addresses in use elsewhere, with the all-aliases collision rules", async () => {
    const taken = await fault("v15", { name: "takes-bob", routing: "internal", emails: [{ address: "bob@acme.test" }] });
    expect(taken).toMatchObject({ errorCode: "ALREADY_EXISTS" });
    expect(taken.message).toBe("Following emails of mailbox v15:takes-bob are already in use: bob@acme.test");
    // A new allAliases address collides with an existing address of the same local part.
    expect((await fault("v16", {
      name: "all-carol", routing: "internal", emails: [{ address: "carol@acme-corp.test", allAliases: true }],
    })).errorCode).toBe("ALREADY_EXISTS");
    // An existing allAliases address collides with any new address of that local part.
    expect((await create("ms-all", {
      name: "everywhere", routing: "internal", emails: [{ address: "everywhere@acme.test", allAliases: true, isDefault: true }],
    })).status).toBe(200);
    expect((await fault("v17", {
      name: "other", routing: "internal", emails: [{ address: "everywhere@acme-corp.test" }],
    })).message).toContain("everywhere@acme-corp.test");
  });

  it("checks dataLocation: known server, assigned to the domain with mail/imap", async () => {
    const unknown = await fault("v18", { ...mailshareBody("dl1"), dataLocation: "no-such-server" });
    expect(unknown.errorCode).toBe("INVALID_PARAMETER");
    expect(unknown.message).toContain("must exist");
    const core = await fault("v19", { ...mailshareBody("dl2"), dataLocation: stableUid("server", "core") });
    expect(core.message).toContain("not assigned");
    const otherDomain = await fault("v20", { ...mailshareBody("dl3"), dataLocation: stableUid("server", "mail-3") });
    expect(otherDomain.message).toContain("not assigned");
    expect((await create("ms-dl", { ...mailshareBody("dl4"), dataLocation: stableUid("server", "mail-2") })).status).toBe(200);
    expect((await get("ms-dl")).json.value.dataLocation).toBe(stableUid("server", "mail-2"));
  });

  it("checks the quota against the domain maximum", async () => {
    expect((await fault("v21", { ...mailshareBody("q0"), quota: 0 })).message).toContain("Invalid quota");
    expect((await fault("v22", { ...mailshareBody("qbig"), quota: 10485761 })).message).toContain("less than 10240 MiB");
    expect((await create("ms-q", { ...mailshareBody("qok"), quota: 2097152 })).status).toBe(200);
    expect((await get("ms-q")).json.value.quota).toBe(2097152);
  });

  it("refuses a uid already used by any entry of the domain", async () => {
    const bobUid = stableUid("acme.test", "users", "bob");
    const clash = await create(bobUid, mailshareBody("uid-clash-2"));
    expect(clash.status).toBe(500);
    expect(clash.json.errorCode).toBe("ALREADY_EXISTS");
    expect(clash.json.message).toContain(`entry[uid - ${bobUid}]@acme.test already exists`);
  });

  it("stores an unknown org unit as null and a known one as given", async () => {
    await create("ms-ou-bad", { ...mailshareBody("ou-bad"), orgUnitUid: "no-such-ou" });
    expect((await get("ms-ou-bad")).json.value.orgUnitUid).toBeNull();
    const paris = stableUid("acme.test", "ou", "Europe", "Paris");
    await create("ms-ou", { ...mailshareBody("ou-ok"), orgUnitUid: paris });
    expect((await get("ms-ou")).json.value.orgUnitUid).toBe(paris);
  });
});

describe("IMailshare update is a full replace", () => {
  it("drops omitted fields, re-applies defaults, keeps the card when null", async () => {
    await create("ms-upd", {
      ...mailshareBody("upd"),
      quota: 2097152,
      emails: [{ address: "upd@acme.test", isDefault: true }, { address: "upd2@acme.test" }],
      card: { identification: { formatedName: { value: "Updatable", parameters: [] } }, explanatory: { note: "first" } },
    });
    const before = (await get("ms-upd")).json;
    const r = await emu.api("POST", `${base}/ms-upd`, { body: { name: "upd", routing: "internal" } });
    expect(r.status).toBe(200);
    const after = (await get("ms-upd")).json;
    expect(after.value.emails).toEqual([]);
    expect(after.value.quota).toBe(1048576);
    expect(after.value.card.explanatory.note).toBe("first");
    expect(after.value.card.identification.formatedName.value).toBe("Updatable");
    expect(after.version).toBeGreaterThan(before.version);
  });

  it("404 for an unknown uid, 500 without routing", async () => {
    const missing = await emu.api("POST", `${base}/ms-missing`, { body: mailshareBody("missing") });
    expect(missing.status).toBe(404);
    expect(missing.json.errorCode).toBe("NOT_FOUND");
    await create("ms-upd2", mailshareBody("upd-two"));
    const noRouting = await emu.api("POST", `${base}/ms-upd2`, { body: { name: "upd-two" } });
    expect(noRouting.status).toBe(500);
  });

  it("accepts a rename (the server does; the admin UI does not offer it)", async () => {
    await create("ms-ren", mailshareBody("before-rename"));
    await emu.api("POST", `${base}/ms-ren`, { body: { ...mailshareBody("after-rename") } });
    expect((await get("ms-ren")).json.value.name).toBe("after-rename");
  });

  it("rewrites card emails from the mailshare addresses, expanding allAliases", async () => {
    await create("ms-card", {
      name: "cardbox", routing: "internal",
      emails: [{ address: "cardbox@acme.test", isDefault: true, allAliases: true }],
      card: { communications: { emails: [{ value: "ignored@elsewhere.test", parameters: [] }], tels: [{ value: "+33 1", parameters: [{ label: "TYPE", value: "work" }, { label: "", value: "x" }] }] } },
    });
    const card = (await get("ms-card")).json.value.card;
    expect(card.communications.emails.map((e: any) => e.value)).toEqual(["cardbox@acme.test", "cardbox@acme-corp.test"]);
    expect(card.communications.tels[0].parameters).toEqual([{ label: "TYPE", value: "work" }]);
    // Without a formatted name, the card email sent is what the name is built from (VCardSanitizer).
    expect(card.identification.formatedName.value).toBe("ignored@elsewhere.test");
  });
});

describe("IMailshare card formatted name (VCardSanitizer, MailshareVCardSanitizer)", () => {
  const fn = async (uid: string) => (await get(uid)).json.value.card.identification.formatedName.value;
  const named = (parts: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    identification: { formatedName: { value: "  ", parameters: [] }, name: parts }, ...extra,
  });

  it("on create builds a blank one from given, additional and family names (trimmed) before the mailshare name", async () => {
    await create("fn-1", { ...mailshareBody("fn-one"), card: named({ givenNames: " Service ", additionalNames: "Client", familyNames: "Desk", prefixes: "Dr" }) });
    expect(await fn("fn-1")).toBe("Service Client Desk");
    expect((await get("fn-1")).json.value.card.identification.name.givenNames).toBe("Service");
    expect((await get("fn-1")).json.displayName).toBe("Service Client Desk");
    expect((await emu.api("GET", `/api/directory/acme.test/entry-uid/fn-1`)).json.displayName).toBe("Service Client Desk");
  });

  it("falls back to the prefix, then the suffix, then the company, then a card email", async () => {
    await create("fn-2", { ...mailshareBody("fn-two"), card: named({ prefixes: " Dr ", suffixes: "Jr" }) });
    expect(await fn("fn-2")).toBe("Dr");
    await create("fn-3", { ...mailshareBody("fn-three"), card: named({ suffixes: "Jr" }) });
    expect(await fn("fn-3")).toBe("Jr");
    await create("fn-4", { ...mailshareBody("fn-four"), card: named({}, { organizational: { org: { company: "ACME" } } }) });
    expect(await fn("fn-4")).toBe("ACME");
    const emails = [
      { value: "first@card.test", parameters: [] },
      { value: "Marked@Card.test", parameters: [{ label: "Default", value: "TRUE" }] },
      { value: "last@card.test", parameters: [] },
    ];
    await create("fn-5", { ...mailshareBody("fn-five"), card: named({}, { communications: { emails } }) });
    expect(await fn("fn-5")).toBe("Marked@Card.test");
    await create("fn-6", { ...mailshareBody("fn-six"), card: named({}, { communications: { emails: [emails[0], emails[2]] } }) });
    expect(await fn("fn-6")).toBe("last@card.test");
  });

  it("uses the mailshare name when nothing else is there; an empty or blank name is kept on create", async () => {
    await create("fn-7", { ...mailshareBody("fn-seven"), card: { explanatory: { note: "x" } } });
    expect(await fn("fn-7")).toBe("fn-seven");
    await create("fn-8", { ...mailshareBody("fn-eight"), card: named({}) });
    expect(await fn("fn-8")).toBe("  ");
    await create("fn-9", { ...mailshareBody("fn-nine"), card: { identification: { formatedName: { value: "", parameters: [] } } } });
    expect(await fn("fn-9")).toBe("");
  });

  it("on update puts the mailshare name first into an empty one, and builds only a whitespace one", async () => {
    await create("fn-10", mailshareBody("fn-ten"));
    const parts = { givenNames: "Built", familyNames: "Name" };
    await emu.api("POST", `${base}/fn-10`, { body: { ...mailshareBody("fn-ten"), card: { identification: { formatedName: { value: "" }, name: parts } } } });
    expect(await fn("fn-10")).toBe("fn-ten");
    await emu.api("POST", `${base}/fn-10`, { body: { ...mailshareBody("fn-ten"), card: named(parts) } });
    expect(await fn("fn-10")).toBe("Built Name");
    await emu.api("POST", `${base}/fn-10`, { body: { ...mailshareBody("fn-ten"), card: { identification: { name: parts } } } });
    expect(await fn("fn-10")).toBe("fn-ten");
  });
});

describe("IMailboxValidator: one pass in list order, then the data location", () => {
  const fault = async (uid: string, body: unknown) => {
    const r = await create(uid, body);
    expect(r.status).toBe(500);
    return r.json;
  };

  it("names the later address of a local-part clash with an all-domains address", async () => {
    const r = await fault("mv-1", {
      name: "mv-one", routing: "internal", emails: [
        { address: "mv@acme.test", isDefault: true }, { address: "mv@acme-corp.test" }, { address: "mv@beta.test", allAliases: true },
      ],
    });
    expect(r).toMatchObject({ errorCode: "ALREADY_EXISTS", message: "mv@beta.test is duplicate" });
    // The first problem in list order wins: a duplicate before a second default.
    const first = await fault("mv-2", {
      name: "mv-two", routing: "internal", emails: [
        { address: "x@acme.test", isDefault: true }, { address: "x@acme.test" }, { address: "y@acme.test", isDefault: true },
      ],
    });
    expect(first.message).toBe("x@acme.test is duplicate");
  });

  it("trims the data location before the must-be-set check; exact messages for unknown and unassigned servers", async () => {
    expect(await fault("mv-3", { ...mailshareBody("mv-three"), dataLocation: "   " })).toMatchObject({
      errorCode: "INVALID_PARAMETER", message: "Datalocation must be set",
    });
    expect((await fault("mv-4", { ...mailshareBody("mv-four"), dataLocation: "nowhere" })).message)
      .toBe("Datalocation nowhere must exist for mailbox mv-four");
    const mail3 = stableUid("server", "mail-3");
    expect((await fault("mv-5", { ...mailshareBody("mv-five"), dataLocation: mail3 })).message)
      .toBe(`Datalocation ${mail3} not assigned to: acme.test as mail/imap`);
    const core = stableUid("server", "core");
    expect((await fault("mv-6", { ...mailshareBody("mv-six"), dataLocation: core })).message)
      .toBe(`Datalocation ${core} not assigned to: acme.test as mail/imap`);
    expect((await fault("mv-7", { ...mailshareBody("mv-seven"), quota: 0 })).message)
      .toBe("Invalid quota for mv-7. Quota must be less than 10240 MiB");
  });

  it("checks external routing before name uniqueness; the relay setting only has to exist", async () => {
    // beta.test has no relay: an external mailshare named like an existing mailbox fails on the relay.
    const r = await emu.api("PUT", "/api/mailshares/beta.test/mv-8", { body: { name: "admin", routing: "external" } });
    expect(r.json).toMatchObject({ errorCode: "UNKNOWN", message: "Cannot set external routing, relay host is not configured" });
    const internal = await emu.api("PUT", "/api/mailshares/beta.test/mv-9", { body: { name: "admin", routing: "internal" } });
    expect(internal.json).toMatchObject({ errorCode: "ALREADY_EXISTS", message: "Mail name: admin already used" });
    const settings = (await emu.api("GET", "/api/domains/beta.test/_settings")).json;
    await emu.api("PUT", "/api/domains/beta.test/_settings", { body: { ...settings, mail_routing_relay: "" } });
    try {
      expect((await emu.api("PUT", "/api/mailshares/beta.test/mv-10", { body: { name: "mv-ten", routing: "external" } })).status).toBe(200);
    } finally {
      await emu.api("PUT", "/api/domains/beta.test/_settings", { body: settings });
    }
  });

  it("names the mailshare validator's fields in its messages", async () => {
    expect((await fault("mv-11", { name: " ", routing: "internal" })).message).toBe("Mailshare.name must be set ");
    expect((await fault("mv-12", { name: "Upper", routing: "internal" })).message).toBe("Mailshare.name (Upper) is not mailbox compatible");
    expect((await fault("mv-13", { name: "mv-thirteen" })).message).toBe("Mailshare.routing must be set");
  });
});

describe("IMailshare photo", () => {
  const png = BLANK_PNG;

  it("stores a re-encoded PNG, flags the card, and serves raw PNG or base64 JSON", async () => {
    await create("ms-photo", mailshareBody("photo"));
    const up = await emu.api("POST", `${base}/ms-photo/photo`, { body: png, headers: { "Content-Type": "application/octet-stream" } });
    expect(up.status).toBe(200);
    expect((await get("ms-photo")).json.value.card.identification.photo).toBe(true);
    const raw = await fetch(`${emu.url}${base}/ms-photo/photo`, { headers: { Accept: "image/png" } });
    expect(raw.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await raw.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    const json = await emu.api("GET", `${base}/ms-photo/photo`, { headers: { Accept: "application/json, text/plain, */*" } });
    expect(Buffer.from(json.json, "base64").equals(bytes)).toBe(true);
    // base64 JSON upload is what BlueMind's own clients send
    const up2 = await emu.api("POST", `${base}/ms-photo/photo`, { body: JSON.stringify(png.toString("base64")) });
    expect(up2.status).toBe(200);
  });

  it("refuses what is not an image, and image/png content type (parsed as JSON)", async () => {
    await create("ms-photo2", mailshareBody("photo-two"));
    const notImage = await emu.api("POST", `${base}/ms-photo2/photo`, { body: Buffer.from("hello"), headers: { "Content-Type": "application/octet-stream" } });
    expect(notImage.status).toBe(500);
    expect(notImage.json.errorCode).toBe("INVALID_PARAMETER");
    const asPng = await emu.api("POST", `${base}/ms-photo2/photo`, { body: png, headers: { "Content-Type": "image/png" } });
    expect(asPng.status).toBe(500);
    expect(asPng.json.message).toBe('Error during parsing parameter "body"');
  });

  it("never 404s on read, and delete is a no-op without a photo", async () => {
    const r = await fetch(`${emu.url}${base}/no-such/photo`, { headers: { Accept: "image/png" } });
    expect(r.status).toBe(200);
    expect(Buffer.from(await r.arrayBuffer()).equals(BLANK_PNG)).toBe(true);
    expect((await emu.api("DELETE", `${base}/no-such/photo`)).status).toBe(200);
    await emu.api("DELETE", `${base}/ms-photo/photo`);
    expect((await get("ms-photo")).json.value.card.identification.photo).toBe(false);
  });

  it("404 (user … not found) when uploading for an unknown uid", async () => {
    const r = await emu.api("POST", `${base}/nope/photo`, { body: png, headers: { "Content-Type": "application/octet-stream" } });
    expect(r.status).toBe(404);
    expect(r.json.message).toContain("not found");
  });
});

describe("IMailshare delete", () => {
  it("returns a task that goes through InProgress and removes everything", async () => {
    await create("ms-del", mailshareBody("deleted"));
    const r = await emu.api("DELETE", `${base}/ms-del`);
    expect(r.status).toBe(200);
    const id = r.json.id;
    expect(typeof id).toBe("string");
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const s = await emu.api("GET", `/api/tasks/${id}`);
      if (s.status === 200) seen.add(s.json.state);
      if (s.json?.state === "Success") break;
      await new Promise((res) => setTimeout(res, 2));
    }
    expect(seen.has("InProgress")).toBe(true);
    expect(seen.has("Success")).toBe(true);
    const final = await waitTask(emu.api, id);
    expect(final.result).toBe('""');
    expect((await get("ms-del")).status).toBe(204);
    // the name and address are free again
    expect((await create("ms-del-2", mailshareBody("deleted"))).status).toBe(200);
  });

  it("still answers with a task for an unknown uid; the task ends InError with result []", async () => {
    const r = await emu.api("DELETE", `${base}/never-existed`);
    expect(r.status).toBe(200);
    const final = await waitTask(emu.api, r.json.id);
    expect(final.state).toBe("InError");
    expect(final.result).toBe("[]");
    expect(final.lastLogEntry).toBe("mailshare never-existed not found");
  });
});
