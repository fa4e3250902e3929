// The entry index (emulator/entry-index.ts): lookups by name and by address must answer what a
// scan of every entry answers, after every kind of write — create, update, a change of addresses
// or name, delete (IMailshare and IDirectory), xfer, a reload from --data, a seed — and never see
// an entry that is gone. Each scenario checks the index against a fresh build of it too.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, waitTask, type TestEmulator } from "../support/emulator";
import { prng } from "../../emulator/emulator";
import { Store, emptyState, newDomainState, type DomainState } from "../../emulator/store";
import { applySeed, defaultSeed, stableUid, type Seed } from "../../emulator/seed";
import {
  checkEmailsFree, checkMailboxName, defaultEmail, entryByEmail, entryByMailboxName, findEntry, groupByName,
  hasEntryInOrgUnit, normalizeGroupName, userByLogin, type AnyEntry,
} from "../../emulator/entries";
import {
  editEntryValue, indexIsCurrent, putEntry, removeEntry, replaceEntryValue, type EntryKind, type EntryValue,
} from "../../emulator/entry-index";
import { allDirEntries, findDirEntry } from "../../emulator/services/directory";
import type { Email } from "../../emulator/model";

const ms = "/api/mailshares/acme.test";
const mb = "/api/mailboxes/acme.test";
const dir = "/api/directory/acme.test";
const email = (address: string, extra: Partial<Email> = {}): Email => ({ address, allAliases: false, isDefault: false, ...extra });

/** Every lookup by name and address of the REST API, as `uid` (or null for 204). */
async function lookups(emu: TestEmulator, probe: { name?: string; address?: string }): Promise<Record<string, string | null>> {
  const uidOf = async (p: string, field: "uid" | "entryUid" = "uid") => {
    const r = await emu.api("GET", p);
    expect([200, 204], `${p}: ${r.text}`).toContain(r.status);
    return r.status === 204 ? null : r.json[field];
  };
  const out: Record<string, string | null> = {};
  if (probe.name !== undefined) out.byName = await uidOf(`${mb}/_byname?name=${encodeURIComponent(probe.name)}`);
  if (probe.address !== undefined) {
    const a = encodeURIComponent(probe.address);
    out.mailboxByEmail = await uidOf(`${mb}/_byemail?email=${a}`);
    out.directoryByEmail = await uidOf(`${dir}/_byEmail/${a}`, "entryUid");
  }
  return out;
}

const both = (uid: string | null) => ({ mailboxByEmail: uid, directoryByEmail: uid });

describe("mailshare lookups through every write", () => {
  let emu: TestEmulator;
  let acme: DomainState;
  beforeAll(async () => {
    emu = await startTestEmulator();
    acme = emu.emulator.store.state.domains["acme.test"];
  });
  afterAll(async () => {
    await emu.close();
  });

  const put = (uid: string, body: unknown) => emu.api("PUT", `${ms}/${encodeURIComponent(uid)}`, { body });
  const post = (uid: string, body: unknown) => emu.api("POST", `${ms}/${encodeURIComponent(uid)}`, { body });
  const body = (name: string, emails: Email[]) => ({ name, routing: "internal", emails });

  it("finds a new mailshare by name, address, alias and all-domains alias, exactly as sent", async () => {
    const r = await put("ix-1", body("ix-one", [
      email("ix-one@acme.test", { isDefault: true }), email("ix-alias@acme.test"), email("ix-all@acme.test", { allAliases: true }),
    ]));
    expect(r.status, r.text).toBe(200);
    expect(await lookups(emu, { name: "ix-one", address: "ix-one@acme.test" })).toEqual({ byName: "ix-1", ...both("ix-1") });
    expect(await lookups(emu, { address: "ix-alias@acme.test" })).toEqual(both("ix-1"));
    // allAliases: the local part answers at the domain and at each of its aliases, nowhere else.
    expect(await lookups(emu, { address: "ix-all@acme-corp.test" })).toEqual(both("ix-1"));
    expect(await lookups(emu, { address: "ix-all@beta.test" })).toEqual(both(null));
    // _byname is exact; _byemail compares as sent; the directory lower-cases first.
    expect(await lookups(emu, { name: "IX-ONE" })).toEqual({ byName: null });
    expect(await lookups(emu, { address: "IX-ALIAS@acme.test" })).toEqual({ mailboxByEmail: null, directoryByEmail: "ix-1" });
    expect((await emu.api("GET", `${dir}/entry-uid/ix-1`)).json.entryUid).toBe("ix-1");
    expect((await emu.api("POST", `${dir}/_mget`, { body: ["ix-1", "nope", "ix-1"] })).json.map((e: any) => e.uid)).toEqual(["ix-1", "ix-1"]);
    expect((await emu.api("POST", `${mb}/_mget`, { body: ["nope", "ix-1"] })).json.map((e: any) => e.uid)).toEqual(["ix-1"]);
    expect(indexIsCurrent(acme)).toBe(true);
  });

  it("forgets old addresses and finds new ones after an update, and frees them for others", async () => {
    const r = await post("ix-1", body("ix-one", [
      email("ix-one@acme.test", { isDefault: true }), email("ix-new@acme.test"), email("ix-all@acme.test"),
    ]));
    expect(r.status, r.text).toBe(200);
    expect(await lookups(emu, { address: "ix-alias@acme.test" })).toEqual(both(null));
    expect(await lookups(emu, { address: "ix-new@acme.test" })).toEqual(both("ix-1"));
    // No longer allAliases: only the explicit address answers.
    expect(await lookups(emu, { address: "ix-all@acme-corp.test" })).toEqual(both(null));
    expect(await lookups(emu, { address: "ix-all@acme.test" })).toEqual(both("ix-1"));
    // The freed alias can be taken; the held ones are refused, named in the validator's order.
    expect((await put("ix-2", body("ix-two", [email("ix-alias@acme.test", { isDefault: true })]))).status).toBe(200);
    const clash = await put("ix-3", body("ix-three", [
      email("ix-three@acme.test", { isDefault: true }), email("ix-new@acme.test"), email("ix-alias@acme.test"), email("ix-one@acme-corp.test", { allAliases: true }),
    ]));
    expect(clash.json.message).toBe(
      "Following emails of mailbox ix-3:ix-three are already in use: ix-one@acme-corp.test,ix-new@acme.test,ix-alias@acme.test",
    );
    expect(indexIsCurrent(acme)).toBe(true);
  });

  it("finds a renamed mailshare under its new name only", async () => {
    const r = await post("ix-2", body("ix-renamed", [email("ix-alias@acme.test", { isDefault: true })]));
    expect(r.status, r.text).toBe(200);
    expect(await lookups(emu, { name: "ix-two" })).toEqual({ byName: null });
    expect(await lookups(emu, { name: "ix-renamed" })).toEqual({ byName: "ix-2" });
    expect((await put("ix-4", body("ix-two", []))).status).toBe(200);
    expect((await put("ix-5", body("ix-renamed", []))).json.message).toBe("Mail name: ix-renamed already used");
    expect(indexIsCurrent(acme)).toBe(true);
  });

  it("still finds a mailshare moved by xfer, with its new data location", async () => {
    const target = stableUid("server", "mail-2");
    const before = (await emu.api("GET", `${mb}/_byname?name=ix-one`)).json.value.dataLocation;
    const to = before === target ? stableUid("server", "mail-1") : target;
    const task = await emu.api("POST", `${dir}/_xfer/ix-1/${to}`);
    expect((await waitTask(emu.api, task.json.id)).state).toBe("Success");
    expect((await emu.api("GET", `${mb}/_byname?name=ix-one`)).json.value.dataLocation).toBe(to);
    expect((await emu.api("GET", `${mb}/_byemail?email=ix-new@acme.test`)).json.value.dataLocation).toBe(to);
    expect(indexIsCurrent(acme)).toBe(true);
  });

  it("finds nothing once deleted, through IMailshare or IDirectory, and frees name and addresses", async () => {
    const viaMailshare = await emu.api("DELETE", `${ms}/ix-1`);
    expect((await waitTask(emu.api, viaMailshare.json.id)).state).toBe("Success");
    const viaDirectory = await emu.api("DELETE", `${dir}/_byentryuid/ix-2`);
    expect((await waitTask(emu.api, viaDirectory.json.id)).state).toBe("Success");
    expect(await lookups(emu, { name: "ix-one", address: "ix-one@acme.test" })).toEqual({ byName: null, ...both(null) });
    expect(await lookups(emu, { name: "ix-renamed", address: "ix-alias@acme.test" })).toEqual({ byName: null, ...both(null) });
    expect(await lookups(emu, { address: "ix-new@acme.test" })).toEqual(both(null));
    expect((await emu.api("GET", `${dir}/entry-uid/ix-1`)).status).toBe(204);
    expect((await emu.api("POST", `${dir}/_mget`, { body: ["ix-1", "ix-2"] })).json).toEqual([]);
    expect((await put("ix-6", body("ix-one", [email("ix-alias@acme.test", { isDefault: true }), email("ix-new@acme.test")]))).status).toBe(200);
    expect(await lookups(emu, { name: "ix-one", address: "ix-new@acme.test" })).toEqual({ byName: "ix-6", ...both("ix-6") });
    expect(indexIsCurrent(acme)).toBe(true);
  });

  it("keeps uids and names named like Object.prototype members", async () => {
    expect((await put("__proto__", body("constructor", [email("__proto__@acme.test", { isDefault: true, allAliases: true })]))).status).toBe(200);
    expect(await lookups(emu, { name: "constructor", address: "__proto__@acme-corp.test" })).toEqual({ byName: "__proto__", ...both("__proto__") });
    expect(await lookups(emu, { name: "toString", address: "toString@acme.test" })).toEqual({ byName: null, ...both(null) });
    expect((await post("__proto__", body("__proto__", [email("constructor@acme.test", { isDefault: true })]))).status).toBe(200);
    expect(await lookups(emu, { name: "__proto__", address: "constructor@acme.test" })).toEqual({ byName: "__proto__", ...both("__proto__") });
    expect(await lookups(emu, { name: "constructor", address: "__proto__@acme.test" })).toEqual({ byName: null, ...both(null) });
    const del = await emu.api("DELETE", `${ms}/__proto__`);
    expect((await waitTask(emu.api, del.json.id)).state).toBe("Success");
    expect(await lookups(emu, { name: "__proto__", address: "constructor@acme.test" })).toEqual({ byName: null, ...both(null) });
    expect(indexIsCurrent(acme)).toBe(true);
  });

  it("never answers with an entry deleted from its table behind the index's back", async () => {
    expect((await put("ix-gone", body("ix-gone", [email("ix-gone@acme.test", { isDefault: true })]))).status).toBe(200);
    delete acme.mailshares["ix-gone"];
    expect(await lookups(emu, { name: "ix-gone", address: "ix-gone@acme.test" })).toEqual({ byName: null, ...both(null) });
    expect((await put("ix-back", body("ix-gone", [email("ix-gone@acme.test", { isDefault: true })]))).status).toBe(200);
    expect(await lookups(emu, { name: "ix-gone", address: "ix-gone@acme.test" })).toEqual({ byName: "ix-back", ...both("ix-back") });
    // The index still files the vanished entry (harmlessly) until it is removed through it.
    expect(indexIsCurrent(acme)).toBe(false);
    removeEntry(acme, "MAILSHARE", "ix-gone");
    expect(indexIsCurrent(acme)).toBe(true);
  });

  it("refuses in-place edits of the fields it files by, and refiles edits made through it", async () => {
    const item = acme.mailshares["ix-6"];
    expect(() => { (item.value as any).name = "edited"; }).toThrow(TypeError);
    expect(() => { item.value.emails[0].address = "edited@acme.test"; }).toThrow(TypeError);
    expect(() => { item.value.emails.push(email("edited@acme.test")); }).toThrow(TypeError);
    expect(() => { (item as any).value = { ...item.value, name: "edited" }; }).toThrow(TypeError);
    // Fields nobody looks entries up by stay writable (xfer moves dataLocation in place).
    item.value.hidden = !item.value.hidden;
    editEntryValue(acme, "MAILSHARE", "ix-6", (v) => {
      v.emails = [email("ix-edited@acme.test", { isDefault: true })];
    });
    expect(await lookups(emu, { address: "ix-edited@acme.test" })).toEqual(both("ix-6"));
    expect(await lookups(emu, { address: "ix-new@acme.test" })).toEqual(both(null));
    // Copies served to clients are ordinary objects.
    const served = (await emu.api("GET", `${ms}/ix-6/complete`)).json;
    expect(JSON.stringify(served.value.emails)).toBe(JSON.stringify(item.value.emails));
    expect(indexIsCurrent(acme)).toBe(true);
  });
});

describe("users and groups", () => {
  let emu: TestEmulator;
  let acme: DomainState;
  const users = "/api/users/acme.test";
  const groups = "/api/groups/acme.test";
  const uidOf = async (p: string) => {
    const r = await emu.api("GET", p);
    return r.status === 204 ? null : r.json.uid;
  };
  const erin = stableUid("acme.test", "users", "erin");
  const sales = stableUid("acme.test", "groups", "sales");

  beforeAll(async () => {
    emu = await startTestEmulator();
    acme = emu.emulator.store.state.domains["acme.test"];
  });
  afterAll(async () => {
    await emu.close();
  });

  it("finds users by login and address, groups by name and address, and their mailbox names", async () => {
    expect(await uidOf(`${users}/byLogin/erin`)).toBe(erin);
    expect(await uidOf(`${users}/byLogin/erin@anything`)).toBe(erin);
    expect(await uidOf(`${users}/byLogin/Erin`)).toBeNull();
    expect(await uidOf(`${users}/byEmail/alice.martin@acme.test`)).toBe(stableUid("acme.test", "users", "alice"));
    expect(await uidOf(`${groups}/byName/sales`)).toBe(sales);
    expect(await uidOf(`${groups}/byName/Sales`)).toBeNull();
    expect(await uidOf(`${groups}/byEmail/sales@acme.test`)).toBe(sales);
    // A user's address is not a group's, and the other way round.
    expect(await uidOf(`${groups}/byEmail/erin@acme.test`)).toBeNull();
    expect(await uidOf(`${users}/byEmail/sales@acme.test`)).toBeNull();
    expect(await uidOf(`${mb}/_byname?name=_sales`)).toBe(sales);
    expect(await uidOf(`${mb}/_byname?name=erin`)).toBe(erin);
  });

  it("follows a user's and a group's changed addresses, logins and names", async () => {
    editEntryValue(acme, "USER", erin, (v) => {
      v.login = "erin2";
      v.emails = [email("erin2@acme.test", { isDefault: true }), email("lopez@acme.test", { allAliases: true })];
    });
    editEntryValue(acme, "GROUP", sales, (v) => {
      v.name = "Ventes Équipe";
      v.emails = [email("ventes@acme.test", { isDefault: true })];
    });
    expect(await uidOf(`${users}/byLogin/erin`)).toBeNull();
    expect(await uidOf(`${users}/byLogin/erin2`)).toBe(erin);
    expect(await uidOf(`${users}/byEmail/erin@acme.test`)).toBeNull();
    expect(await uidOf(`${users}/byEmail/lopez@acme-corp.test`)).toBe(erin);
    expect(await uidOf(`${groups}/byName/sales`)).toBeNull();
    expect(await uidOf(`${groups}/byName/${encodeURIComponent("Ventes Équipe")}`)).toBe(sales);
    expect(await uidOf(`${groups}/byEmail/sales@acme.test`)).toBeNull();
    expect(await uidOf(`${groups}/byEmail/ventes@acme.test`)).toBe(sales);
    expect(await uidOf(`${mb}/_byname?name=_ventes_equipe`)).toBe(sales);
    expect(await uidOf(`${mb}/_byname?name=_sales`)).toBeNull();
    // Login goes through the index too: the new login and the all-domains address at the alias.
    const login = async (l: string) => (await emu.api("POST", `/api/auth/login?login=${encodeURIComponent(l)}`, {
      body: JSON.stringify("erin-password"), key: null,
    })).json.status;
    expect(await login("erin@acme.test")).toBe("Bad");
    expect(await login("erin2@acme.test")).toBe("Ok");
    expect(await login("lopez@acme-corp.test")).toBe("Ok");
    // The addresses given up are free for a mailshare; the new ones are not.
    expect((await emu.api("PUT", `${ms}/ix-u`, { body: { name: "ix-u", routing: "internal", emails: [email("erin@acme.test", { isDefault: true })] } })).status).toBe(200);
    const refused = await emu.api("PUT", `${ms}/ix-v`, { body: { name: "ix-v", routing: "internal", emails: [email("lopez@beta.test", { isDefault: true })] } });
    expect(refused.json.message).toBe("Following emails of mailbox ix-v:ix-v are already in use: lopez@beta.test");
    expect(indexIsCurrent(acme)).toBe(true);
  });
});

describe("reload and seed", () => {
  it("finds after a restart from --data what it found before, and keeps following writes", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-index-"));
    const first = await startTestEmulator({ dataDir });
    try {
      const emails = [email("ix-kept@acme.test", { isDefault: true }), email("ix-kept-all@acme.test", { allAliases: true })];
      expect((await first.api("PUT", `${ms}/ix-kept`, { body: { name: "ix-kept", routing: "internal", emails } })).status).toBe(200);
    } finally {
      await first.close();
    }
    const second = await startTestEmulator({ dataDir });
    try {
      expect(await lookups(second, { name: "ix-kept", address: "ix-kept-all@acme-corp.test" })).toEqual({ byName: "ix-kept", ...both("ix-kept") });
      expect(await lookups(second, { name: "noreply", address: "noreply@acme.test" }))
        .toEqual({ byName: stableUid("acme.test", "mailshares", "noreply"), ...both(stableUid("acme.test", "mailshares", "noreply")) });
      const again = await second.api("PUT", `${ms}/ix-other`, { body: { name: "ix-other", routing: "internal", emails: [email("ix-kept-all@beta.test")] } });
      expect(again.json.message).toBe("Following emails of mailbox ix-other:ix-other are already in use: ix-kept-all@beta.test");
      expect((await second.api("POST", `${ms}/ix-kept`, { body: { name: "ix-kept", routing: "internal", emails: [email("ix-moved@acme.test", { isDefault: true })] } })).status).toBe(200);
      expect(await lookups(second, { address: "ix-kept@acme.test" })).toEqual(both(null));
      expect(await lookups(second, { address: "ix-moved@acme.test" })).toEqual(both("ix-kept"));
      expect(indexIsCurrent(second.emulator.store.state.domains["acme.test"])).toBe(true);
    } finally {
      await second.close();
    }
  });

  it("finds what a seed file declares", async () => {
    const seed: Seed = {
      servers: [{ name: "imap", fqdn: "imap.seed.test", tags: ["mail/imap"] }],
      domains: [{
        name: "seed.test", aliases: ["seed-alias.test"], assignments: [{ server: "imap", tag: "mail/imap" }],
        users: [{ login: "ann", aliases: ["ann.lee"] }, { uid: "42", login: "bo" }],
        groups: [{ name: "Crew", email: true, members: ["ann", "bo"] }],
        mailshares: [{ name: "desk", email: "desk@seed.test" }],
      }],
    };
    const emu = await startTestEmulator({ seed });
    try {
      const api = (p: string) => emu.api("GET", p).then((r) => (r.status === 204 ? null : r.json.uid));
      expect(await api("/api/users/seed.test/byLogin/bo")).toBe("42");
      expect(await api("/api/users/seed.test/byEmail/ann.lee@seed.test")).toBe(stableUid("seed.test", "users", "ann"));
      expect(await api("/api/groups/seed.test/byName/Crew")).toBe(stableUid("seed.test", "groups", "Crew"));
      expect(await api("/api/mailboxes/seed.test/_byname?name=_crew")).toBe(stableUid("seed.test", "groups", "Crew"));
      expect(await api("/api/mailboxes/seed.test/_byemail?email=desk@seed.test")).toBe(stableUid("seed.test", "mailshares", "desk"));
      const members = (await emu.api("GET", `/api/groups/seed.test/${stableUid("seed.test", "groups", "Crew")}/members`)).json;
      expect(members.map((m: any) => m.uid).sort()).toEqual(["42", stableUid("seed.test", "users", "ann")].sort());
      expect(indexIsCurrent(emu.emulator.store.state.domains["seed.test"])).toBe(true);
    } finally {
      await emu.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// The indexed lookups against the scans they replace, after random writes of every kind.

/** The scans as they were before the index: every entry, users then groups then mailshares. */
const scan = {
  entries(d: DomainState): AnyEntry[] {
    return [
      ...Object.values(d.users).map((item): AnyEntry => ({ kind: "USER", item, mailboxName: item.value.login })),
      ...Object.values(d.groups).map((item): AnyEntry => ({ kind: "GROUP", item, mailboxName: `_${normalizeGroupName(item.value.name)}` })),
      ...Object.values(d.mailshares).map((item): AnyEntry => ({ kind: "MAILSHARE", item, mailboxName: item.value.name })),
    ];
  },
  byEmail(d: DomainState, address: string, kind?: EntryKind): AnyEntry | undefined {
    const [local, domainPart] = address.split("@");
    const names = Store.domainNames(d);
    return scan.entries(d).find((e) => (kind === undefined || e.kind === kind) && (e.item.value.emails ?? []).some((m) =>
      m.address === address || (m.allAliases && names.includes(domainPart) && m.address.split("@")[0] === local)));
  },
  checkMailboxName(d: DomainState, name: string, selfUid: string, lowerCase: boolean): string | null {
    const wanted = lowerCase ? name.toLowerCase() : name;
    return scan.entries(d).some((e) => e.item.uid !== selfUid && e.mailboxName === wanted) ? `Mail name: ${name} already used` : null;
  },
  checkEmailsFree(store: Store, d: DomainState, selfUid: string, name: string, emails: Email[]): string | null {
    const used = new Set<string>();
    const localOf = (a: string) => a.split("@")[0];
    for (const e of scan.entries(d)) {
      if (e.item.uid === selfUid) continue;
      for (const theirs of e.item.value.emails ?? []) {
        for (const mine of emails) {
          const sameLocal = localOf(theirs.address) === localOf(mine.address);
          if (theirs.address === mine.address || ((theirs.allAliases || mine.allAliases) && sameLocal)) used.add(mine.address);
        }
      }
    }
    for (const other of Object.values(store.state.domains)) {
      for (const e of scan.entries(other)) {
        if (e.item.uid === selfUid) continue;
        const def = defaultEmail(other, e.item.value.emails);
        if (def && emails.some((m) => m.address === def)) used.add(def);
      }
    }
    return used.size > 0 ? `Following emails of mailbox ${selfUid}:${name} are already in use: ${[...used].join(",")}` : null;
  },
};


const errorOf = (f: () => void): string | null => {
  try {
    f();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
};
const idOf = (e: { kind: string; item: { uid: string } } | undefined) => (e ? `${e.kind}:${e.item.uid}` : null);

describe("indexed lookups answer what the scans answered", () => {
  // Uids and names in the pool collide on purpose (several entries per key, array-index uids that
  // objects list first, prototype member names), which validation would refuse: putEntry takes them.
  const UIDS = ["u1", "u2", "7", "12", "__proto__", "constructor", "m1", "m2"];
  const LOCALS = ["a", "b", "__proto__", "7", "toString"];
  const DOMAINS = ["acme.test", "acme-corp.test", "beta.test", "g.test", "gamma.test"];
  const NAMES = ["a", "A", "b", "__proto__", "Équipe", "equipe", "7"];
  const OUS = [null, "ou-1", "ou-2"];

  it("after 200 random writes of every kind", () => {
    const store = new Store(emptyState(), null);
    applySeed(store, defaultSeed());
    // A domain whose default alias is not its name: allAliases defaults read `local@g.test`.
    const gammaItem = store.newItem("gamma.test", {
      label: "Gamma", name: "gamma.test", description: "", properties: {}, global: false, aliases: ["g.test"], defaultAlias: "g.test",
    }, null, "Gamma");
    store.state.domains["gamma.test"] = newDomainState(gammaItem);
    const domains = ["acme.test", "beta.test", "gamma.test"].map((uid) => store.state.domains[uid]);
    const random = prng(20261201);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    const randomEmails = (): Email[] =>
      Array.from({ length: Math.floor(random() * 4) }, () =>
        email(`${pick(LOCALS)}@${pick(DOMAINS)}`, { allAliases: random() < 0.3, isDefault: random() < 0.4 }));
    const randomValue = (kind: EntryKind): EntryValue => ({
      ...(kind === "USER" ? { login: pick(LOCALS) } : { name: pick(NAMES) }),
      emails: randomEmails(), orgUnitUid: pick(OUS), hidden: false, archived: false, system: false, dataLocation: null,
    });
    const KINDS: EntryKind[] = ["USER", "GROUP", "MAILSHARE"];
    const tableOf = (d: DomainState, kind: EntryKind) => (kind === "USER" ? d.users : kind === "GROUP" ? d.groups : d.mailshares) as any;

    for (let step = 0; step < 200; step++) {
      const d = pick(domains);
      const kind = pick(KINDS);
      const uid = pick(UIDS);
      const existing = tableOf(d, kind)[uid];
      const op = random();
      if (op < 0.45 || !existing) putEntry(d, kind, store.newItem(uid, randomValue(kind), null, uid) as any);
      else if (op < 0.65) replaceEntryValue(d, kind, existing, randomValue(kind));
      else if (op < 0.8) editEntryValue(d, kind, uid, (v) => {
        if (v.emails.length > 0) v.emails[0].allAliases = !v.emails[0].allAliases;
      });
      else removeEntry(d, kind, uid);

      for (const dd of domains) expect(indexIsCurrent(dd), `step ${step}: index of ${dd.item.uid}`).toBe(true);
      const where = `step ${step} in ${d.item.uid}`;
      for (const local of LOCALS) {
        for (const domain of DOMAINS) {
          const address = `${local}@${domain}`;
          for (const k of [undefined, ...KINDS]) {
            expect(idOf(entryByEmail(d, address, k)), `${where}: entryByEmail ${address} ${k}`).toBe(idOf(scan.byEmail(d, address, k)));
          }
        }
      }
      for (const name of [...NAMES, ...LOCALS, "_a", "_equipe", "___proto__"]) {
        const all = scan.entries(d);
        expect(idOf(entryByMailboxName(d, name)), `${where}: byName ${name}`).toBe(idOf(all.find((e) => e.mailboxName === name)));
        expect(idOf(userByLogin(d, name)), `${where}: byLogin ${name}`).toBe(idOf(all.find((e) => e.kind === "USER" && e.item.value.login === name)));
        expect(idOf(groupByName(d, name)), `${where}: groupByName ${name}`).toBe(idOf(all.find((e) => e.kind === "GROUP" && e.item.value.name === name)));
        for (const lowerCase of [true, false]) {
          const self = pick(UIDS);
          expect(errorOf(() => checkMailboxName(d, name, self, lowerCase)), `${where}: mailbox name ${name}`)
            .toBe(scan.checkMailboxName(d, name, self, lowerCase));
        }
      }
      for (const u of [...UIDS, d.item.uid]) {
        expect(idOf(findEntry(d, u)), `${where}: findEntry ${u}`).toBe(idOf(scan.entries(d).find((e) => e.item.uid === u)));
        expect(findDirEntry(d, u), `${where}: findDirEntry ${u}`).toEqual(allDirEntries(d).find((e) => e.uid === u));
      }
      for (const ou of OUS.filter((x): x is string => x !== null)) {
        expect(hasEntryInOrgUnit(d, ou)).toBe(scan.entries(d).some((e) => e.item.value.orgUnitUid === ou));
      }
      for (let probe = 0; probe < 5; probe++) {
        const emails = randomEmails();
        const self = pick(UIDS);
        expect(errorOf(() => checkEmailsFree(store, d, self, "n", emails)), `${where}: emails ${JSON.stringify(emails)}`)
          .toBe(scan.checkEmailsFree(store, d, self, "n", emails));
      }
    }
  }, 60_000);
});

describe("the entry tables have one writer", () => {
  it("no emulator module but entry-index.ts assigns or deletes users, groups or mailshares", () => {
    const root = path.resolve(__dirname, "..", "..", "emulator");
    const files = (dirPath: string): string[] => fs.readdirSync(dirPath, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? files(path.join(dirPath, e.name)) : e.name.endsWith(".ts") ? [path.join(dirPath, e.name)] : []);
    const write = /\.(users|groups|mailshares)\[[^\]]*\]\s*(=(?!=)|\?\?=|\|\|=)|delete\s+[^;\n]*\.(users|groups|mailshares)\[/;
    const offenders = files(root)
      .filter((f) => path.basename(f) !== "entry-index.ts")
      .flatMap((f) => fs.readFileSync(f, "utf8").split("\n").map((line, i) => ({ f, i, line })))
      .filter(({ line }) => write.test(line))
      .map(({ f, i, line }) => `${path.relative(root, f)}:${i + 1}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });
});
