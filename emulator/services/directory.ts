// IDirectory — /api/directory/{domain} (domain uid or alias). The directory container of a domain
// holds one entry per user, group, mailshare, org unit, plus the DOMAIN entry itself; this module
// serves them as DirEntry (docs/bluemind-api.md §2.6, §3.12), following Directory.java /
// DirectoryService.java / DirEntryStore.java. The permission checks the directory-side services
// share are in ../directory-rbac.ts, the SQL-like matching in ../matching.ts.
import type { Router } from "../router";
import { PngResult, type Ctx } from "../context";
import {
  emptyVCard, isEmail, type DirEntry, type DirKind, type Email, type ItemValue, type OrgUnit, type VCard,
} from "../model";
import { ServerFault, invalid, notFound, npe, parseError, unknownFault } from "../faults";
import { own } from "../table";
import { Store, type DomainState } from "../store";
import { dirEntryItem, entriesOf, entriesWithUid, entryByEmail, findEntry, orgUnitPath, type AnyEntry, type EntryEmailDomain } from "../entries";
import { BLANK_PNG } from "../png";
import { optEnum, optString, optStrings, primitive } from "../codec";
import { canManageKind, requireDirectoryRead } from "../directory-rbac";
import { ilike, javaSubList, unaccent } from "../matching";
import { imapServers, startMailshareDelete } from "./mailshares";
import type { Release } from "../releases";


// ---------------------------------------------------------------------------------------------
// Directory entries of every kind

/** The DOMAIN entry, as DomainsService creates it: label as display name, hidden and system. */
export function domainEntryItem(d: DomainState): ItemValue<DirEntry> {
  const uid = d.item.uid;
  return {
    ...d.item,
    value: {
      displayName: d.item.value.label, entryUid: uid, accountType: null, kind: "DOMAIN", path: uid, email: null,
      hidden: true, system: true, archived: false, emails: [], orgUnitUid: null, orgUnitPath: null, dataLocation: null,
    },
  };
}

/** An ORG_UNIT entry (OUDirEntryAdapter): the parent as orgUnitUid, its own path as orgUnitPath. */
function orgUnitEntryItem(d: DomainState, item: ItemValue<OrgUnit>): ItemValue<DirEntry> {
  return {
    ...item,
    value: {
      displayName: item.value.name, entryUid: item.uid, accountType: null, kind: "ORG_UNIT",
      path: `${d.item.uid}/ous/${item.uid}`, email: null, hidden: false, system: false, archived: false, emails: [],
      orgUnitUid: item.value.parentUid, orgUnitPath: orgUnitPath(d, item.uid), dataLocation: null,
    },
  };
}

/** Every entry of the directory container, in creation order (what an unordered SELECT yields). */
export function allDirEntries(d: DomainState, emailDomain?: EntryEmailDomain): ItemValue<DirEntry>[] {
  const out = [
    domainEntryItem(d),
    ...Object.values(d.orgUnits).map((ou) => orgUnitEntryItem(d, ou)),
    ...entriesOf(d).map((e) => dirEntryItem(d, e, emailDomain)),
  ];
  return out.sort((a, b) => a.internalId - b.internalId);
}

/**
 * The entries of every kind with this uid, in allDirEntries' order: what filtering it by uid
 * yields, read from the tables (at most one entry per kind) instead of listing the directory.
 */
function dirEntriesWithUid(d: DomainState, uid: string, emailDomain?: EntryEmailDomain): ItemValue<DirEntry>[] {
  const out: ItemValue<DirEntry>[] = [];
  if (d.item.uid === uid) out.push(domainEntryItem(d));
  const ou = own(d.orgUnits, uid);
  if (ou) out.push(orgUnitEntryItem(d, ou));
  for (const e of entriesWithUid(d, uid)) out.push(dirEntryItem(d, e, emailDomain));
  return out.sort((a, b) => a.internalId - b.internalId);
}

/** The first entry with this uid in allDirEntries' order. */
export function findDirEntry(d: DomainState, entryUid: string, emailDomain?: EntryEmailDomain): ItemValue<DirEntry> | undefined {
  return dirEntriesWithUid(d, entryUid, emailDomain)[0];
}

/** Users, groups and mailshares: the entries that own a mailbox. */
function mailboxEntry(d: DomainState, uid: string): AnyEntry | undefined {
  return findEntry(d, uid);
}

const FOLDER_KINDS: Record<string, DirKind> = {
  users: "USER", groups: "GROUP", resources: "RESOURCE", addressbooks: "ADDRESSBOOK", calendars: "CALENDAR",
  mailshares: "MAILSHARE", ous: "ORG_UNIT",
};

/**
 * DirEntryStore.path: `{domain}/{kind}/{uid}` → the entry with that uid (the first two parts are
 * not checked); `{domain}` → every entry; `{domain}/{kind}` → every entry of that kind.
 */
function entriesAtPath(d: DomainState, path: string, emailDomain?: EntryEmailDomain): ItemValue<DirEntry>[] {
  const comps = path.split("/");
  while (comps.length > 0 && comps[comps.length - 1] === "") comps.pop(); // Java's split drops trailing empties
  if (comps.length === 3) return dirEntriesWithUid(d, comps[2], emailDomain);
  const all = allDirEntries(d, emailDomain);
  if (comps.length <= 1) return all;
  const kind = own(FOLDER_KINDS, comps[1]);
  return kind ? all.filter((e) => e.value.kind === kind) : [];
}

// ---------------------------------------------------------------------------------------------
// DirEntryQuery (§3.12) and search

const KINDS: readonly DirKind[] = [
  "USER", "GROUP", "RESOURCE", "MAILSHARE", "CALENDAR", "ADDRESSBOOK", "DOMAIN", "ORG_UNIT", "EXTERNALUSER",
];

interface DirEntryQuery {
  order: { by: "kind" | "displayname"; dir: "asc" | "desc" };
  nameFilter: string | null;
  hiddenFilter: boolean;
  emailFilter: string | null;
  nameOrEmailFilter: string | null;
  stateFilter: "Archived" | "Active" | "All" | null;
  systemFilter: boolean;
  kindsFilter: DirKind[] | null;
  entries: string[] | null;
  accountTypeFilter: string | null;
  from: number;
  size: number;
  entryUidFilter: string[] | null;
  onlyManagable: boolean;
  orgUnitIds: string[] | null;
  dataLocation: string | null;
}


/**
 * The order: absent → displayname asc (DirEntryQuery.defaultOrder); an Order object with a null
 * `by` or `dir` makes DirEntryStore's `switch` throw a NullPointerException.
 */
function parseOrder(v: unknown): DirEntryQuery["order"] {
  if (v === undefined || v === null) return { by: "displayname", dir: "asc" };
  if (typeof v !== "object" || Array.isArray(v)) throw parseError();
  const o = v as Record<string, unknown>;
  const by = optEnum(o.by, ["kind", "displayname"] as const);
  const dir = optEnum(o.dir, ["asc", "desc"] as const);
  if (by === null || dir === null) throw npe();
  return { by, dir };
}

function parseQuery(raw: Record<string, unknown>): DirEntryQuery {
  const kinds = raw.kindsFilter === undefined || raw.kindsFilter === null ? null : raw.kindsFilter;
  if (kinds !== null && (!Array.isArray(kinds) || kinds.some((k) => !KINDS.includes(k)))) throw parseError();
  return {
    order: parseOrder(raw.order),
    nameFilter: optString(raw.nameFilter),
    hiddenFilter: primitive(raw.hiddenFilter, true),
    emailFilter: optString(raw.emailFilter),
    nameOrEmailFilter: optString(raw.nameOrEmailFilter),
    stateFilter: optEnum(raw.stateFilter, ["Archived", "Active", "All"] as const),
    systemFilter: primitive(raw.systemFilter, true),
    kindsFilter: kinds as DirKind[] | null,
    entries: optStrings(raw.entries),
    accountTypeFilter: optEnum(raw.accountTypeFilter, ["FULL", "SIMPLE", "FULL_AND_VISIO"] as const),
    from: primitive(raw.from, 0),
    size: primitive(raw.size, -1),
    entryUidFilter: optStrings(raw.entryUidFilter),
    onlyManagable: primitive(raw.onlyManagable, false),
    orgUnitIds: optStrings(raw.orgUnitIds),
    dataLocation: optString(raw.dataLocation),
  };
}

/** The WHERE clause of DirEntryStore.search, one predicate per filter (filters are unaccented). */
function matches(q: DirEntryQuery, e: DirEntry): boolean {
  const name = e.displayName === null ? null : unaccent(e.displayName);
  if (q.kindsFilter && q.kindsFilter.length > 0 && !q.kindsFilter.includes(e.kind)) return false;
  if (q.accountTypeFilter !== null && e.accountType !== q.accountTypeFilter) return false;
  if (q.nameFilter !== null && !ilike(name, `%${unaccent(q.nameFilter)}%`)) return false;
  if (q.nameOrEmailFilter !== null) {
    const pattern = `%${unaccent(q.nameOrEmailFilter)}%`;
    if (!ilike(e.email, pattern) && !ilike(name, pattern)) return false;
  }
  // emailFilter compares with the entry's default address only (dir.email).
  if (q.emailFilter !== null && !ilike(e.email, unaccent(q.emailFilter))) return false;
  if (q.hiddenFilter && e.hidden) return false;
  if (q.systemFilter && e.system) return false;
  if (q.entryUidFilter && q.entryUidFilter.length > 0 && !q.entryUidFilter.includes(e.entryUid)) return false;
  if (q.stateFilter === "Active" && e.archived) return false;
  if (q.stateFilter === "Archived" && !e.archived) return false;
  // orgUnitIds and dataLocation are the contract's (§3.12) later additions to DirEntryQuery.
  if (q.orgUnitIds && q.orgUnitIds.length > 0 && (e.orgUnitUid === null || !q.orgUnitIds.includes(e.orgUnitUid))) {
    return false;
  }
  if (q.dataLocation !== null && e.dataLocation !== q.dataLocation) return false;
  return true;
}

/**
 * ORDER BY dir.displayname | dir.kind, ASC | DESC. `kind` is a text column, so kinds sort
 * alphabetically; PostgreSQL puts NULLs last ascending and first descending. Ties keep
 * creation order.
 */
function compareEntries(q: DirEntryQuery): (a: ItemValue<DirEntry>, b: ItemValue<DirEntry>) => number {
  const key = (e: ItemValue<DirEntry>) => (q.order.by === "kind" ? e.value.kind : e.value.displayName);
  const sign = q.order.dir === "desc" ? -1 : 1;
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka === kb) return a.internalId - b.internalId;
    if (ka === null) return 1 * sign;
    if (kb === null) return -1 * sign;
    return sign * ka.localeCompare(kb, "en");
  };
}

function search(ctx: Ctx, d: DomainState, q: DirEntryQuery): { values: ItemValue<DirEntry>[]; total: number } {
  if (q.emailFilter !== null && q.emailFilter !== "") {
    if (!isEmail(q.emailFilter.toLowerCase())) throw invalid("emailFilter is not valid ");
    // An address outside the domain and its aliases cannot belong to this directory.
    if (!Store.domainNames(d).includes(q.emailFilter.split("@")[1])) return { values: [], total: 0 };
  }
  if (q.entries !== null) {
    // Explicit uids: the other filters are ignored; total is the number of uids asked for.
    const to = q.size > 0 ? Math.min(Math.max(q.from, 0) + q.size, q.entries.length) : q.entries.length;
    const uids = javaSubList(q.entries, Math.max(q.from, 0), to);
    return { values: multiple(d, uids, ctx.emu.release.entryEmailDomain), total: q.entries.length };
  }
  if (q.from < 0) throw unknownFault("ERROR: OFFSET must not be negative");
  let found = allDirEntries(d, ctx.emu.release.entryEmailDomain).filter((e) => matches(q, e.value));
  if (q.onlyManagable) found = found.filter((e) => canManageKind(ctx, d, e.value.kind));
  found.sort(compareEntries(q));
  const page = q.size > 0 ? found.slice(q.from, q.from + q.size) : found.slice(q.from);
  // Without a size the server skips the COUNT query: total is then the size of the page.
  return { values: page, total: q.size > 0 ? found.length : page.length };
}

/**
 * getMultiple: entries by uid, unknown uids skipped. Of several entries sharing a uid, the last in
 * allDirEntries' order answers (a map built from the whole list keeps the last one it meets).
 */
function multiple(d: DomainState, uids: string[], emailDomain?: EntryEmailDomain): ItemValue<DirEntry>[] {
  return uids.flatMap((uid) => {
    const e = dirEntriesWithUid(d, uid, emailDomain).at(-1);
    return e ? [e] : [];
  });
}

// ---------------------------------------------------------------------------------------------
// Cards, photos

/** The card of a group entry (GroupVCardAdapter): kind group, name, addresses. */
function groupCard(d: DomainState, e: AnyEntry): VCard {
  const card = emptyVCard();
  card.kind = "group";
  card.source = `bm://${d.item.uid}/groups/${e.item.uid}`;
  card.identification.formatedName = { value: e.item.value.name ?? e.item.displayName, parameters: [] };
  card.communications.emails = (e.item.value.emails ?? []).map((m) => ({
    value: m.address, parameters: [{ label: "DEFAULT", value: String(m.isDefault) }, { label: "TYPE", value: "work" }],
  }));
  return card;
}

/** The directory card of an entry: a mailshare's card, a user's contactInfos, a group's card. */
function cardOf(d: DomainState, e: AnyEntry): VCard {
  let card: VCard;
  if (e.kind === "MAILSHARE") card = structuredClone(d.mailshares[e.item.uid].value.card);
  else if (e.kind === "USER") card = structuredClone(d.users[e.item.uid].value.contactInfos);
  else card = groupCard(d, e);
  card.identification.photo = d.photos[e.item.uid] !== undefined;
  return card;
}

/**
 * The photo as IMailshare / IUser serve it: the stored one, else the entry kind's default image
 * (DirValueStoreService.getPhoto). The emulator has one default, the blank PNG, for every kind.
 */
export function storedPhoto(d: DomainState | undefined, uid: string): Buffer {
  return rawPhoto(d, uid) ?? BLANK_PNG;
}

/** The stored photo only (DirEntryStoreService.getPhoto): no default. */
function rawPhoto(d: DomainState | undefined, uid: string): Buffer | null {
  const stored = d?.photos[uid];
  return stored ? Buffer.from(stored, "base64") : null;
}

// ---------------------------------------------------------------------------------------------
// xfer

/** Why `serverUid` cannot receive mailboxes of the domain, or null when it can. */
function xferRefusal(ctx: Ctx, d: DomainState, serverUid: string): string | null {
  if (!ctx.emu.store.state.servers[serverUid]) return `destination server ${serverUid} not found`;
  if (!imapServers(ctx.emu.store, d.item.uid).includes(serverUid)) {
    return `destination server ${serverUid} is not assigned to ${d.item.uid} with tag mail/imap`;
  }
  return null;
}

/**
 * IDirectory.xfer: moves the mailbox of an entry to another backend and rewrites its
 * dataLocation. Runs as task `xfer-<entryUid>@<domainUid>`; the task runner refuses a second
 * start while one runs (500 UNKNOWN "already running"). Like Directory.doXfer, failures end
 * the task (not the call) and the result is `{}`.
 */
function startXfer(ctx: Ctx, d: DomainState, entryUid: string, serverUid: string): { id: string } {
  ctx.requireRole(d.item.uid, "manageMailbox", { entry: entryUid });
  const by = ctx.session!.userUid;
  const fail = (message: string) => Object.assign(new Error(message), { result: "{}" });
  return ctx.emu.tasks.start(async (t) => {
    const refusal = xferRefusal(ctx, d, serverUid);
    if (refusal) throw fail(refusal);
    const entry = mailboxEntry(d, entryUid);
    if (!entry) throw fail(`source entry ${entryUid} not found in ${d.item.uid}`);
    const source = entry.item.value.dataLocation;
    if (source === serverUid) {
      t.log(`${entry.mailboxName} is already on ${serverUid}: nothing to move`, 1);
      return "{}";
    }
    t.setSteps(4);
    t.log(`Moving mailbox ${entry.mailboxName} (${entryUid}) from ${source ?? "nowhere"} to ${serverUid}`, 0);
    await t.step();
    t.log("Copying containers and mailbox records", 1);
    await t.step();
    t.log("Moving mail storage", 1);
    await t.step();
    entry.item.value.dataLocation = serverUid;
    ctx.emu.store.touch(entry.item, by);
    t.log(`Mailbox ${entry.mailboxName} transferred to ${serverUid}`, 2);
    return "{}";
  }, `xfer-${entryUid}@${d.item.uid}`);
}

// ---------------------------------------------------------------------------------------------
// deleteByEntryUid

/** Roles the kind-specific delete services check (UserService, GroupService, OrgUnits, DomainsService). */
const DELETE_ROLE: Partial<Record<DirKind, string>> = {
  USER: "manageUser", GROUP: "manageGroup", ORG_UNIT: "manageOU", DOMAIN: "admin",
};

/**
 * Kind-dispatching delete (DirEntryHandler.entryDeleted): a mailshare goes through
 * IMailshare.delete itself; deleting the other kinds is not emulated, the task says so.
 */
function deleteEntry(ctx: Ctx, d: DomainState, entry: ItemValue<DirEntry>): { id: string } {
  const { kind, entryUid } = entry.value;
  if (kind === "MAILSHARE") return startMailshareDelete(ctx, d, entryUid);
  ctx.requireRole(d.item.uid, DELETE_ROLE[kind] ?? "admin");
  return ctx.emu.tasks.start(async () => {
    throw new Error(`deleting a ${kind} entry (${entryUid}) is not supported by the emulator`);
  });
}

function deleteByEntryUid(ctx: Ctx, d: DomainState, entryUid: string): { id: string } {
  requireDirectoryRead(ctx, d);
  const entry = findDirEntry(d, entryUid);
  if (!entry) throw notFound(`entry ${entryUid} doesnt exists`);
  return deleteEntry(ctx, d, entry);
}

/** Directory.delete: the path must designate exactly one entry (a folder path lists many). */
function deleteByPath(ctx: Ctx, d: DomainState, path: string): { id: string } {
  requireDirectoryRead(ctx, d);
  const found = entriesAtPath(d, path);
  if (found.length === 0) throw notFound(`entry ${path} doesnt exists`);
  if (found.length > 1) throw new ServerFault("INVALID_QUERY", `entry ${path} has children`);
  return deleteEntry(ctx, d, found[0]);
}

// ---------------------------------------------------------------------------------------------

export function register(r: Router, release: Release): void {
  const base = "/api/directory/{domain}";
  const emailDomain = release.entryEmailDomain;
  const domainOf = (ctx: Ctx) => ctx.emu.store.domain(ctx.params.domain);

  r.get(base, (ctx) => {
    const d = domainOf(ctx);
    requireDirectoryRead(ctx, d);
    return domainEntryItem(d).value;
  });

  // getEntry: the first entry at a path (a warning is all the server gives for several).
  r.post(`${base}/_entry`, (ctx) => {
    const d = domainOf(ctx);
    requireDirectoryRead(ctx, d);
    const path = ctx.text();
    if (path === null) throw npe();
    return entriesAtPath(d, path, emailDomain)[0]?.value ?? null;
  });

  // getEntries: the entries at a path minus the one whose own path it is (a folder path lists its
  // entries, an entry path lists nothing).
  r.post(`${base}/_childs`, (ctx) => {
    const d = domainOf(ctx);
    requireDirectoryRead(ctx, d);
    const path = ctx.text();
    if (path === null) throw npe();
    return entriesAtPath(d, path, emailDomain).filter((e) => e.value.path !== path).map((e) => e.value);
  });

  r.get(`${base}/entry-uid/{entryUid}`, (ctx) => {
    const d = domainOf(ctx);
    // DirectoryService.findByEntryUid short-circuits the reserved uid `system`.
    if (ctx.params.entryUid === "system") return null;
    requireDirectoryRead(ctx, d);
    return findDirEntry(d, ctx.params.entryUid, emailDomain)?.value ?? null;
  });

  r.get(`${base}/_byEmail/{email}`, (ctx) => {
    const d = domainOf(ctx);
    requireDirectoryRead(ctx, d);
    const email = ctx.params.email.toLowerCase();
    if (!isEmail(email)) throw invalid("emailFilter is not valid ");
    const owner = entryByEmail(d, email);
    return owner ? dirEntryItem(d, owner, emailDomain).value : null;
  });

  r.post(`${base}/_search`, (ctx) => {
    const d = domainOf(ctx);
    requireDirectoryRead(ctx, d);
    const raw = ctx.json();
    if (raw === null) throw invalid("Invalid parameter");
    if (typeof raw !== "object" || Array.isArray(raw)) throw parseError();
    return search(ctx, d, parseQuery(raw as Record<string, unknown>));
  });

  r.post(`${base}/_mget`, (ctx) => {
    const d = domainOf(ctx);
    requireDirectoryRead(ctx, d);
    const uids = ctx.list<unknown>();
    if (uids.some((u) => typeof u !== "string")) throw parseError();
    return multiple(d, uids as string[], emailDomain);
  });

  // getVCard, getEntryPhoto and getEntryIcon carry no read check in Directory.java.
  r.get(`${base}/{uid}/_vcard`, (ctx) => {
    const d = domainOf(ctx);
    const entry = mailboxEntry(d, ctx.params.uid);
    if (!entry) return null;
    return { ...structuredClone(entry.item), value: cardOf(d, entry) };
  });

  // The stored photo only: null (204) for an entry that has none (DirEntryStoreService.getPhoto).
  r.get(`${base}/entry-uid/{entryUid}/photo`, (ctx) => {
    const photo = rawPhoto(domainOf(ctx), ctx.params.entryUid);
    return photo ? new PngResult(photo) : null;
  });

  // The icon goes through the kind's handler, which falls back to a default image: only an
  // unknown entry is null (204). The emulator serves the photo as the icon (no 22×22 resampling).
  r.get(`${base}/entry-uid/{entryUid}/icon`, (ctx) => {
    const d = domainOf(ctx);
    if (!findDirEntry(d, ctx.params.entryUid)) return null;
    return new PngResult(storedPhoto(d, ctx.params.entryUid));
  });

  r.post(`${base}/_xfer/{entryUid}/{serverUid}`, (ctx) =>
    startXfer(ctx, domainOf(ctx), ctx.params.entryUid, ctx.params.serverUid));

  r.delete(`${base}/_byentryuid/{entryUid}`, (ctx) => deleteByEntryUid(ctx, domainOf(ctx), ctx.params.entryUid));

  // `{path}` is one segment: its slashes travel percent-encoded (`acme.test%2Fmailshares%2F<uid>`).
  r.delete(`${base}/{path}`, (ctx) => deleteByPath(ctx, domainOf(ctx), ctx.params.path));
}
