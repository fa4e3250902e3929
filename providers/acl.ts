// `MailshareAcl`: the whole sharing list of a mailshare — which users and groups may read, write or
// manage it. Exact-set semantics: a share added by hand in the console shows up as drift and `up`
// removes it.
//
// BlueMind keeps the list as the ACL of the container `mailbox:acls-<uid>` (docs/bluemind-api.md §2.4),
// written as a whole (full replace), stored compacted and read back *expanded* (each verb with every
// verb it implies). Reads are therefore compacted again and each subject's verbs classified to the
// console's levels: an unchanged list shows no diff, and verbs the format cannot express (a `Manage`
// or `SendAs` alone, a `Write` without `SendAs`…) show as the level `custom(<verbs>)`, which differs
// from every desired level — drift that `up` reverts.
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import type * as pulumi from "@pulumi/pulumi";
import { defineProvider, type Props } from "./base";
import type { Runtime } from "./runtime";
import { goneNow, isUnreachable, mailshareExists, requireMailshare } from "./server";
import { validateSlice } from "./validate";
import { normaliseShares } from "../desired/normalise";
import { SHARE_LEVELS, type RawShare, type ShareLevel } from "../desired/model";
import { isNotFound, mailboxAclContainerUid } from "../bluemind";
import type { AccessControlEntry, DirEntry, Verb } from "../bluemind/types";
import type { Capabilities, Lattice } from "../bluemind/versions";

/** A level the format cannot express, named by the subject's compacted verbs: `custom(SendAs)`. */
export type CustomLevel = `custom(${string})`;
/** What a share holds: a level of the format, or (read back only) a custom one. */
export type AclLevel = ShareLevel | CustomLevel;
export type AclShare = { user: string; level: AclLevel } | { group: string; level: AclLevel };

/** The inputs of a MailshareAcl, in canonical form. */
export interface MailshareAclInputs extends Props {
  domain: string;
  /** The mailshare uid (the `uid` output of a `Mailshare`). */
  mailshare: string;
  /** Users first, then groups, by reference (desired/normalise.ts). */
  shares: AclShare[];
}

export interface MailshareAclOutputs extends Props {
  /**
   * The uid of each subject, by share key (`user:alice@acme.test`): reads name a subject the way the
   * inputs did (login or address) without looking it up again.
   */
  subjects: Record<string, string>;
}

const OWNED = ["shares"] as const;
const ID_SUFFIX = "/acl";

/**
 * The console's levels (admin console, AclCombo): read → Read, write → Write, manage ("admin") →
 * All. One meaning on every release — write = read, file, flag, delete and send — granted with the
 * verbs the release has (bluemind/versions.ts):
 * - 5.x: BlueMind adds SendAs to a subject that *gains* Write and keeps exactly what is sent for one
 *   that already had it (MailshareAclSanitize): re-sending a plain Write would drop SendAs. Sending
 *   it explicitly gives the console's result whatever the ACL was before (and on a 5.0 build older
 *   than that rule).
 * - 4.x has no SendAs: Write implies SendOnBehalf, so members send for the mailshare with a
 *   `Sender:` header naming them (check notes it).
 */
function levelVerbs(caps: Capabilities): Record<ShareLevel, readonly Verb[]> {
  return { read: ["Read"], write: caps.sendAs ? ["Write", "SendAs"] : ["Write"], manage: ["All"] };
}

/** Whether holding `held` grants `wanted` in `lattice` (a verb unknown to it implies only itself). */
const implies = (lattice: Lattice, held: Verb, wanted: Verb): boolean =>
  held === wanted || (lattice[held] ?? []).some((v) => implies(lattice, v, wanted));

/** BlueMind's stored form of one subject's verbs: those no other of its verbs implies, in enum order. */
function compact(lattice: Lattice, verbs: Iterable<Verb>): Verb[] {
  const order = Object.keys(lattice) as Verb[];
  const enumOrder = (v: Verb) => (order.includes(v) ? order.indexOf(v) : order.length);
  const distinct = [...new Set(verbs)];
  return distinct.filter((v) => !distinct.some((other) => other !== v && implies(lattice, other, v)))
    .sort((a, b) => enumOrder(a) - enumOrder(b) || (a < b ? -1 : 1));
}

/**
 * The compacted verbs of each subject of an ACL: 5.x reads it expanded, 4.x (and 5.0 builds before
 * 2023-10) as stored; compacting makes both the same.
 */
function verbsBySubject(lattice: Lattice, acl: readonly AccessControlEntry[]): Map<string, Verb[]> {
  const raw = new Map<string, Verb[]>();
  for (const e of acl) raw.set(e.subject, [...(raw.get(e.subject) ?? []), e.verb]);
  return new Map([...raw].map(([subject, verbs]) => [subject, compact(lattice, verbs)]));
}

/**
 * The level of a subject's compacted verbs: each level's own verbs, or for manage `Manage` with
 * the write verbs (`ReadExtended` allowed: `All` grants it); `Read` or `ReadExtended` → read;
 * anything else is a custom level, so it never equals a desired one.
 */
function levelOf(caps: Capabilities, verbs: readonly Verb[]): AclLevel {
  const is = (...exact: Verb[]) => verbs.length === exact.length && exact.every((v) => verbs.includes(v));
  const write = levelVerbs(caps).write;
  if (is("All") || is("Manage", ...write) || is("Manage", ...write, "ReadExtended")) return "manage";
  if (is(...write)) return "write";
  if (is("Read") || is("ReadExtended")) return "read";
  return `custom(${verbs.join("+")})`;
}

type SubjectKind = "user" | "group";
interface Subject {
  kind: SubjectKind;
  ref: string;
}

const subjectOf = (s: AclShare | RawShare): Subject =>
  "user" in s && s.user !== undefined ? { kind: "user", ref: s.user } : { kind: "group", ref: (s as { group: string }).group };
const keyOf = (s: Subject) => `${s.kind}:${s.ref}`;
const subjectOfKey = (key: string): Subject => {
  const colon = key.indexOf(":");
  return { kind: key.slice(0, colon) as SubjectKind, ref: key.slice(colon + 1) };
};
const shareOf = (s: Subject, level: AclLevel): AclShare => (s.kind === "user" ? { user: s.ref, level } : { group: s.ref, level });
const HOW_NAMED: Record<SubjectKind, string> = { user: "login or e-mail address", group: "name or e-mail address" };

/** In the canonical order (users, then groups, by reference), so a read compares equal to the inputs. */
const sorted = (shares: readonly AclShare[]): AclShare[] => normaliseShares({ shares: shares as unknown as RawShare[] }) as AclShare[];


/** The uid of a user (by login or address) or group (by name or address); null when unknown. */
async function uidOf(rt: Runtime, domain: string, s: Subject): Promise<string | null> {
  const found = s.kind === "user" ? await rt.client.resolve.user(domain, s.ref) : await rt.client.resolve.group(domain, s.ref);
  return found?.uid ?? null;
}

/** The server could not be asked (no connection configured, unreachable, unavailable). */

/**
 * Shares naming a subject the server does not know, or one subject twice under two names (`alice`
 * and `alice@acme.test`). Read-only lookups, skipped when the server cannot be reached so that a
 * preview works offline (create then reports an unknown subject).
 */
async function subjectFailures(rt: Runtime, domain: string, shares: readonly RawShare[]): Promise<CheckFailure[]> {
  const subjects = shares.map(subjectOf);
  let uids: (string | null)[];
  try {
    uids = await Promise.all(subjects.map((s) => uidOf(rt, domain, s)));
  } catch (err) {
    if (!isUnreachable(err)) throw err;
    rt.report("info", `shares: users and groups not checked against the server (${(err as Error).message})`);
    return [];
  }
  const failures: CheckFailure[] = [];
  const firstIndex = new Map<string, number>();
  subjects.forEach((s, i) => {
    const property = `shares[${i}].${s.kind}`;
    const uid = uids[i];
    if (uid === null) {
      failures.push({ property, reason: `expected the ${HOW_NAMED[s.kind]} of a ${s.kind} of ${domain}, found ${s.ref}, which the server does not know` });
    } else if (firstIndex.has(uid)) {
      failures.push({ property, reason: `${s.kind} ${s.ref} is the same ${s.kind} as shares[${firstIndex.get(uid)}]: give each user or group one level` });
    } else {
      firstIndex.set(uid, i);
    }
  });
  return failures;
}

/**
 * A plan note where the server's release cannot grant a level exactly: 4.x has no send-as, so
 * write and manage let members send on behalf of the mailshare (a `Sender:` header names them).
 * Read-only; skipped when the server cannot be asked (its version is then checked before writing).
 */
/** What this release cannot grant exactly (send-as on 4.x), said once per resource: the check's notes. */
async function inexactLevels(rt: Runtime, shares: readonly AclShare[]): Promise<string[]> {
  const sending = shares.filter((s) => s.level === "write" || s.level === "manage");
  if (sending.length === 0) return [];
  let caps: Capabilities;
  try {
    caps = await rt.client.capabilities();
  } catch {
    return [];
  }
  if (caps.sendAs) return [];
  const who = sending.map((s) => `${"user" in s ? s.user : s.group} (${s.level})`).join(", ");
  return [`shares: BlueMind ${caps.version} has no send-as right: ${who} will send on behalf of the mailshare ` +
    `(BlueMind adds a Sender: header naming them) instead of as the mailshare`];
}

/** The uid of every share's subject, by share key; an unknown subject is an error naming it. */
async function subjectUids(rt: Runtime, domain: string, shares: readonly AclShare[]): Promise<Record<string, string>> {
  const pairs = await Promise.all(shares.map(async (share) => {
    const s = subjectOf(share);
    const uid = await uidOf(rt, domain, s);
    if (!uid) throw new Error(`shares: ${s.kind} ${s.ref} does not exist in ${domain} (expected the ${HOW_NAMED[s.kind]} of a ${s.kind})`);
    return [keyOf(s), uid] as const;
  }));
  return Object.fromEntries(pairs);
}

/** The ACL that gives each share its level. */
function aclOf(caps: Capabilities, shares: readonly AclShare[], uids: Record<string, string>): AccessControlEntry[] {
  const verbsOf = levelVerbs(caps);
  return shares.flatMap((share) => {
    if (!(SHARE_LEVELS as readonly string[]).includes(share.level)) {
      throw new Error(`shares: level ${share.level} cannot be written (expected one of ${SHARE_LEVELS.join(", ")})`);
    }
    const subject = uids[keyOf(subjectOf(share))];
    return verbsOf[share.level as ShareLevel].map((verb) => ({ subject, verb }));
  });
}

/** Whether two ACLs grant the same verbs to the same subjects (after compaction). */
function sameAcl(lattice: Lattice, a: readonly AccessControlEntry[], b: readonly AccessControlEntry[]): boolean {
  const x = verbsBySubject(lattice, a);
  const y = verbsBySubject(lattice, b);
  return x.size === y.size && [...x].every(([subject, verbs]) => y.get(subject)?.join() === verbs.join());
}

/**
 * Gives the mailshare exactly the ACL of `m`: subjects resolved first (from the run's lists), then,
 * under the lock, a full replace. An update reads the ACL first and writes only when it differs; a
 * create writes straight away (a full replace: sending it again leaves the same ACL), which saves
 * a read per new mailshare.
 */
async function setShares(rt: Runtime, m: MailshareAclInputs, compareFirst: boolean): Promise<MailshareAclOutputs> {
  const caps = await rt.client.capabilities();
  const subjects = await subjectUids(rt, m.domain, m.shares);
  const wanted = aclOf(caps, m.shares, subjects);
  const container = mailboxAclContainerUid(m.mailshare);
  await rt.lock(m.domain, m.mailshare, async () => {
    await requireMailshare(rt, m.domain, m.mailshare);
    if (compareFirst && sameAcl(caps.lattice, await rt.client.containers.getAccessControlList(container), wanted)) return;
    await rt.client.containers.setAccessControlList(container, wanted);
  });
  return { subjects };
}

/**
 * The mailshare's ACL, or null when the mailshare is gone. A missing ACL container means gone only
 * when the server, asked now, says the mailshare itself is gone (the run's list may predate that).
 */
async function liveAcl(rt: Runtime, domain: string, mailshare: string): Promise<AccessControlEntry[] | null> {
  if (!(await mailshareExists(rt, domain, mailshare))) return null;
  try {
    return await rt.client.containers.getAccessControlList(mailboxAclContainerUid(mailshare));
  } catch (err) {
    if (isNotFound(err) && (await goneNow(rt, domain, mailshare))) return null;
    throw err;
  }
}

/**
 * How to name a subject added by hand: a user by default address (else login), a group by name
 * (its directory entry's display name); anything else (a deleted entry, another kind) by uid, so
 * that it still shows as drift and `up` removes it.
 */
async function nameOfEntry(rt: Runtime, domain: string, uid: string, entry: DirEntry | null): Promise<Subject> {
  if (entry?.kind === "USER") {
    const login = entry.email ? null : (await rt.client.users.getComplete(domain, uid))?.value.login;
    return { kind: "user", ref: entry.email ?? login ?? uid };
  }
  if (entry?.kind === "GROUP" && entry.displayName) return { kind: "group", ref: entry.displayName };
  return { kind: "user", ref: `(${entry ? entry.kind.toLowerCase() : "unknown"} subject ${uid})` };
}

/**
 * The subject of each uid, named as the inputs named it (the `subjects` output, or the previous
 * inputs resolved again when it is missing, e.g. a CLI read from inputs), else looked up: the uids
 * nobody named are read in one `_mget`.
 */
async function namesOf(rt: Runtime, domain: string, uids: readonly string[], props: Partial<MailshareAclInputs & MailshareAclOutputs>): Promise<Map<string, Subject>> {
  const recorded = props.subjects ?? {};
  const names = new Map<string, Subject>();
  for (const share of props.shares ?? []) {
    const s = subjectOf(share);
    const uid = recorded[keyOf(s)] ?? (await uidOf(rt, domain, s));
    if (uid && !names.has(uid)) names.set(uid, s);
  }
  for (const [key, uid] of Object.entries(recorded)) if (!names.has(uid)) names.set(uid, subjectOfKey(key));
  const unnamed = uids.filter((uid) => !names.has(uid));
  if (unnamed.length > 0) {
    const entries = await rt.client.resolve.entries(domain, unnamed);
    for (const uid of unnamed) names.set(uid, await nameOfEntry(rt, domain, uid, entries.get(uid) ?? null));
  }
  return names;
}

export const mailshareAclProvider = defineProvider<MailshareAclInputs, MailshareAclOutputs>({
  kind: "MailshareAcl",
  inputKeys: ["domain", "mailshare", "shares"],
  listKeys: { shares: (s: AclShare) => keyOf(subjectOf(s)) },

  async check(news, _olds, rt, options) {
    const { domain } = news;
    const { value, failures } = validateSlice(domain, news, OWNED, options);
    if (failures.length === 0) failures.push(...await subjectFailures(rt, domain, (news.shares ?? []) as RawShare[]));
    if (failures.length > 0) return { inputs: news as MailshareAclInputs, failures };
    const notes = await inexactLevels(rt, value.shares as AclShare[]);
    return { inputs: { domain: domain, mailshare: news.mailshare as string, shares: value.shares }, failures: [], notes };
  },

  idOf: (m) => `${m.mailshare}${ID_SUFFIX}`,

  async create(m, rt) {
    return { id: `${m.mailshare}${ID_SUFFIX}`, outs: await setShares(rt, m, false) };
  },

  async read(id, props, rt) {
    const mailshare = props.mailshare;
    const acl = await liveAcl(rt, props.domain, mailshare);
    if (acl === null) return null;
    const caps = await rt.client.capabilities();
    const live = verbsBySubject(caps.lattice, acl);
    const names = await namesOf(rt, props.domain, [...live.keys()], props);
    const shares = sorted([...live].map(([uid, verbs]) => shareOf(names.get(uid)!, levelOf(caps, verbs))));
    const subjects = Object.fromEntries([...live.keys()].map((uid) => [keyOf(names.get(uid)!), uid]));
    return { inputs: { domain: props.domain, mailshare, shares }, outs: { subjects } };
  },

  async update(id, _olds, news, rt) {
    return setShares(rt, news, true);
  },

  // Only reached when the sharing list is removed while the mailshare stays (with the mailshare,
  // `deletedWith` skips it): nobody keeps access.
  async delete(id, props, rt) {
    const mailshare = props.mailshare;
    const container = mailboxAclContainerUid(mailshare);
    await rt.lock(props.domain, mailshare, async () => {
      const acl = await liveAcl(rt, props.domain, mailshare);
      if (acl === null || acl.length === 0) return;
      await rt.client.containers.setAccessControlList(container, []);
    });
  },
});

export interface ShareArgs {
  /** A user's login or e-mail address. */
  user?: string;
  /** A group's name or e-mail address. */
  group?: string;
  level: ShareLevel;
}

export interface MailshareAclArgs {
  domain?: pulumi.Input<string>;
  /** The mailshare uid: the `uid` output of a `Mailshare`. */
  mailshare: pulumi.Input<string>;
  /** The whole sharing list (absent = shared with nobody). */
  shares?: pulumi.Input<pulumi.Input<ShareArgs>[]>;
}
