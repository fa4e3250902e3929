// The directory entries of a domain (users, groups, mailshares) filed by name, address and org
// unit, so that a lookup costs the same at 10 and at 10,000 entries; and the only code that writes
// the entry tables: putEntry, replaceEntryValue, editEntryValue and removeEntry change a table and
// refile the entry in one step.
//
// Why the index cannot go stale:
// - it is a cache beside the persisted state, never part of it: built from the tables on first
//   use, rebuilt whenever a domain's tables are other objects than the ones it was built from (a
//   reload from state.json, a new seed);
// - the fields it files by (an entry's value slot, login, name, org unit and addresses) are made
//   read-only when filed, so an edit that bypasses this module fails loudly instead of silently;
// - it is only ever used as a superset: the lookups of entries.ts re-check each candidate against
//   the live entry, so an entry deleted from a table behind its back is never returned.
import type { DirBaseValue, ItemValue } from "./model";
import type { DomainState } from "./store";
import { own, type Table } from "./table";

export type EntryKind = "USER" | "GROUP" | "MAILSHARE";

/** The value fields of a user, group or mailshare that lookups read. */
export type EntryValue = DirBaseValue & { name?: string; login?: string; accountType?: string };
export type EntryItem = ItemValue<EntryValue>;

/** The directory's own order: users, then groups, then mailshares. */
export const ENTRY_KINDS: readonly EntryKind[] = ["USER", "GROUP", "MAILSHARE"];
const KIND_RANK: Record<EntryKind, number> = { USER: 0, GROUP: 1, MAILSHARE: 2 };

/** What an entry is filed under. */
export type Filing =
  /** The mailbox name: login, `_<normalised group name>`, mailshare name (exact, case-sensitive). */
  | "mailboxName"
  /** A group's name as given. */
  | "groupName"
  /** Each address, as stored. */
  | "address"
  /** The local part of each address. */
  | "localPart"
  /** The local part of each allAliases address (it answers at the domain and every alias). */
  | "allAliasesLocalPart"
  /** The first default address, when it is not allAliases. */
  | "defaultAddress"
  /** The local part of the first default address, when it is allAliases. */
  | "defaultAllAliasesLocalPart"
  | "orgUnit";

/** A filed entry: its table, its uid, and where its key stands in the table's key order. */
export interface EntryRef {
  readonly kind: EntryKind;
  readonly uid: string;
  /** Insertion order of the uid in its table (a key keeps its place when its value is replaced). */
  seq: number;
}

export function entryTable(d: DomainState, kind: EntryKind): Table<EntryItem> {
  const t = kind === "USER" ? d.users : kind === "GROUP" ? d.groups : d.mailshares;
  return t as unknown as Table<EntryItem>;
}

/** GroupHelper.normalizeGroupName: accents stripped, lower-cased, anything else than [a-z0-9-._] → `_`. */
export function normalizeGroupName(name: string): string {
  return name.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/[^a-z0-9._-]/g, "_");
}

/** The mailbox name: the login of a user, `_<normalised name>` of a group, the name of a mailshare. */
export function mailboxNameOf(kind: EntryKind, value: EntryValue): string {
  if (kind === "USER") return value.login as string;
  if (kind === "GROUP") return `_${normalizeGroupName(value.name as string)}`;
  return value.name as string;
}

export function localPartOf(address: string): string {
  return address.split("@")[0];
}

/** An array index key (`0` … `2^32-2`): objects list those first, in numeric order. */
function isArrayIndex(key: string): boolean {
  return /^(0|[1-9]\d{0,9})$/.test(key) && Number(key) <= 4294967294;
}

/**
 * The order in which a scan of the tables meets entries (entriesOf): by kind, then in the table's
 * key order — array-index uids first in numeric order, every other uid in insertion order.
 */
export function directoryOrder(a: EntryRef, b: EntryRef): number {
  const byKind = KIND_RANK[a.kind] - KIND_RANK[b.kind];
  if (byKind !== 0) return byKind;
  const ai = isArrayIndex(a.uid);
  const bi = isArrayIndex(b.uid);
  if (ai && bi) return Number(a.uid) - Number(b.uid);
  if (ai !== bi) return ai ? -1 : 1;
  return a.seq - b.seq;
}

const filingKey = (filing: Filing, key: string) => `${filing}\u0000${key}`;

/** Every filing key of an entry's value. */
function filingsOf(kind: EntryKind, value: EntryValue): Set<string> {
  const keys = new Set<string>();
  const file = (filing: Filing, key: unknown) => {
    if (typeof key === "string") keys.add(filingKey(filing, key));
  };
  if (kind !== "GROUP" || typeof value.name === "string") file("mailboxName", mailboxNameOf(kind, value));
  if (kind === "GROUP") file("groupName", value.name);
  file("orgUnit", value.orgUnitUid);
  const emails = value.emails ?? [];
  for (const m of emails) {
    if (typeof m.address !== "string") continue;
    file("address", m.address);
    file("localPart", localPartOf(m.address));
    if (m.allAliases) file("allAliasesLocalPart", localPartOf(m.address));
  }
  const def = emails.find((m) => m.isDefault);
  if (def && typeof def.address === "string") {
    if (def.allAliases) file("defaultAllAliasesLocalPart", localPartOf(def.address));
    else file("defaultAddress", def.address);
  }
  return keys;
}

interface Filed extends EntryRef {
  keys: Set<string>;
}

class EntryIndex {
  private readonly filed = new Map<string, Set<Filed>>();
  private readonly byUid: Record<EntryKind, Map<string, Filed>> = { USER: new Map(), GROUP: new Map(), MAILSHARE: new Map() };
  private readonly tables: readonly object[];
  private seq = 0;

  constructor(d: DomainState) {
    this.tables = [d.users, d.groups, d.mailshares];
    for (const kind of ENTRY_KINDS) {
      for (const item of Object.values(entryTable(d, kind))) this.file(kind, item, true);
    }
  }

  /** Whether the index was built from these very tables. */
  covers(d: DomainState): boolean {
    return this.tables[0] === d.users && this.tables[1] === d.groups && this.tables[2] === d.mailshares;
  }

  /** (Re)files a stored entry; `newKey` when its uid has just been added to the table (it goes last). */
  file(kind: EntryKind, item: EntryItem, newKey: boolean): void {
    const uid = item.uid;
    let entry = this.byUid[kind].get(uid);
    if (entry) this.unfileKeys(entry);
    else this.byUid[kind].set(uid, (entry = { kind, uid, seq: 0, keys: new Set() }));
    if (newKey || entry.seq === 0) entry.seq = ++this.seq;
    lockFiledFields(item);
    entry.keys = filingsOf(kind, item.value);
    for (const key of entry.keys) {
      let set = this.filed.get(key);
      if (!set) this.filed.set(key, (set = new Set()));
      set.add(entry);
    }
  }

  unfile(kind: EntryKind, uid: string): void {
    const entry = this.byUid[kind].get(uid);
    if (!entry) return;
    this.unfileKeys(entry);
    this.byUid[kind].delete(uid);
  }

  private unfileKeys(entry: Filed): void {
    for (const key of entry.keys) {
      const set = this.filed.get(key);
      set?.delete(entry);
      if (set?.size === 0) this.filed.delete(key);
    }
  }

  under(filing: Filing, key: string): readonly EntryRef[] {
    return [...(this.filed.get(filingKey(filing, key)) ?? [])];
  }

  /** A description of what is filed (kind, uid, keys), in directory order: equal for equal indexes. */
  describe(): string[] {
    const all = ENTRY_KINDS.flatMap((kind) => [...this.byUid[kind].values()]).sort(directoryOrder);
    return all.map((e) => `${e.kind} ${e.uid}: ${[...e.keys].sort().join(" | ")}`);
  }
}

/**
 * Makes the filed fields of a stored entry read-only, so that writing them anywhere but here throws
 * (emulator code is strict mode). Attributes do not travel: JSON, structuredClone and spreads give
 * ordinary writable copies, and a redefined property keeps its place in the key order.
 */
function lockFiledFields(item: EntryItem): void {
  Object.defineProperty(item, "value", { writable: false });
  const value = item.value;
  for (const key of ["login", "name", "orgUnitUid", "emails"] as const) {
    if (Object.hasOwn(value, key)) Object.defineProperty(value, key, { writable: false });
  }
  if (Array.isArray(value.emails)) {
    for (const m of value.emails) Object.freeze(m);
    Object.freeze(value.emails);
  }
}

const INDEXES = new WeakMap<DomainState, EntryIndex>();

function indexOf(d: DomainState): EntryIndex {
  let index = INDEXES.get(d);
  if (!index || !index.covers(d)) INDEXES.set(d, (index = new EntryIndex(d)));
  return index;
}

/** The entries filed under `key`, unordered; a superset of the live answer (callers re-check). */
export function filedUnder(d: DomainState, filing: Filing, key: string): readonly EntryRef[] {
  return indexOf(d).under(filing, key);
}

/** Stores a new entry, or one in place of the entry with its uid, and files it. */
export function putEntry(d: DomainState, kind: EntryKind, item: EntryItem): void {
  const index = indexOf(d);
  const table = entryTable(d, kind);
  const newKey = !Object.hasOwn(table, item.uid);
  table[item.uid] = item;
  index.file(kind, item, newKey);
}

/** Replaces the value of a stored entry and refiles it. */
export function replaceEntryValue<T extends EntryValue>(d: DomainState, kind: EntryKind, item: ItemValue<T>, value: T): void {
  const index = indexOf(d);
  Object.defineProperty(item, "value", { value });
  index.file(kind, item, false);
}

/**
 * Edits the value of a stored entry: `edit` gets a copy, which then replaces the value. What tests
 * that change an entry behind the API's back use (the filed fields of the stored value are read-only).
 */
export function editEntryValue(d: DomainState, kind: EntryKind, uid: string, edit: (value: EntryValue) => void): void {
  const item = own(entryTable(d, kind), uid);
  if (!item) throw new Error(`no ${kind} ${uid} in ${d.item.uid}`);
  const value = structuredClone(item.value);
  edit(value);
  replaceEntryValue(d, kind, item, value);
}

/** Removes an entry from its table and from the index. */
export function removeEntry(d: DomainState, kind: EntryKind, uid: string): void {
  const index = indexOf(d);
  delete entryTable(d, kind)[uid];
  index.unfile(kind, uid);
}

/**
 * Whether the domain's index files exactly what a fresh build from its tables would, in the same
 * order: what tests check after every kind of write.
 */
export function indexIsCurrent(d: DomainState): boolean {
  const live = indexOf(d).describe();
  const fresh = new EntryIndex(d).describe();
  return live.length === fresh.length && live.every((line, i) => line === fresh[i]);
}
