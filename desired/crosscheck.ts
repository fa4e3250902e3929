// Offline cross-checks: rules between fields, mailshares and files that a JSON Schema cannot express.
// Per mailshare: routing vs addresses, identity addresses, auto-reply dates, duplicate share subjects,
// filter and identity names, forwarding. Across all loaded files: a mailshare declared twice, an
// address used twice (including BlueMind's allAliases rule: an all-domains address owns its local part
// on every domain of the domain).
import type { DesiredStateError, FieldPath, Issue } from "./errors";
import { formatPath, shorten } from "./errors";
import type { Address, CanonicalMailshare, RawMailshare, SourceLocation } from "./model";
import { normaliseAddress, normaliseReference } from "./normalise";
import { formatDate } from "./dates";
import type { SourceMap } from "./parse";

/** A schema-valid mailshare of a file, with its canonical form and where it lives. */
export interface MailshareEntry {
  /** Lower-case domain of the file; null when the file's `domain` is itself invalid. */
  domain: string | null;
  raw: RawMailshare;
  value: CanonicalMailshare;
  file: string;
  /** `["mailshares", i]`. */
  path: FieldPath;
  map: SourceMap;
}

export function locate(entry: MailshareEntry, rel: FieldPath, atKey = false): SourceLocation {
  return entry.map.locate([...entry.path, ...rel], atKey);
}

export function errorAt(entry: MailshareEntry, rel: FieldPath, message: string, atKey = false): DesiredStateError {
  return { ...locate(entry, rel, atKey), path: formatPath([...entry.path, ...rel]), message };
}

/** `file:line:col` of a field, to name the other place in a message. */
export function placeOf(entry: MailshareEntry, rel: FieldPath): string {
  const at = locate(entry, rel);
  return `${at.file}:${at.line}:${at.column}`;
}

const localPart = (address: string) => address.slice(0, address.lastIndexOf("@"));
const domainPart = (address: string) => address.slice(address.lastIndexOf("@") + 1);

const describeAddress = (a: Address) => (a.allDomains ? `${a.address} (allDomains)` : a.address);

/** The mailshare's addresses with the path where each is written (aliases by their written index). */
export function addressesOf(raw: RawMailshare): { address: Address; rel: FieldPath }[] {
  const out: { address: Address; rel: FieldPath }[] = [];
  if (raw.email != null) out.push({ address: normaliseAddress(raw.email), rel: ["email"] });
  (raw.aliases ?? []).forEach((a, i) => out.push({ address: normaliseAddress(a), rel: ["aliases", i] }));
  return out;
}

/**
 * Whether `email` reaches the mailshare: one of its addresses, or the local part of an allDomains
 * address (at which domains is only known online: `domains` = the domain and its aliases when known).
 */
export function isOwnAddress(value: CanonicalMailshare, email: string, domains?: readonly string[]): boolean {
  const all = value.email ? [value.email, ...value.aliases] : value.aliases;
  return all.some((a) => a.address === email || (a.allDomains && localPart(a.address) === localPart(email) &&
    (domains === undefined || domains.includes(domainPart(email)) || domainPart(a.address) === domainPart(email))));
}

type MailshareKey = keyof RawMailshare;

/** Each rule with the fields it reads: a rule is skipped when one of them had a schema error. */
const MAILSHARE_RULES: readonly { reads: readonly MailshareKey[]; check: (raw: RawMailshare, value: CanonicalMailshare) => Issue[] }[] = [
  { reads: ["routing", "email", "aliases"], check: checkRouting },
  { reads: ["identities", "email", "aliases"], check: checkIdentities },
  { reads: ["autoReply"], check: checkAutoReply },
  { reads: ["shares"], check: (raw) => checkShares(raw) },
  { reads: ["filters"], check: (raw) => duplicateNames(raw.filters ?? [], "filters", "filter") },
  { reads: ["forwarding", "filters", "email", "aliases"], check: checkForwarding },
];

/**
 * Rules inside one mailshare (paths relative to it). `invalid` names the fields that failed the schema
 * and were set aside: rules reading them are skipped, so they cannot report consequences of that error.
 */
export function checkMailshare(raw: RawMailshare, value: CanonicalMailshare, invalid: ReadonlySet<string> = new Set()): Issue[] {
  return MAILSHARE_RULES.filter((rule) => !rule.reads.some((key) => invalid.has(key))).flatMap((rule) => rule.check(raw, value));
}

function checkRouting(raw: RawMailshare, value: CanonicalMailshare): Issue[] {
  const issues: Issue[] = [];
  const addresses = addressesOf(raw);
  if (raw.routing === "none" && addresses.length > 0) {
    issues.push({
      path: ["routing"],
      message: `expected no addresses with routing none (it receives no mail), found ${addresses.map((a) => describeAddress(a.address)).join(", ")}: remove email and aliases, or use routing internal`,
    });
  }
  if (raw.routing !== undefined && raw.routing !== "none" && value.email === null) {
    issues.push({ path: ["routing"], message: `routing ${raw.routing} needs an address, found no email: set email, or use routing none` });
  }
  if (value.email === null && value.aliases.length > 0) {
    issues.push({ path: ["aliases"], message: "aliases need a primary address, found no email: set email (the aliases are extra addresses)" });
  }
  return issues;
}

function checkIdentities(raw: RawMailshare, value: CanonicalMailshare): Issue[] {
  const identities = raw.identities ?? [];
  const issues = duplicateNames(identities, "identities", "identity");
  const known = [...new Set((value.email ? [value.email, ...value.aliases] : value.aliases).map(describeAddress))];
  identities.forEach((identity, i) => {
    const email = identity.email.toLowerCase();
    if (!isOwnAddress(value, email)) {
      issues.push({
        path: ["identities", i, "email"],
        message: known.length === 0
          ? `expected one of the mailshare's addresses, found "${shorten(email)}" but the mailshare has none`
          : `expected one of the mailshare's addresses (${known.join(", ")}), found "${shorten(email)}"`,
      });
    }
  });
  const defaults = identities.map((identity, i) => (identity.default ? i : -1)).filter((i) => i >= 0);
  for (const i of defaults.slice(1)) {
    issues.push({ path: ["identities", i, "default"], message: `expected at most one default identity, found another one at identities[${defaults[0]}]` });
  }
  return issues;
}

function checkAutoReply(raw: RawMailshare, value: CanonicalMailshare): Issue[] {
  const reply = value.autoReply;
  if (!reply) return [];
  const issues: Issue[] = [];
  if (reply.start !== null && reply.end !== null && reply.end <= reply.start) {
    issues.push({ path: ["autoReply", "end"], message: `expected an end after the start (${formatDate(reply.start)}), found ${formatDate(reply.end)}` });
  }
  // BlueMind's MailFilterValidator refuses an enabled vacation whose subject is null or empty.
  if (reply.enabled && reply.subject === "") {
    const given = raw.autoReply?.subject !== undefined;
    issues.push({
      path: given ? ["autoReply", "subject"] : ["autoReply"],
      message: `expected a subject for an enabled automatic reply, found ${given ? "an empty one" : "none"}: ` +
        "BlueMind refuses an enabled automatic reply without a subject; write one, or set enabled: false",
    });
  }
  return issues;
}

function checkShares(raw: RawMailshare): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  (raw.shares ?? []).forEach((share, i) => {
    const [kind, ref] = share.user !== undefined ? ["user", share.user] : ["group", share.group ?? ""];
    const key = `${kind} ${normaliseReference(ref)}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else issues.push({ path: ["shares", i, kind], message: `${kind} ${shorten(ref)} is already shared at shares[${first}]: give each user or group one level` });
  });
  return issues;
}

function duplicateNames(items: readonly { name: string }[], list: string, what: string): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const first = seen.get(item.name);
    if (first === undefined) seen.set(item.name, i);
    else issues.push({ path: [list, i, "name"], message: `${what} name "${shorten(item.name)}" is already used by ${list}[${first}]: names must be unique within a mailshare` });
  });
  return issues;
}

function checkForwarding(raw: RawMailshare, value: CanonicalMailshare): Issue[] {
  const issues: Issue[] = [];
  const forwarding = raw.forwarding;
  if (forwarding && (forwarding.enabled ?? true) && (forwarding.to ?? []).length === 0) {
    issues.push({
      path: forwarding.to ? ["forwarding", "to"] : ["forwarding"],
      message: "forwarding is enabled but has no addresses: list them in `to`, or set enabled: false",
    });
  }
  const loop = (address: string, path: FieldPath) => {
    if (isOwnAddress(value, address.toLowerCase())) {
      issues.push({ path, message: `expected an address other than the mailshare's own, found "${shorten(address)}" (forwarding to itself loops; BlueMind refuses it)` });
    }
  };
  (forwarding?.to ?? []).forEach((address, i) => loop(address, ["forwarding", "to", i]));
  (raw.filters ?? []).forEach((filter, f) => filter.actions.forEach((action, a) =>
    (action.forwardTo ?? []).forEach((address, i) => loop(address, ["filters", f, "actions", a, "forwardTo", i]))));
  return issues;
}

/** Rules across every loaded mailshare: each declared once, each address owned by one mailshare. */
export function checkAcross(entries: readonly MailshareEntry[]): DesiredStateError[] {
  const errors: DesiredStateError[] = [];
  const declared = new Map<string, MailshareEntry>();
  const unique: MailshareEntry[] = [];
  for (const entry of entries) {
    if (entry.domain === null) continue;
    const key = `${entry.domain} ${entry.value.name}`;
    const first = declared.get(key);
    if (first) {
      errors.push(errorAt(entry, ["name"],
        `mailshare "${entry.value.name}" of ${entry.domain} is already declared at ${placeOf(first, ["name"])}: declare each mailshare once`));
    } else {
      declared.set(key, entry);
      unique.push(entry);
    }
  }
  return [...errors, ...checkAddressesAcross(unique)];
}

interface Owner {
  entry: MailshareEntry;
  address: Address;
  rel: FieldPath;
}

function checkAddressesAcross(entries: readonly MailshareEntry[]): DesiredStateError[] {
  const errors: DesiredStateError[] = [];
  const byAddress = new Map<string, Owner>();
  const byLocalPart = new Map<string, Owner[]>();
  for (const entry of entries) {
    for (const { address, rel } of addressesOf(entry.raw)) {
      const owner: Owner = { entry, address, rel };
      const clash = byAddress.get(address.address) ?? allDomainsClash(byLocalPart.get(`${entry.domain} ${localPart(address.address)}`) ?? [], address);
      if (clash) errors.push(errorAt(entry, rel, clashMessage(owner, clash)));
      else {
        byAddress.set(address.address, owner);
        const key = `${entry.domain} ${localPart(address.address)}`;
        byLocalPart.set(key, [...(byLocalPart.get(key) ?? []), owner]);
      }
    }
  }
  return errors;
}

/** BlueMind: an allAliases address collides with any other address of the same local part. */
function allDomainsClash(sameLocalPart: readonly Owner[], address: Address): Owner | undefined {
  return sameLocalPart.find((o) => o.address.allDomains || address.allDomains);
}

function clashMessage(owner: Owner, clash: Owner): string {
  const where = `${formatPath(clash.rel)} at ${placeOf(clash.entry, clash.rel)}`;
  const holder = clash.entry === owner.entry ? "this mailshare" : `mailshare ${clash.entry.value.name}`;
  if (clash.address.address === owner.address.address) {
    return `address ${owner.address.address} is already used by ${holder} (${where}): an address belongs to one mailbox only`;
  }
  const wide = clash.address.allDomains ? clash.address : owner.address;
  return `address ${owner.address.address} collides with ${clash.address.address} of ${holder} (${where}): ` +
    `${wide.address} has allDomains, so it owns the local part "${localPart(wide.address)}" on every domain of ${owner.entry.domain}`;
}
