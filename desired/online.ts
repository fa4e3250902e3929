// Server cross-checks: what only the directory knows. Every lookup goes through `DirectoryLookups`, a
// read-only interface an adapter implements over the BlueMind client (tests use an in-memory fake), so
// this module never talks HTTP itself. Lookups answer null for "does not exist"; a lookup that cannot
// answer must throw (docs/architecture.md, rule 5: never mistake "could not read" for "absent").
import type { DesiredStateError, FieldPath } from "./errors";
import { didYouMean, shorten } from "./errors";
import { addressesOf, errorAt, isOwnAddress, type MailshareEntry } from "./crosscheck";
import { formatSize } from "./sizes";
import { normaliseReference } from "./normalise";
import type { RawShare } from "./model";

export interface DomainInfo {
  /** The domain name (= its uid). */
  name: string;
  aliases: string[];
  defaultAlias: string;
  /** `mailbox_max_publicfolder_quota` in KiB; 0 or null = no maximum; undefined = not known. */
  maxMailshareQuotaKiB?: number | null;
  /** Whether `mail_routing_relay` is set (needed by routing external); undefined = not known. */
  externalRoutingAvailable?: boolean;
}

export interface UserInfo { uid: string; login: string; email: string | null }
export interface GroupInfo { uid: string; name: string }
export interface OrgUnitInfo { uid: string; /** `/Europe/Paris` */ path: string }
export interface ServerInfo {
  uid: string;
  name: string;
  fqdn: string;
  /** Whether it is a `mail/imap` server assigned to the domain; undefined = not known. */
  imapForDomain?: boolean;
}
export type MailboxKind = "user" | "group" | "mailshare" | "resource" | "other";
export interface MailboxInfo { kind: MailboxKind; uid: string; name: string }

/** Read-only directory lookups; `domain` arguments are domain names (the answer of `domain()`). */
export interface DirectoryLookups {
  /** A domain by name or alias; null when unknown. */
  domain(nameOrAlias: string): Promise<DomainInfo | null>;
  /** A user by login or e-mail address. */
  user(domain: string, ref: string): Promise<UserInfo | null>;
  /** A group by name or e-mail address. */
  group(domain: string, ref: string): Promise<GroupInfo | null>;
  /** An org unit by path (`/Europe/Paris`) or uid. */
  orgUnit(domain: string, pathOrUid: string): Promise<OrgUnitInfo | null>;
  /** A server by name, fqdn or uid. */
  server(domain: string, ref: string): Promise<ServerInfo | null>;
  /** The mailbox (of any kind) that has this name in the domain. */
  mailboxByName(domain: string, name: string): Promise<MailboxInfo | null>;
  /** The mailbox that receives this address (explicit or allAliases); optional. */
  mailboxByEmail?(domain: string, address: string): Promise<MailboxInfo | null>;
}

/** Memoises lookups for one run: many mailshares name the same users, groups and servers. */
function memoised(lookups: DirectoryLookups): DirectoryLookups {
  const cache = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    if (!cache.has(key)) cache.set(key, load());
    return cache.get(key) as Promise<T>;
  };
  return {
    domain: (n) => once(`domain ${n}`, () => lookups.domain(n)),
    user: (d, r) => once(`user ${d} ${r}`, () => lookups.user(d, r)),
    group: (d, r) => once(`group ${d} ${r}`, () => lookups.group(d, r)),
    orgUnit: (d, r) => once(`ou ${d} ${r}`, () => lookups.orgUnit(d, r)),
    server: (d, r) => once(`server ${d} ${r}`, () => lookups.server(d, r)),
    mailboxByName: (d, n) => once(`mailbox ${d} ${n}`, () => lookups.mailboxByName(d, n)),
    mailboxByEmail: lookups.mailboxByEmail
      ? (d, a) => once(`email ${d} ${a}`, () => lookups.mailboxByEmail!(d, a))
      : undefined,
  };
}

/** A mailshare whose server cross-checks could not be made: a lookup failed (HTTP 500, a key without rights…). */
export interface UnverifiedMailshare {
  domain: string;
  name: string;
  /** Where the mailshare is declared. */
  file: string;
  line: number;
  column: number;
  /** `mailshares[2]`. */
  path: string;
  /** The lookup's error message. */
  error: string;
}

export interface OnlineResult {
  /** What the server's answers show to be wrong. */
  errors: DesiredStateError[];
  /** One per mailshare whose checks could not be made; their errors (if any) are not in `errors`. */
  unverified: { entry: MailshareEntry; error: string }[];
}

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Server cross-checks of the given (offline-valid) mailshares. `declared` is every mailshare the
 * files declare: an address or name currently held by one of them is not a conflict (it may be moving).
 * A lookup that fails (throws) never aborts the run nor counts as "absent": the mailshare whose check
 * needed it is listed in `unverified` with the error, and the others are still checked. A failing
 * domain lookup makes every mailshare of that domain unverified.
 */
export async function checkOnline(
  entries: readonly MailshareEntry[], lookups: DirectoryLookups, declared: readonly MailshareEntry[] = entries,
): Promise<OnlineResult> {
  const cached = memoised(lookups);
  const errors: DesiredStateError[] = [];
  const unverified: OnlineResult["unverified"] = [];
  const reportedDomains = new Set<string>();
  // The declared names of each domain, gathered once (not once per entry: O(N) instead of O(N²)).
  const declaredNames = new Map<string | null, Set<string>>();
  for (const d of declared) {
    let names = declaredNames.get(d.domain);
    if (!names) declaredNames.set(d.domain, (names = new Set()));
    names.add(d.value.name);
  }
  for (const entry of entries) {
    if (entry.domain === null) continue;
    let domain: DomainInfo | null;
    try {
      domain = await cached.domain(entry.domain);
    } catch (err) {
      unverified.push({ entry, error: messageOf(err) });
      continue;
    }
    if (!domain || domain.name !== entry.domain) {
      const key = `${entry.file} ${entry.domain}`;
      if (!reportedDomains.has(key)) {
        reportedDomains.add(key);
        const message = domain
          ? `expected the domain's name, found its alias ${entry.domain}: write domain: ${domain.name}`
          : `expected a domain of the server, found ${entry.domain}, which it does not know`;
        errors.push({ ...entry.map.locate(["domain"]), path: "domain", message });
      }
      continue;
    }
    try {
      for (const error of await checkEntry(entry, domain, cached, declaredNames.get(entry.domain) ?? new Set())) errors.push(error);
    } catch (err) {
      unverified.push({ entry, error: messageOf(err) });
    }
  }
  return { errors, unverified };
}

async function checkEntry(entry: MailshareEntry, domain: DomainInfo, lookups: DirectoryLookups, declaredNames: Set<string>): Promise<DesiredStateError[]> {
  return [
    ...await checkName(entry, domain, lookups),
    ...checkAddressDomains(entry, domain),
    ...await checkAddressOwners(entry, domain, lookups, declaredNames),
    ...await checkShares(entry, domain, lookups),
    ...await checkPlacement(entry, domain, lookups),
    ...checkDomainSettings(entry, domain),
  ];
}

async function checkName(entry: MailshareEntry, domain: DomainInfo, lookups: DirectoryLookups): Promise<DesiredStateError[]> {
  const holder = await lookups.mailboxByName(domain.name, entry.value.name);
  if (!holder || holder.kind === "mailshare") return [];
  return [errorAt(entry, ["name"],
    `name "${entry.value.name}" is already used by ${holder.kind} ${holder.name}: mailbox names are unique across users, groups and mailshares`)];
}

function checkAddressDomains(entry: MailshareEntry, domain: DomainInfo): DesiredStateError[] {
  const domains = [domain.name, ...domain.aliases];
  const expected = `an address at ${domains.join(" or ")}`;
  const errors: DesiredStateError[] = [];
  const check = (address: string, rel: FieldPath) => {
    const at = address.slice(address.lastIndexOf("@") + 1);
    if (!domains.includes(at)) errors.push(errorAt(entry, rel, `expected ${expected}, found ${shorten(address)}${didYouMean(at, domains)}`));
  };
  for (const { address, rel } of addressesOf(entry.raw)) check(address.address, rel);
  (entry.raw.identities ?? []).forEach((identity, i) => {
    const email = identity.email.toLowerCase();
    const at = email.slice(email.lastIndexOf("@") + 1);
    // An identity reached through an allDomains local part must use one of the domain's names.
    if (!isOwnAddress(entry.value, email, domains) && isOwnAddress(entry.value, email)) {
      errors.push(errorAt(entry, ["identities", i, "email"], `expected ${expected}, found ${shorten(email)}${didYouMean(at, domains)}`));
    }
  });
  return errors;
}

async function checkAddressOwners(
  entry: MailshareEntry, domain: DomainInfo, lookups: DirectoryLookups, declaredNames: Set<string>,
): Promise<DesiredStateError[]> {
  if (!lookups.mailboxByEmail) return [];
  const errors: DesiredStateError[] = [];
  for (const { address, rel } of addressesOf(entry.raw)) {
    const local = address.address.slice(0, address.address.lastIndexOf("@"));
    const candidates = address.allDomains
      ? [domain.name, ...domain.aliases].map((d) => `${local}@${d}`)
      : [address.address];
    for (const candidate of candidates) {
      const holder = await lookups.mailboxByEmail(domain.name, candidate);
      const isDeclaredMailshare = holder?.kind === "mailshare" && declaredNames.has(holder.name);
      if (holder && !isDeclaredMailshare) {
        errors.push(errorAt(entry, rel, `address ${candidate} is already used by ${holder.kind} ${holder.name} on the server: an address belongs to one mailbox only`));
        break;
      }
    }
  }
  return errors;
}

async function checkShares(entry: MailshareEntry, domain: DomainInfo, lookups: DirectoryLookups): Promise<DesiredStateError[]> {
  const errors: DesiredStateError[] = [];
  const seen = new Map<string, number>();
  const shares = entry.raw.shares ?? [];
  for (let i = 0; i < shares.length; i++) {
    const share = shares[i];
    const [kind, ref] = share.user !== undefined ? ["user", share.user] as const : ["group", share.group ?? ""] as const;
    const found = kind === "user" ? await lookups.user(domain.name, ref) : await lookups.group(domain.name, ref);
    if (!found) {
      const how = kind === "user" ? "login or e-mail address" : "name or e-mail address";
      errors.push(errorAt(entry, ["shares", i, kind], `expected the ${how} of a ${kind} of ${domain.name}, found ${shorten(ref)}, which the server does not know`));
      continue;
    }
    const first = seen.get(found.uid);
    if (first === undefined) seen.set(found.uid, i);
    else if (sameWords(shares[first], share)) continue; // written the same way: the offline check reports it
    else errors.push(errorAt(entry, ["shares", i, kind], `${kind} ${shorten(ref)} is the same ${kind} as shares[${first}]: give each user or group one level`));
  }
  return errors;
}

function sameWords(a: RawShare, b: RawShare): boolean {
  const ref = (s: RawShare) => normaliseReference(s.user ?? s.group ?? "");
  return (a.user !== undefined) === (b.user !== undefined) && ref(a) === ref(b);
}

async function checkPlacement(entry: MailshareEntry, domain: DomainInfo, lookups: DirectoryLookups): Promise<DesiredStateError[]> {
  const errors: DesiredStateError[] = [];
  const { delegation, storageServer } = entry.value;
  if (delegation !== null && !(await lookups.orgUnit(domain.name, delegation))) {
    errors.push(errorAt(entry, ["delegation"], `expected an org unit of ${domain.name} (path such as /Europe/Paris, or uid), found ${shorten(delegation)}, which the server does not know`));
  }
  if (storageServer !== null) {
    const server = await lookups.server(domain.name, storageServer);
    if (!server) {
      errors.push(errorAt(entry, ["storageServer"], `expected a server name, fqdn or uid, found ${shorten(storageServer)}, which the server does not know`));
    } else if (server.imapForDomain === false) {
      errors.push(errorAt(entry, ["storageServer"], `expected a mail/imap server assigned to ${domain.name}, found ${shorten(storageServer)} (${shorten(server.fqdn)}), which is not`));
    }
  }
  return errors;
}

function checkDomainSettings(entry: MailshareEntry, domain: DomainInfo): DesiredStateError[] {
  const errors: DesiredStateError[] = [];
  const { routing, quota } = entry.value;
  if (routing === "external" && domain.externalRoutingAvailable === false) {
    errors.push(errorAt(entry, ["routing"], `routing external needs a relay host, but ${domain.name} has none configured (domain setting mail_routing_relay)`));
  }
  const max = domain.maxMailshareQuotaKiB;
  if (quota !== null && max && quota > max) {
    errors.push(errorAt(entry, ["quota"], `expected at most ${formatSize(max)} (the maximum mailshare quota of ${domain.name}), found ${formatSize(quota)}`));
  }
  return errors;
}
