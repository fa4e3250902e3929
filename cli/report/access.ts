// The access report's data: who can read, write (and so send as) or manage each mailshare, from the
// live ACLs as the `MailshareAcl` provider reads and classifies them (its `read` names each subject
// and gives it a level of the format, or `custom(<verbs>)` for what the format cannot express) — the
// report never maps BlueMind verbs itself. With `expandGroups`, groups are replaced by their user
// members (nested groups included), each right keeping where it comes from; the highest level wins.
//
// This object is also the JSON output (`--format json`), shape version 1:
//
//   { version: 1, generatedAt, server, domain, groupsExpanded,
//     levels: [{ level, meaning }],                       read < write < manage
//     mailshares: [{ name, uid, email, displayName }],    the columns, by name
//     subjects: [{ kind: "user"|"group"|"other", name, displayName, uid,
//                  access: { <mailshare name>: { level, grants: [{ level, via }] } } }] }
//
// `via` is "direct" (the subject is in the mailshare's ACL) or `{ group }` (a member of that group,
// with --expand-groups). `level` is the highest level of the grants, or a `custom(...)` level when
// only custom grants exist; mailshares a subject cannot use are absent from its `access`.
import type { Runtime } from "../../providers/runtime";
import type { BmshareProvider, Props } from "../../providers/base";
import type { AclLevel, AclShare } from "../../providers/acl";
import { SHARE_LEVELS, type ShareLevel } from "../../desired/model";
import type { DirEntry, ItemValue, Mailshare as WireMailshare } from "../../bluemind/types";
import { mapPool, poolWidth } from "../engine/pool";

export const ACCESS_REPORT_VERSION = 1;

export type Via = "direct" | { group: string };
export interface Grant {
  level: AclLevel;
  via: Via;
}
export interface Cell {
  level: AclLevel;
  grants: Grant[];
}
export type SubjectKind = "user" | "group" | "other";
export interface SubjectRow {
  kind: SubjectKind;
  /** A user's e-mail address (else login), a group's name: how files name them. */
  name: string;
  displayName: string | null;
  uid: string;
  /** By mailshare name; only the mailshares the subject can use. */
  access: Record<string, Cell>;
}
export interface MailshareColumn {
  name: string;
  uid: string;
  email: string | null;
  displayName: string;
}
export interface AccessReport {
  version: typeof ACCESS_REPORT_VERSION;
  /** ISO 8601, UTC. */
  generatedAt: string;
  /** The server's address (never the key). */
  server: string;
  domain: string;
  groupsExpanded: boolean;
  levels: { level: ShareLevel | "custom"; meaning: string }[];
  mailshares: MailshareColumn[];
  subjects: SubjectRow[];
}

/** What each level allows (docs/desired-state.md, "Sharing"). */
export const LEVEL_MEANINGS: AccessReport["levels"] = [
  { level: "read", meaning: "read the mail" },
  { level: "write", meaning: "also file, flag and delete messages, and send as the mailshare" },
  { level: "manage", meaning: "everything, including changing the sharing (the console's \"admin\")" },
  { level: "custom", meaning: "BlueMind rights the levels cannot express, named by their verbs (set outside bmshare)" },
];

const rank = (level: AclLevel) => (SHARE_LEVELS as readonly string[]).indexOf(level);
export const isStandardLevel = (level: AclLevel): level is ShareLevel => rank(level) >= 0;

/** The cell of several grants: the highest standard level wins (a direct grant first on a tie). */
export function cellOf(grants: Grant[]): Cell {
  const ordered = [...grants].sort((a, b) => rank(b.level) - rank(a.level) || Number(a.via !== "direct") - Number(b.via !== "direct")
    || viaText(a.via).localeCompare(viaText(b.via)) || a.level.localeCompare(b.level));
  return { level: ordered[0].level, grants: ordered };
}

export const viaText = (via: Via) => (via === "direct" ? "direct" : `group ${via.group}`);

interface Share {
  kind: "user" | "group";
  ref: string;
  uid: string;
  level: AclLevel;
}

/**
 * The live shares of one mailshare through the ACL provider's read; `subjects` (its output) gives
 * the uid of each share by key `user:<ref>` / `group:<ref>`.
 */
async function sharesOf(acl: BmshareProvider, domain: string, uid: string): Promise<Share[]> {
  const props: Props = { domain, mailshare: uid, shares: [] };
  const live = await acl.read!(acl.definition.idOf(props), props);
  if (!live.id) return [];
  const shares = (live.props?.shares ?? []) as AclShare[];
  const subjects = (live.props?.subjects ?? {}) as Record<string, string>;
  return shares.map((s) => {
    const [kind, ref] = "user" in s ? (["user", s.user] as const) : (["group", s.group] as const);
    return { kind, ref, uid: subjects[`${kind}:${ref}`] ?? ref, level: s.level };
  });
}

/** Directory names of users: the address files use, else the login (as the ACL provider names them). */
async function userNames(rt: Runtime, domain: string, uids: string[], entries: Map<string, DirEntry | null>): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  await Promise.all(uids.map(async (uid) => {
    const email = entries.get(uid)?.email;
    names.set(uid, email ?? (await rt.client.users.getComplete(domain, uid))?.value.login ?? uid);
  }));
  return names;
}

export interface AccessOptions {
  rt: Runtime;
  domain: string;
  mailshares: ItemValue<WireMailshare>[];
  expandGroups: boolean;
  acl: BmshareProvider;
  server: string;
  now: Date;
}

export async function accessReport(o: AccessOptions): Promise<AccessReport> {
  const perMailshare = await mapPool(o.mailshares, poolWidth(), async (m) => ({ m, shares: await sharesOf(o.acl, o.domain, m.uid) }));
  const c = o.rt.client;

  // Group members, when expanding (each group once, however many mailshares it is on).
  const groupUids = o.expandGroups ? [...new Set(perMailshare.flatMap((p) => p.shares.filter((s) => s.kind === "group").map((s) => s.uid)))] : [];
  const members = new Map<string, string[]>();
  await Promise.all(groupUids.map(async (uid) => {
    const users = (await c.groups.getExpandedUserMembers(o.domain, uid)).filter((m) => m.type === "user").map((m) => m.uid);
    members.set(uid, [...new Set(users)]);
  }));

  const allUids = [...new Set([...perMailshare.flatMap((p) => p.shares.map((s) => s.uid)), ...[...members.values()].flat()])];
  const entries = await c.resolve.entries(o.domain, allUids);
  const memberNames = await userNames(o.rt, o.domain, [...new Set([...members.values()].flat())], entries);

  const rows = new Map<string, SubjectRow & { grants: Map<string, Grant[]> }>();
  const rowOf = (uid: string, kind: SubjectKind, name: string) => {
    let row = rows.get(uid);
    if (!row) {
      row = { kind, name, displayName: entries.get(uid)?.displayName ?? null, uid, access: {}, grants: new Map() };
      rows.set(uid, row);
    }
    return row;
  };
  const grant = (uid: string, kind: SubjectKind, name: string, mailshare: string, g: Grant) => {
    const row = rowOf(uid, kind, name);
    row.grants.set(mailshare, [...(row.grants.get(mailshare) ?? []), g]);
  };
  for (const { m, shares } of perMailshare) {
    for (const s of shares) {
      const kindOfEntry = entries.get(s.uid)?.kind;
      const kind: SubjectKind = kindOfEntry === "USER" ? "user" : kindOfEntry === "GROUP" ? "group" : kindOfEntry ? "other" : s.kind;
      if (kind === "group" && o.expandGroups) {
        for (const member of members.get(s.uid) ?? []) {
          grant(member, "user", memberNames.get(member)!, m.value.name, { level: s.level, via: { group: s.ref } });
        }
      } else {
        grant(s.uid, kind, s.ref, m.value.name, { level: s.level, via: "direct" });
      }
    }
  }

  const kindOrder: Record<SubjectKind, number> = { user: 0, group: 1, other: 2 };
  const subjects = [...rows.values()]
    .map(({ grants, ...row }): SubjectRow => ({
      ...row,
      access: Object.fromEntries([...grants].sort(([a], [b]) => a.localeCompare(b)).map(([name, g]) => [name, cellOf(g)])),
    }))
    .sort((a, b) => kindOrder[a.kind] - kindOrder[b.kind] || a.name.localeCompare(b.name) || a.uid.localeCompare(b.uid));
  return {
    version: ACCESS_REPORT_VERSION,
    generatedAt: o.now.toISOString(),
    server: o.server,
    domain: o.domain,
    groupsExpanded: o.expandGroups,
    levels: LEVEL_MEANINGS,
    mailshares: o.mailshares.map((m) => ({
      name: m.value.name,
      uid: m.uid,
      email: m.value.emails.find((e) => e.isDefault)?.address ?? null,
      displayName: m.displayName || m.value.name,
    })),
    subjects,
  };
}
