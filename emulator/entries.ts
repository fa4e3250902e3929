// Directory entries of a domain (users, groups, mailshares) seen uniformly: DirEntry views,
// default addresses, org unit paths, and the name / address uniqueness rules of the mailbox
// validator (docs/bluemind-api.md §2.2 step 6).
import type { DirBaseValue, DirEntry, DirKind, Email, ItemValue, OrgUnitPath } from "./model";
import { Store, type DomainState } from "./store";
import { alreadyExists } from "./faults";

export interface AnyEntry {
  kind: Extract<DirKind, "USER" | "GROUP" | "MAILSHARE">;
  item: ItemValue<DirBaseValue & { name?: string; login?: string; accountType?: string }>;
  /** The mailbox name: the login of a user, the name of a mailshare, `_<normalised name>` of a group. */
  mailboxName: string;
}

const FOLDER: Record<AnyEntry["kind"], string> = { USER: "users", GROUP: "groups", MAILSHARE: "mailshares" };

/** GroupHelper.normalizeGroupName: accents stripped, lower-cased, anything else than [a-z0-9-._] → `_`. */
export function normalizeGroupName(name: string): string {
  return name.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase().replace(/[^a-z0-9._-]/g, "_");
}

export function entriesOf(d: DomainState): AnyEntry[] {
  const out: AnyEntry[] = [];
  for (const item of Object.values(d.users)) out.push({ kind: "USER", item, mailboxName: item.value.login });
  for (const item of Object.values(d.groups)) {
    out.push({ kind: "GROUP", item, mailboxName: `_${normalizeGroupName(item.value.name)}` });
  }
  for (const item of Object.values(d.mailshares)) out.push({ kind: "MAILSHARE", item, mailboxName: item.value.name });
  return out;
}

export function findEntry(d: DomainState, uid: string): AnyEntry | undefined {
  return entriesOf(d).find((e) => e.item.uid === uid);
}

/** The default address: the `isDefault` one; an allAliases default is `local@<defaultAlias>`. */
export function defaultEmail(d: DomainState, emails: Email[] | null | undefined): string | null {
  const def = (emails ?? []).find((e) => e.isDefault);
  if (!def) return null;
  if (!def.allAliases) return def.address;
  return `${def.address.split("@")[0]}@${d.item.value.defaultAlias}`;
}

export function orgUnitPath(d: DomainState, ouUid: string | null): OrgUnitPath | null {
  if (!ouUid) return null;
  const ou = d.orgUnits[ouUid];
  if (!ou) return null;
  return { uid: ouUid, name: ou.value.name, parent: orgUnitPath(d, ou.value.parentUid) };
}

export function dirEntry(d: DomainState, e: AnyEntry): DirEntry {
  const v = e.item.value;
  return {
    displayName: e.item.displayName,
    entryUid: e.item.uid,
    accountType: e.kind === "USER" ? v.accountType ?? "FULL" : null,
    kind: e.kind,
    path: `${d.item.uid}/${FOLDER[e.kind]}/${e.item.uid}`,
    email: defaultEmail(d, v.emails),
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
export function dirEntryItem(d: DomainState, e: AnyEntry): ItemValue<DirEntry> {
  return { ...e.item, value: dirEntry(d, e) };
}

/** The entry owning `address` (explicit address, or an allAliases local part at a domain name). */
export function entryByEmail(d: DomainState, address: string): AnyEntry | undefined {
  const [local, domainPart] = address.split("@");
  const names = Store.domainNames(d);
  return entriesOf(d).find((e) =>
    (e.item.value.emails ?? []).some((m) =>
      m.address === address || (m.allAliases && names.includes(domainPart) && m.address.split("@")[0] === local),
    ),
  );
}

/** Mailbox names are unique among all mailboxes of the domain. */
export function checkMailboxName(d: DomainState, name: string, selfUid: string, lowerCase: boolean): void {
  const wanted = lowerCase ? name.toLowerCase() : name;
  const clash = entriesOf(d).find((e) => e.item.uid !== selfUid && e.mailboxName === wanted);
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
 * one of the addresses collides.
 */
export function checkEmailsFree(store: Store, d: DomainState, selfUid: string, name: string, emails: Email[]): void {
  const used = new Set<string>();
  const localOf = (a: string) => a.split("@")[0];
  for (const e of entriesOf(d)) {
    if (e.item.uid === selfUid) continue;
    for (const theirs of e.item.value.emails ?? []) {
      for (const mine of emails) {
        const sameLocal = localOf(theirs.address) === localOf(mine.address);
        if (theirs.address === mine.address || ((theirs.allAliases || mine.allAliases) && sameLocal)) used.add(mine.address);
      }
    }
  }
  for (const other of Object.values(store.state.domains)) {
    for (const e of entriesOf(other)) {
      if (e.item.uid === selfUid) continue;
      const def = defaultEmail(other, e.item.value.emails);
      if (def && emails.some((m) => m.address === def)) used.add(def);
    }
  }
  if (used.size > 0) {
    throw alreadyExists(`Following emails of mailbox ${selfUid}:${name} are already in use: ${[...used].join(",")}`);
  }
}
