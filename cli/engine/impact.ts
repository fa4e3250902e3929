// A plan's impact in people and data, for reviewers: who gains or loses access once groups are
// expanded to their members, what mail starts leaving the organisation, and what a deletion takes
// with it. Everything here only reads (the ACL provider's read, group members, the mailbox's quota
// usage and message count); a read that fails fails the plan, as every read of a plan does — except
// a message count the key may not read, which the plan says it does not show.
import type { Runtime } from "../../providers/runtime";
import type { Props } from "../../providers/base";
import type { AclShare } from "../../providers/acl";
import { PROVIDERS } from "../../providers/registry";
import { SHARE_LEVELS } from "../../desired/model";
import type { AutoReply, Filter, Forwarding } from "../../desired/model";
import { domainOf } from "../../policy/rules/domains";
import type { MailsharePlan, ResourcePlan } from "./model";
import { PermissionDeniedError } from "../../bluemind/errors";

/** A person whose effective level on the mailshare changes (`none` when they have no access). */
export interface AccessChange {
  /** The user's address (else login). */
  user: string;
  before: string;
  after: string;
  /** Where the level that decides comes from: `direct` or `group <name>`. */
  via: string;
}

/** A group share that changes, with how many users it reaches (nested groups included). */
export interface GroupAccessChange {
  group: string;
  members: number;
  before: string;
  after: string;
}

/** A filter rule that sends mail on: `forward` keeps a copy in the mailshare, `redirect` does not. */
export interface RuleForward {
  rule: string;
  to: string[];
  keepCopy: boolean;
}

/** What deleting a mailshare takes with it. */
export interface MailLoss {
  /** The mail it holds (KiB, IMailboxes.getMailboxQuota's `used`). */
  usedKiB: number;
  quotaKiB: number | null;
  /** Its messages as BlueMind's search index counts them; null when that count cannot be had (`messagesNote`). */
  messages: number | null;
  /** Why `messages` is null; null when it is not. */
  messagesNote: string | null;
  identities: number;
  filters: number;
  /** Where the mailbox's own forwarding sends mail (that forwarding stops). */
  forwarding: string[];
  /** The active filter rules that forward or redirect mail (they stop too). */
  ruleForwards: RuleForward[];
}

/** How mail reaches an outside address. */
export type OutsideKind = "forwarding" | "rule-forward" | "rule-redirect" | "auto-reply";

/** Mail that leaves the organisation through a mailshare the plan creates or changes. */
export interface OutsideMail {
  /** The outside address; null for an auto-reply (it answers whoever writes). */
  address: string | null;
  /** The address's domain; null for an auto-reply. */
  domain: string | null;
  kind: OutsideKind;
  /** The filter rule, for `rule-forward` and `rule-redirect`; else null. */
  rule: string | null;
  /** `now`: this plan starts it; `before`: the server already sends it (shown as context). */
  starts: "now" | "before";
}

export interface Impact {
  people: AccessChange[];
  groups: GroupAccessChange[];
  /** Mail leaving the organisation after the plan, new first. */
  outside: OutsideMail[];
  loss: MailLoss | null;
}

type Subject = { kind: "user" | "group"; ref: string; level: string };
const NONE = "none";

const subjectsOf = (shares: readonly AclShare[] | undefined): Subject[] =>
  (shares ?? []).map((s) => ("user" in s ? { kind: "user", ref: s.user, level: s.level } : { kind: "group", ref: s.group, level: s.level }));

/** Standard levels by rank; a custom level (set outside bmshare) counts as at least read. */
const rank = (level: string) => Math.max(SHARE_LEVELS.indexOf(level as never), 0);

interface Grant { level: string; via: string }

/** The live sharing list of a mailshare, read through the ACL provider (its `subjects` give the uids). */
async function liveAcl(domain: string, uid: string): Promise<Props | null> {
  const provider = PROVIDERS.MailshareAcl;
  const props: Props = { domain, mailshare: uid, shares: [] };
  const live = await provider.read!(provider.definition.idOf(props), props);
  return live.id ? (live.props ?? null) : null;
}

/** Group members read once per run (by group uid), however many mailshares a group is on. */
export type MemberCache = Map<string, Promise<string[]>>;

/** The effect of a sharing list change on people: each group's reach, and each user's effective level. */
export async function accessImpact(rt: Runtime, domain: string, before: Props | null, after: Props | null, members: MemberCache = new Map()): Promise<Pick<Impact, "people" | "groups">> {
  const [was, will] = [subjectsOf(before?.shares as AclShare[]), subjectsOf(after?.shares as AclShare[])];
  const known = { ...(before?.subjects as Record<string, string> | undefined) };
  const c = rt.client;
  const uidOf = async (s: Subject): Promise<string | null> => {
    const key = `${s.kind}:${s.ref}`;
    if (known[key]) return known[key];
    const found = s.kind === "user" ? await c.resolve.user(domain, s.ref) : await c.resolve.group(domain, s.ref);
    return found?.uid ?? null;
  };
  const membersOf = (groupUid: string): Promise<string[]> => {
    const key = `${domain}\n${groupUid}`;
    if (!members.has(key)) {
      members.set(key, c.groups.getExpandedUserMembers(domain, groupUid).then((list) => [...new Set(list.filter((m) => m.type === "user").map((m) => m.uid))]));
    }
    return members.get(key)!;
  };
  const names = new Map<string, string>();
  const grantsOf = async (subjects: Subject[]) => {
    const grants = new Map<string, Grant[]>();
    const add = (uid: string, g: Grant) => grants.set(uid, [...(grants.get(uid) ?? []), g]);
    for (const s of subjects) {
      const uid = await uidOf(s);
      if (uid === null) continue;
      if (s.kind === "user") {
        names.set(uid, s.ref);
        add(uid, { level: s.level, via: "direct" });
      } else for (const member of await membersOf(uid)) add(member, { level: s.level, via: `group ${s.ref}` });
    }
    return grants;
  };
  const [beforeGrants, afterGrants] = [await grantsOf(was), await grantsOf(will)];

  // Group shares by uid (the files and the server may name a group differently).
  const groupLevels = async (list: Subject[]) => {
    const levels = new Map<string, { ref: string; level: string }>();
    for (const s of list) {
      const uid = s.kind === "group" ? await uidOf(s) : null;
      if (uid !== null) levels.set(uid, { ref: s.ref, level: s.level });
    }
    return levels;
  };
  const [groupsBefore, groupsAfter] = [await groupLevels(was), await groupLevels(will)];
  const groups: GroupAccessChange[] = [];
  for (const uid of new Set([...groupsBefore.keys(), ...groupsAfter.keys()])) {
    const [from, to] = [groupsBefore.get(uid), groupsAfter.get(uid)];
    if ((from?.level ?? NONE) === (to?.level ?? NONE)) continue;
    groups.push({ group: (to ?? from)!.ref, members: (await membersOf(uid)).length, before: from?.level ?? NONE, after: to?.level ?? NONE });
  }
  groups.sort((a, b) => a.group.localeCompare(b.group));

  const people: AccessChange[] = [];
  const users = [...new Set([...beforeGrants.keys(), ...afterGrants.keys()])];
  // Everyone by address, as the directory has it (a file may name a user by login).
  const entries = users.length > 0 ? await c.resolve.entries(domain, users) : new Map();
  for (const uid of users) {
    const email = entries.get(uid)?.email;
    if (email) names.set(uid, email);
    else if (!names.has(uid)) names.set(uid, (await c.users.getComplete(domain, uid))?.value.login ?? uid);
  }
  const best = (grants: Grant[] | undefined): Grant | null =>
    grants ? [...grants].sort((a, b) => rank(b.level) - rank(a.level) || Number(a.via !== "direct") - Number(b.via !== "direct") || a.via.localeCompare(b.via))[0] : null;
  for (const uid of users) {
    const [from, to] = [best(beforeGrants.get(uid)), best(afterGrants.get(uid))];
    if ((from?.level ?? NONE) === (to?.level ?? NONE)) continue;
    people.push({ user: names.get(uid)!, before: from?.level ?? NONE, after: to?.level ?? NONE, via: (to ?? from)!.via });
  }
  people.sort((a, b) => a.user.localeCompare(b.user));
  return { people, groups };
}

const lower = (addresses: readonly string[]) => [...new Set(addresses.map((a) => a.toLowerCase()))];

/** The enabled forwarding's addresses. */
function forwardingOf(props: Props | null): string[] {
  const forwarding = props?.forwarding as Forwarding | null | undefined;
  return forwarding?.enabled ? lower(forwarding.to) : [];
}

/** The active filter rules that forward or redirect, with their addresses. */
function ruleForwardsOf(props: Props | null): RuleForward[] {
  const filters = (props?.filters as Filter[] | undefined) ?? [];
  return filters.filter((f) => f.active).flatMap((f) => f.actions.flatMap((a) => ("forwardTo" in a ? [{ rule: f.name, to: lower(a.forwardTo), keepCopy: a.keepCopy }] : [])));
}

type Route = Omit<OutsideMail, "starts" | "domain">;

/** Every outside address a MailshareFilters state sends mail on to, and how. */
function outsideRoutes(props: Props | null, organisation: readonly string[]): Route[] {
  const outside = (a: string) => {
    const domain = domainOf(a);
    return domain !== null && !organisation.includes(domain);
  };
  return [
    ...forwardingOf(props).filter(outside).map((address): Route => ({ address, kind: "forwarding", rule: null })),
    ...ruleForwardsOf(props).flatMap((r) => r.to.filter(outside).map((address): Route => ({ address, kind: r.keepCopy ? "rule-forward" : "rule-redirect", rule: r.rule }))),
  ];
}

/**
 * Mail leaving the organisation once the plan is applied, from the filters and auto-reply it creates
 * or changes: each outside address with how it is reached, marked `now` when the server sends it no
 * mail yet, `before` when it already does (by whatever means); an auto-reply likewise.
 */
export function outsideImpact(resources: readonly ResourcePlan[], organisation: readonly string[]): OutsideMail[] {
  const found: OutsideMail[] = [];
  for (const r of resources) {
    if (r.action !== "create" && r.action !== "update") continue;
    if (r.kind === "MailshareFilters") {
      const before = new Set(outsideRoutes(r.live, organisation).map((route) => route.address));
      for (const route of outsideRoutes(r.inputs, organisation)) {
        found.push({ ...route, domain: domainOf(route.address!), starts: before.has(route.address) ? "before" : "now" });
      }
    }
    if (r.kind === "MailshareAutoReply") {
      const [was, will] = [r.live?.autoReply as AutoReply | null | undefined, r.inputs.autoReply as AutoReply | null | undefined];
      if (will?.enabled) found.push({ address: null, domain: null, kind: "auto-reply", rule: null, starts: was?.enabled ? "before" : "now" });
    }
  }
  return found.sort((a, b) => Number(a.starts !== "now") - Number(b.starts !== "now"));
}

/**
 * The mailshare's message count from its search index (mail-folders.ts), or why it is not given:
 * a key that may not read the mail (403) gets none, and a 0 for a mailbox that holds mail is how
 * BlueMind answers when its index cannot be searched, so it is not taken for an empty mailbox.
 */
async function messageCount(rt: Runtime, domain: string, uid: string, usedKiB: number): Promise<Pick<MailLoss, "messages" | "messagesNote">> {
  let count: number;
  try {
    count = await rt.client.mailFolders.countMailshareMessages(domain, uid);
  } catch (err) {
    if (!(err instanceof PermissionDeniedError)) throw err;
    return { messages: null, messagesNote: "this API key may not read the mailshare's mail (BlueMind asks for Read on it, which a domain administrator's roles do not give)" };
  }
  if (count === 0 && usedKiB > 0) return { messages: null, messagesNote: "the search index counts none although the mailbox holds mail (it answers 0 when it cannot be searched)" };
  return { messages: count, messagesNote: null };
}

/** What deleting the mailshare `uid` takes with it: its mail, identities, filter rules and forwarding. */
export async function deletionLoss(rt: Runtime, domain: string, uid: string): Promise<MailLoss> {
  const quota = await rt.client.mailboxes.getMailboxQuota(domain, uid);
  const identities = await rt.client.identities.getIdentities(domain, uid);
  const provider = PROVIDERS.MailshareFilters;
  const props: Props = { domain, mailshare: uid, filters: [], forwarding: null };
  const filters = (await provider.read!(provider.definition.idOf(props), props)).props ?? null;
  return {
    usedKiB: quota.used, quotaKiB: quota.quota ?? null, ...await messageCount(rt, domain, uid, quota.used),
    identities: identities.length, filters: ((filters?.filters as unknown[] | undefined) ?? []).length,
    forwarding: forwardingOf(filters), ruleForwards: ruleForwardsOf(filters),
  };
}

/** The impact of one mailshare's plan (null when nothing about people or data changes). */
export async function impactOf(rt: Runtime, m: MailsharePlan, organisation: readonly string[], members: MemberCache = new Map()): Promise<Impact | null> {
  let people: AccessChange[] = [];
  let groups: GroupAccessChange[] = [];
  let loss: MailLoss | null = null;
  if (m.action === "delete") {
    [{ people, groups }, loss] = await Promise.all([accessImpact(rt, m.domain, await liveAcl(m.domain, m.uid), null, members), deletionLoss(rt, m.domain, m.uid)]);
  } else {
    const acl = m.resources.find((r) => r.kind === "MailshareAcl" && r.action !== "unchanged");
    if (acl) ({ people, groups } = await accessImpact(rt, m.domain, acl.live, acl.inputs, members));
  }
  const outside = outsideImpact(m.resources, organisation);
  if (people.length + groups.length + outside.length === 0 && loss === null) return null;
  return { people, groups, outside, loss };
}
