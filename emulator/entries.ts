// Directory entries of a domain (users, groups, mailshares) seen uniformly: DirEntry views,
// default addresses, org unit paths, the lookups by uid, name and address, and the name / address
// uniqueness rules of the mailbox validator (docs/bluemind-api.md §2.2 step 6). Lookups by uid read
// the tables (keyed by uid); lookups by name or address read the index of ./entry-index.ts and
// re-check each candidate against the live entry, so they answer what a scan of every entry would.
import type { DirBaseValue, DirEntry, DirKind, Email, ItemValue, OrgUnitPath } from "./model";
import { Store, type DomainState } from "./store";
import { alreadyExists } from "./faults";
import { own } from "./table";
import { holdsAddress } from "./matching";
import {
  ENTRY_KINDS, directoryOrder, entryTable, filedUnder, localPartOf, mailboxNameOf,
  type EntryItem, type EntryKind, type EntryRef, type Filing,
} from "./entry-index";

export { normalizeGroupName } from "./entry-index";

export interface AnyEntry {
  kind: Extract<DirKind, "USER" | "GROUP" | "MAILSHARE">;
  item: ItemValue<DirBaseValue & { name?: string; login?: string; accountType?: string }>;
  /** The mailbox name: the login of a user, the name of a mailshare, `_<normalised name>` of a group. */
  mailboxName: string;
}

const FOLDER: Record<AnyEntry["kind"], string> = { USER: "users", GROUP: "groups", MAILSHARE: "mailshares" };

function anyEntry(kind: EntryKind, item: EntryItem): AnyEntry {
  return { kind, item, mailboxName: mailboxNameOf(kind, item.value) };
}

/** Every entry, in the directory's order: users, groups, mailshares, each table in its key order. */
export function entriesOf(d: DomainState): AnyEntry[] {
  const out: AnyEntry[] = [];
  for (const kind of ENTRY_KINDS) for (const item of Object.values(entryTable(d, kind))) out.push(anyEntry(kind, item));
  return out;
}

/** The entries with this uid, one per table at most, in the directory's order. */
export function entriesWithUid(d: DomainState, uid: string): AnyEntry[] {
  const out: AnyEntry[] = [];
  for (const kind of ENTRY_KINDS) {
    const item = own(entryTable(d, kind), uid);
    if (item) out.push(anyEntry(kind, item));
  }
  return out;
}

export function findEntry(d: DomainState, uid: string): AnyEntry | undefined {
  return entriesWithUid(d, uid)[0];
}

/**
 * The first entry, in the directory's order, filed under one of `filings` (of `kind` when given)
 * whose live value passes `holds`: what `entriesOf(d).find(holds)` answers, without the scan.
 */
function firstFiled(
  d: DomainState, filings: readonly (readonly [Filing, string])[], holds: (e: AnyEntry) => boolean, kind?: EntryKind,
): AnyEntry | undefined {
  for (const ref of candidates(d, filings, kind)) {
    const e = liveEntry(d, ref);
    if (e && holds(e)) return e;
  }
  return undefined;
}

function candidates(d: DomainState, filings: readonly (readonly [Filing, string])[], kind?: EntryKind): EntryRef[] {
  const refs = new Set<EntryRef>();
  for (const [filing, key] of filings) {
    for (const ref of filedUnder(d, filing, key)) if (kind === undefined || ref.kind === kind) refs.add(ref);
  }
  return [...refs].sort(directoryOrder);
}

function liveEntry(d: DomainState, ref: EntryRef): AnyEntry | undefined {
  const item = own(entryTable(d, ref.kind), ref.uid);
  return item ? anyEntry(ref.kind, item) : undefined;
}

/** The first entry (of `kind` when given) whose mailbox name is exactly `name`. */
export function entryByMailboxName(d: DomainState, name: string | null, kind?: EntryKind): AnyEntry | undefined {
  if (name === null) return undefined;
  return firstFiled(d, [["mailboxName", name]], (e) => e.mailboxName === name, kind);
}

/** The first user whose login is exactly `login`. */
export function userByLogin(d: DomainState, login: string): AnyEntry | undefined {
  return firstFiled(d, [["mailboxName", login]], (e) => e.item.value.login === login, "USER");
}

/** The first group whose name is exactly `name`. */
export function groupByName(d: DomainState, name: string): AnyEntry | undefined {
  return firstFiled(d, [["groupName", name]], (e) => e.item.value.name === name, "GROUP");
}

/** Whether an entry is delegated to the org unit. */
export function hasEntryInOrgUnit(d: DomainState, ouUid: string): boolean {
  return firstFiled(d, [["orgUnit", ouUid]], (e) => e.item.value.orgUnitUid === ouUid) !== undefined;
}

/** The default address: the `isDefault` one; an allAliases default is `local@<domain>` (default: the default alias). */
export function defaultEmail(d: DomainState, emails: Email[] | null | undefined, domain = d.item.value.defaultAlias): string | null {
  const def = (emails ?? []).find((e) => e.isDefault);
  if (!def) return null;
  if (!def.allAliases) return def.address;
  return `${def.address.split("@")[0]}@${domain}`;
}

/**
 * The domain part of an all-domains default address in a mailshare's entry email
 * (MailshareDirEntryAdapter): the domain uid in 4.x, the domain's default alias since 2022-10
 * (releases.ts `entryEmailDomain`).
 */
export type EntryEmailDomain = "uid" | "defaultAlias";

export function orgUnitPath(d: DomainState, ouUid: string | null): OrgUnitPath | null {
  if (!ouUid) return null;
  const ou = d.orgUnits[ouUid];
  if (!ou) return null;
  return { uid: ouUid, name: ou.value.name, parent: orgUnitPath(d, ou.value.parentUid) };
}

export function dirEntry(d: DomainState, e: AnyEntry, emailDomain: EntryEmailDomain = "defaultAlias"): DirEntry {
  const v = e.item.value;
  return {
    displayName: e.item.displayName,
    entryUid: e.item.uid,
    accountType: e.kind === "USER" ? v.accountType ?? "FULL" : null,
    kind: e.kind,
    path: `${d.item.uid}/${FOLDER[e.kind]}/${e.item.uid}`,
    email: defaultEmail(d, v.emails, e.kind === "MAILSHARE" && emailDomain === "uid" ? d.item.uid : undefined),
    hidden: v.hidden,
    system: v.system,
    archived: v.archived,
    emails: v.emails,
    orgUnitUid: v.orgUnitUid,
    orgUnitPath: orgUnitPath(d, v.orgUnitUid),
    dataLocation: v.dataLocation,
  };
}

/** An ItemValue<DirEntry> as directory search and _mget return them. */
export function dirEntryItem(d: DomainState, e: AnyEntry, emailDomain?: EntryEmailDomain): ItemValue<DirEntry> {
  return { ...e.item, value: dirEntry(d, e, emailDomain) };
}

/**
 * The first entry (of `kind` when given) owning `address`: an explicit address, compared as sent,
 * or an allAliases address of the same local part when the domain part is a domain name.
 */
export function entryByEmail(d: DomainState, address: string, kind?: EntryKind): AnyEntry | undefined {
  const [local, domainPart] = address.split("@");
  const filings: [Filing, string][] = [["address", address]];
  if (Store.domainNames(d).includes(domainPart)) filings.push(["allAliasesLocalPart", local]);
  return firstFiled(d, filings, (e) => holdsAddress(d, e.item.value.emails, address), kind);
}

/** Mailbox names are unique among all mailboxes of the domain. */
export function checkMailboxName(d: DomainState, name: string, selfUid: string, lowerCase: boolean): void {
  const wanted = lowerCase ? name.toLowerCase() : name;
  const clash = firstFiled(d, [["mailboxName", wanted]], (e) => e.item.uid !== selfUid && e.mailboxName === wanted);
  if (clash) throw alreadyExists(`Mail name: ${name} already used`);
}

/**
 * MailboxValidator.validateEmailsListIntegrity: one pass in list order, so the address named is
 * the later one of a clash. A second default names itself and the first default; a local part
 * seen before clashes when this address or the last one seen with that local part is allAliases.
 */
export function checkOwnEmails(emails: Email[]): void {
  const seen = new Set<string>();
  const allAliasesByLocal = new Map<string, boolean>();
  let defaultAddress: string | null = null;
  for (const e of emails) {
    if (e.isDefault && defaultAddress !== null) {
      throw alreadyExists(`There is more than one default address (at least ${e.address} and ${defaultAddress})`);
    }
    if (e.isDefault) defaultAddress = e.address;
    if (seen.has(e.address)) throw alreadyExists(`${e.address} is duplicate`);
    seen.add(e.address);
    const local = e.address.split("@")[0];
    if (allAliasesByLocal.has(local) && (allAliasesByLocal.get(local) || e.allAliases)) {
      throw alreadyExists(`${e.address} is duplicate`);
    }
    allAliasesByLocal.set(local, e.allAliases);
  }
}

/**
 * Uniqueness against every other entry: an existing allAliases address collides with any new
 * address of the same local part, a new allAliases address with any existing one of that local
 * part, plain addresses on the full address; and any entry of any domain whose default email is
 * one of the addresses collides. The message lists the addresses in the order a scan of the
 * domain's entries, then their addresses, then these addresses meets them, then the defaults
 * domain by domain, entry by entry.
 */
export function checkEmailsFree(store: Store, d: DomainState, selfUid: string, name: string, emails: Email[]): void {
  const used = new Set(sameDomainClashes(d, selfUid, emails));
  for (const other of Object.values(store.state.domains)) {
    for (const address of defaultClashes(other, selfUid, emails)) used.add(address);
  }
  if (used.size > 0) {
    throw alreadyExists(`Following emails of mailbox ${selfUid}:${name} are already in use: ${[...used].join(",")}`);
  }
}

/** The addresses of `emails` another entry of the domain holds, in scan order (entry, theirs, mine). */
function sameDomainClashes(d: DomainState, selfUid: string, emails: Email[]): string[] {
  const clashes: { address: string; entry: EntryRef; theirs: number; mine: number }[] = [];
  emails.forEach((mine, j) => {
    const local = localPartOf(mine.address);
    const filings: [Filing, string][] = [["address", mine.address], ["allAliasesLocalPart", local]];
    if (mine.allAliases) filings.push(["localPart", local]);
    // Candidates come in directory order: the first one that clashes is where the scan met `mine`.
    for (const ref of candidates(d, filings)) {
      const e = ref.uid === selfUid ? undefined : liveEntry(d, ref);
      const theirs = (e?.item.value.emails ?? []).findIndex((t) =>
        t.address === mine.address || ((t.allAliases || mine.allAliases) && localPartOf(t.address) === local));
      if (theirs < 0) continue;
      clashes.push({ address: mine.address, entry: ref, theirs, mine: j });
      break;
    }
  });
  clashes.sort((a, b) => directoryOrder(a.entry, b.entry) || a.theirs - b.theirs || a.mine - b.mine);
  return clashes.map((c) => c.address);
}

/** The addresses of `emails` that are the default address of another entry of `other`, in scan order. */
function defaultClashes(other: DomainState, selfUid: string, emails: Email[]): string[] {
  const filings: [Filing, string][] = [];
  for (const mine of emails) {
    filings.push(["defaultAddress", mine.address]);
    // An allAliases default reads `local@<defaultAlias>`.
    const at = mine.address.indexOf("@");
    if (at >= 0 && mine.address.slice(at + 1) === other.item.value.defaultAlias) {
      filings.push(["defaultAllAliasesLocalPart", mine.address.slice(0, at)]);
    }
  }
  const out: string[] = [];
  for (const ref of candidates(other, filings)) {
    const e = ref.uid === selfUid ? undefined : liveEntry(other, ref);
    const def = e ? defaultEmail(other, e.item.value.emails) : null;
    if (def && emails.some((m) => m.address === def)) out.push(def);
  }
  return out;
}
