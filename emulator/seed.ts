// Seeds: the organisation an emulator starts with (YAML, see seeds/default.yaml).
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { parse } from "yaml";
import { attr, emptyVCard, type Email, type ItemValue, type User, type Group, type Member } from "./model";
import { Store, newDomainState, type DomainState } from "./store";
import { table } from "./table";
import { GLOBAL_DOMAIN } from "./sessions";
import { createMailshare } from "./services/mailshares";
import { groupByName, userByLogin } from "./entries";
import { putEntry } from "./entry-index";
import { PROJECT_DIR } from "../project-dir";

export interface SeedServer { uid?: string; name: string; fqdn: string; ip?: string; tags?: string[] }
/** Delegated administration: roles held on an org unit (path such as /Europe) and its sub-units. */
export interface SeedAdminOf { orgUnit: string; roles: string[] }
export interface SeedUser {
  uid?: string; login: string; firstName?: string; lastName?: string; password?: string; roles?: string[];
  orgUnit?: string; aliases?: string[]; hidden?: boolean; phone?: string; adminOf?: SeedAdminOf[];
}
export interface SeedGroup {
  uid?: string; name: string; description?: string; email?: boolean; members?: string[]; roles?: string[]; adminOf?: SeedAdminOf[];
}
export interface SeedMailshare {
  uid?: string; name: string; displayName?: string; email?: string; hidden?: boolean; orgUnit?: string;
  /** The mail it holds (KiB), reported as `used` by IMailboxes.getMailboxQuota. */
  mailUsedKiB?: number;
  /** The messages it holds (its search index's count); given with `mailUsedKiB`, and 0 exactly when that is. */
  mailMessages?: number;
}
export interface SeedDomain {
  name: string; label?: string; description?: string; aliases?: string[]; defaultAlias?: string;
  settings?: Record<string, string>;
  assignments?: { server: string; tag: string }[];
  orgUnits?: { uid?: string; name: string; parent?: string }[];
  users?: SeedUser[]; groups?: SeedGroup[]; mailshares?: SeedMailshare[];
}
export interface Seed { servers?: SeedServer[]; domains?: SeedDomain[] }

export function defaultSeed(): Seed {
  return loadSeedFile(path.join(PROJECT_DIR, "emulator", "seeds", "default.yaml"));
}

export function loadSeedFile(file: string): Seed {
  let doc: unknown;
  try {
    doc = parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`seed ${file}: ${(err as Error).message}`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new Error(`seed ${file}: expected a mapping with servers and domains`);
  return doc as Seed;
}

/** A stable UUID-shaped uid derived from a name, so seeded uids survive restarts and re-seeding. */
export function stableUid(...parts: string[]): string {
  const h = createHash("sha1").update(parts.join("/")).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A seeded mailbox holds messages exactly when it holds mail, each message at least 1 KiB of it. */
function checkMailCounts(m: SeedMailshare, where: string): void {
  const [kib, messages] = [m.mailUsedKiB ?? 0, m.mailMessages ?? 0];
  const whole = (n: number) => Number.isInteger(n) && n >= 0;
  if (!whole(kib) || !whole(messages)) fail(where, "mailUsedKiB and mailMessages are whole numbers from 0");
  if ((kib === 0) !== (messages === 0) || messages > kib) {
    fail(where, `mailUsedKiB ${kib} and mailMessages ${messages} disagree: give both, 0 together, and no more messages than KiB`);
  }
}

function fail(where: string, message: string): never {
  throw new Error(`seed: ${where}: ${message}`);
}

export function applySeed(store: Store, seed: Seed): void {
  const s = store.state;
  addDomain(store, { name: GLOBAL_DOMAIN, label: GLOBAL_DOMAIN }, true);
  for (const srv of seed.servers ?? []) {
    if (!srv.name || !srv.fqdn) fail("servers", "each server needs a name and an fqdn");
    const uid = srv.uid ?? stableUid("server", srv.name);
    s.servers[uid] = store.newItem(uid, { ip: srv.ip ?? "127.0.0.1", fqdn: srv.fqdn, name: srv.name, tags: srv.tags ?? [] }, null, srv.name);
  }
  for (const sd of seed.domains ?? []) {
    if (!sd.name) fail("domains", "each domain needs a name");
    const d = addDomain(store, sd, false);
    const where = `domain ${sd.name}`;
    for (const a of sd.assignments ?? []) {
      const server = Object.values(s.servers).find((x) => x.uid === a.server || x.value.name === a.server);
      if (!server) fail(where, `assignment names unknown server ${a.server}`);
      s.assignments.push({ domainUid: sd.name, serverUid: server.uid, tag: a.tag });
    }
    for (const ou of sd.orgUnits ?? []) {
      const parentUid = ou.parent ? ouUid(d, `/${ou.parent}`, where) : null;
      const uid = ou.uid ?? stableUid(sd.name, "ou", ...(ou.parent ? [ou.parent] : []), ou.name);
      d.orgUnits[uid] = store.newItem(uid, { name: ou.name, parentUid }, null, ou.name);
    }
    for (const u of sd.users ?? []) addUser(store, d, u, where);
    for (const g of sd.groups ?? []) addGroup(store, d, g);
    for (const g of sd.groups ?? []) addMembers(d, g, where);
    for (const u of sd.users ?? []) addAdminOf(d, stableUidOf(d, "users", u), u.adminOf, where);
    for (const g of sd.groups ?? []) addAdminOf(d, stableUidOf(d, "groups", g), g.adminOf, where);
    for (const m of sd.mailshares ?? []) {
      const uid = m.uid ?? stableUid(sd.name, "mailshares", m.name);
      const card = emptyVCard();
      card.identification.formatedName = attr(m.displayName ?? m.name);
      createMailshare(store, d, uid, {
        name: m.name, routing: m.email ? "internal" : "none", quota: null, card, dataLocation: null,
        emails: m.email ? [{ address: m.email, allAliases: false, isDefault: true }] : [],
        hidden: m.hidden ?? false, archived: false, system: false,
        orgUnitUid: m.orgUnit ? ouUid(d, m.orgUnit, where) : null,
      }, null);
      if (m.mailUsedKiB !== undefined) (store.state.mailUsage ??= table())[uid] = m.mailUsedKiB;
      if (m.mailMessages !== undefined) (store.state.mailMessages ??= table())[uid] = m.mailMessages;
      checkMailCounts(m, `${sd.name} mailshare ${m.name}`);
    }
  }
}

function addDomain(store: Store, sd: SeedDomain, global: boolean): DomainState {
  const domain = {
    label: sd.label ?? sd.name, name: sd.name, description: sd.description ?? "", properties: {}, global,
    aliases: sd.aliases ?? [], defaultAlias: sd.defaultAlias ?? sd.name,
  };
  const d = newDomainState(store.newItem(sd.name, domain, null, domain.label), sd.settings ?? {});
  store.state.domains[sd.name] = d;
  return d;
}

function stableUidOf(d: DomainState, folder: "users" | "groups", e: SeedUser | SeedGroup): string {
  return e.uid ?? stableUid(d.item.uid, folder, "login" in e ? e.login : e.name);
}

/** IOrgUnits.setAdministratorRoles for each `adminOf` of a user or group. */
function addAdminOf(d: DomainState, uid: string, adminOf: SeedAdminOf[] | undefined, where: string): void {
  for (const a of adminOf ?? []) {
    if (!a.orgUnit || !Array.isArray(a.roles)) fail(where, `adminOf of ${uid} needs an orgUnit and roles`);
    (d.ouAdmins[ouUid(d, a.orgUnit, where)] ??= table())[uid] = [...a.roles];
  }
}

/** Org unit uid by path (`/Europe/Paris`). */
function ouUid(d: DomainState, ouPath: string, where: string): string {
  let parent: string | null = null;
  for (const name of ouPath.split("/").filter(Boolean)) {
    const found = Object.values(d.orgUnits).find((o) => o.value.name === name && o.value.parentUid === parent);
    if (!found) fail(where, `unknown org unit ${ouPath}`);
    parent = found.uid;
  }
  if (!parent) fail(where, `empty org unit path`);
  return parent;
}

function addUser(store: Store, d: DomainState, u: SeedUser, where: string): void {
  if (!u.login) fail(where, "each user needs a login");
  const domainName = d.item.uid;
  const uid = u.uid ?? stableUid(domainName, "users", u.login);
  const emails: Email[] = [
    { address: `${u.login}@${domainName}`, allAliases: false, isDefault: true },
    ...(u.aliases ?? []).map((a) => ({ address: `${a}@${domainName}`, allAliases: false, isDefault: false })),
  ];
  const displayName = [u.firstName, u.lastName].filter(Boolean).join(" ") || u.login;
  const card = emptyVCard();
  card.identification.formatedName = attr(displayName);
  card.identification.name = { ...card.identification.name, givenNames: u.firstName ?? null, familyNames: u.lastName ?? null };
  card.communications.emails = emails.map((e) => ({
    value: e.address, parameters: [{ label: "DEFAULT", value: String(e.isDefault) }, { label: "TYPE", value: "work" }],
  }));
  if (u.phone) card.communications.tels = [{ value: u.phone, ext: null, parameters: [{ label: "TYPE", value: "work" }] }];
  card.source = `bm://${domainName}/users/${uid}`;
  const dataLocation = store.state.assignments.find((a) => a.domainUid === domainName && a.tag === "mail/imap")?.serverUid ?? null;
  const user: User = {
    login: u.login, password: null, routing: "internal", quota: null, accountType: "FULL", contactInfos: card,
    emails, hidden: u.hidden ?? false, archived: false, system: false, dataLocation,
    orgUnitUid: u.orgUnit ? ouUid(d, u.orgUnit, where) : null,
  };
  putEntry(d, "USER", store.newItem(uid, user, null, displayName));
  addMailboxStores(store, d, uid);
  if (u.password) d.passwords[uid] = u.password;
  if (u.roles?.length) d.roles[uid] = [...u.roles];
}

function addGroup(store: Store, d: DomainState, g: SeedGroup): void {
  const domainName = d.item.uid;
  const uid = g.uid ?? stableUid(domainName, "groups", g.name);
  const group: Group = {
    name: g.name, description: g.description ?? null, hiddenMembers: false, mailArchived: false, memberCount: 0,
    emails: g.email ? [{ address: `${g.name}@${domainName}`, allAliases: false, isDefault: true }] : [],
    hidden: false, archived: false, system: false, orgUnitUid: null,
    dataLocation: store.state.assignments.find((a) => a.domainUid === domainName && a.tag === "mail/imap")?.serverUid ?? null,
  };
  putEntry(d, "GROUP", store.newItem(uid, group, null, g.name));
  addMailboxStores(store, d, uid);
  d.members[uid] = [];
  if (g.roles?.length) d.roles[uid] = [...g.roles];
}

function addMembers(d: DomainState, g: SeedGroup, where: string): void {
  const group = groupByName(d, g.name)!.item as ItemValue<Group>;
  const members: Member[] = (g.members ?? []).map((ref) => {
    if (ref.startsWith("group:")) {
      const sub = groupByName(d, ref.slice(6));
      if (!sub) fail(where, `group ${g.name} names unknown group ${ref}`);
      return { type: "group", uid: sub.item.uid };
    }
    const user = userByLogin(d, ref);
    if (!user) fail(where, `group ${g.name} names unknown user ${ref}`);
    return { type: "user", uid: user.item.uid };
  });
  d.members[group.uid] = members;
  group.value.memberCount = members.length;
}

/** Every mailbox (user, group, mailshare) has its ACL container, filter and identity stores. */
function addMailboxStores(store: Store, d: DomainState, uid: string): void {
  const aclUid = `mailbox:acls-${uid}`;
  store.state.containers[aclUid] = { uid: aclUid, type: "mailboxacl", owner: uid, domainUid: d.item.uid, acl: [] };
  store.state.rules[uid] = [];
  store.state.identities[uid] = table();
}
