// IGroup (read side + membership) — /api/groups/{domainUid} (domain uid or alias). RBAC, error
// messages and validation order follow GroupService.java; members are listed ordered by type
// then uid (GroupStore's `ORDER BY 1, 2`). Group create/update/delete are not emulated.
import type { Router } from "../router";
import type { Ctx } from "../context";
import type { Group, ItemValue, Member } from "../model";
import { ServerFault, denied, invalid, notFound, npe, parseError } from "../faults";
import type { DomainState } from "../store";
import { requireAnyRole } from "../directory-rbac";
import { entryByEmail, groupByName } from "../entries";
import { directGroupsOf, roleSet } from "./users";
import { missingToAssign } from "../rbac";

const MEMBER_TYPES: readonly Member["type"][] = ["user", "group", "external_user"];
const READ_ROLES = ["domainManager", "manageGroup"];

function groupNotFound(uid: string): ServerFault {
  return notFound(`Group uid:${uid} doesn't exist !`);
}

/** getFull: a blank uid is refused by ParametersValidator before any lookup. */
function existingGroup(d: DomainState, uid: string | null): ItemValue<Group> {
  if (uid === null || uid.trim() === "") throw invalid("Invalid parameter");
  const item = d.groups[uid];
  if (!item) throw groupNotFound(uid);
  return item;
}

const byTypeThenUid = (a: Member, b: Member) => a.type.localeCompare(b.type) || a.uid.localeCompare(b.uid);

function directMembers(d: DomainState, groupUid: string): Member[] {
  return (d.members[groupUid] ?? []).map((m) => ({ type: m.type, uid: m.uid })).sort(byTypeThenUid);
}

/** Members of the group and of its nested groups, recursively, users and groups, each once. */
function expandedMembers(d: DomainState, groupUid: string): Member[] {
  const found = new Map<string, Member>();
  const visit = (uid: string) => {
    for (const m of d.members[uid] ?? []) {
      const key = `${m.type}:${m.uid}`;
      if (found.has(key)) continue;
      found.set(key, { type: m.type, uid: m.uid });
      if (m.type === "group") visit(m.uid);
    }
  };
  visit(groupUid);
  return [...found.values()].sort(byTypeThenUid);
}

/** Every group containing this one, directly or through other groups (GroupStore.getParents). */
function ancestors(d: DomainState, groupUid: string): string[] {
  const found = new Set<string>();
  const visit = (uid: string) => {
    for (const parent of directGroupsOf(d, "group", uid)) {
      if (found.has(parent)) continue;
      found.add(parent);
      visit(parent);
    }
  };
  visit(groupUid);
  return [...found].sort();
}

const groupItems = (d: DomainState, uids: string[]): ItemValue<Group>[] =>
  uids.filter((uid) => d.groups[uid]).map((uid) => structuredClone(d.groups[uid]));

/**
 * GroupSearchQuery.matches: `name` is a case-insensitive substring of the group name; every
 * requested property must be set on the group (emulated groups carry no properties).
 */
function searchGroups(d: DomainState, query: Record<string, unknown>): ItemValue<Group>[] {
  const name = query.name ?? null;
  if (name !== null && typeof name !== "string") throw parseError();
  const properties = query.properties ?? {};
  if (typeof properties !== "object" || Array.isArray(properties)) throw parseError();
  const wanted = name !== null && name.trim() !== "" ? name.toUpperCase() : null;
  if (Object.keys(properties).length > 0) return [];
  return Object.values(d.groups)
    .filter((g) => wanted === null || g.value.name.toUpperCase().includes(wanted))
    .sort((a, b) => a.value.name.localeCompare(b.value.name))
    .map((g) => structuredClone(g));
}

/** A List<Member> body: a member type outside the enum is a JSON parse error. */
function memberList(raw: unknown): Member[] | null {
  if (raw === null) return null;
  if (!Array.isArray(raw)) throw parseError();
  return raw.map((m) => {
    if (m === null || typeof m !== "object" || Array.isArray(m)) throw parseError();
    const type = m.type ?? null;
    if (type !== null && !MEMBER_TYPES.includes(type)) throw parseError();
    const uid = m.uid ?? null;
    if (uid !== null && typeof uid !== "string") throw parseError();
    return { type, uid } as Member;
  });
}

/**
 * GroupService.validMembers: every member needs a type and a uid, then groups, users and
 * external users must exist (one "No … found" line per missing uid, all in one fault).
 */
function validateMembers(d: DomainState, members: Member[]): void {
  if (members.some((m) => m.type === null || m.uid === null || m.uid === "")) throw invalid("Invalid member");
  const missing = (type: Member["type"], label: string, exists: (uid: string) => boolean) =>
    members.filter((m) => m.type === type && !exists(m.uid)).map((m) => `No ${label} with uid ${m.uid} found\r\n`);
  const log = [
    ...missing("group", "group", (uid) => d.groups[uid] !== undefined),
    ...missing("user", "user", (uid) => d.users[uid] !== undefined),
    // The emulator has no external users.
    ...missing("external_user", "external user", () => false),
  ].join("");
  if (log !== "") throw invalid(log);
}

/** A group may not contain itself or any group it is (transitively) part of. */
function checkNoLoop(d: DomainState, groupUid: string, members: Member[]): void {
  const forbidden = new Set([groupUid, ...ancestors(d, groupUid)]);
  if (members.some((m) => m.type === "group" && forbidden.has(m.uid))) {
    // INCLUSION_GROUP_LOOP is BlueMind's code for this fault (500 like every business error).
    throw new ServerFault("INCLUSION_GROUP_LOOP", "Group loop detected");
  }
}

type MembershipChange = (d: DomainState, groupUid: string, members: Member[]) => void;

const addMembers: MembershipChange = (d, groupUid, members) => {
  checkNoLoop(d, groupUid, members);
  const current = (d.members[groupUid] ??= []);
  for (const m of members) {
    if (!current.some((c) => c.type === m.type && c.uid === m.uid)) current.push({ type: m.type, uid: m.uid });
  }
};

const removeMembers: MembershipChange = (d, groupUid, members) => {
  d.members[groupUid] = (d.members[groupUid] ?? []).filter(
    (c) => !members.some((m) => m.type === c.type && m.uid === c.uid),
  );
};

/** IGroup.add / remove, in GroupService's order: group, body, validation, RBAC, then the change. */
function changeMembership(ctx: Ctx, d: DomainState, change: MembershipChange): void {
  const raw = ctx.json();
  const members = memberList(raw);
  const group = existingGroup(d, ctx.params.uid);
  if (members === null) throw npe();
  validateMembers(d, members);
  if (members.length === 0) return;
  ctx.requireRole(d.item.uid, "manageGroupMembers");
  change(d, group.uid, members);
  group.value.memberCount = d.members[group.uid].length;
  ctx.emu.store.touch(group, ctx.session!.userUid);
}

export function register(r: Router): void {
  const base = "/api/groups/{domainUid}";
  const domainOf = (ctx: Ctx) => ctx.emu.store.domain(ctx.params.domainUid);

  // Quirk (§1.1): IGroup.get has no @PathParam — the uid is read from the request body (a
  // String), the path segment is ignored.
  r.get(`${base}/{uid}`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    const uid = ctx.text();
    if (uid === null || uid.trim() === "") throw invalid("Invalid parameter");
    return d.groups[uid] ? structuredClone(d.groups[uid].value) : null;
  });

  r.get(`${base}/{uid}/complete`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    const item = d.groups[ctx.params.uid];
    return item ? structuredClone(item) : null;
  });

  r.get(`${base}/byName/{name}`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    const item = groupByName(d, ctx.params.name)?.item;
    return item ? structuredClone(item) : null;
  });

  // byEmail checks manageGroup only (no domainManager), as GroupService does.
  r.get(`${base}/byEmail/{email}`, (ctx) => {
    const d = domainOf(ctx);
    ctx.requireRole(d.item.uid, "manageGroup");
    const item = entryByEmail(d, ctx.params.email, "GROUP")?.item;
    return item ? structuredClone(item) : null;
  });

  r.get(`${base}/_alluids`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    return Object.keys(d.groups);
  });

  r.get(`${base}/{uid}/members`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    return directMembers(d, existingGroup(d, ctx.params.uid).uid);
  });

  r.get(`${base}/{uid}/expandedmembers`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    return expandedMembers(d, existingGroup(d, ctx.params.uid).uid);
  });

  r.get(`${base}/{uid}/expandedusersmembers`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    return expandedMembers(d, existingGroup(d, ctx.params.uid).uid).filter((m) => m.type === "user");
  });

  r.get(`${base}/{uid}/parents`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    return groupItems(d, ancestors(d, existingGroup(d, ctx.params.uid).uid));
  });

  // memberOf / memberOfGroups: the groups listing this group directly; [] for an unknown uid.
  r.get(`${base}/{uid}/groups`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    return groupItems(d, directGroupsOf(d, "group", ctx.params.uid));
  });

  r.get(`${base}/{uid}/groupUids`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    if (ctx.params.uid.trim() === "") throw invalid("Invalid parameter");
    return directGroupsOf(d, "group", ctx.params.uid);
  });

  r.post(`${base}/_search`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    return searchGroups(d, ctx.object());
  });

  // setRoles: manageGroup for the group; the caller check comes before the group lookup.
  r.post(`${base}/{uid}/roles`, (ctx) => {
    const d = domainOf(ctx);
    const uid = ctx.params.uid;
    const s = ctx.requireRole(d.item.uid, "manageGroup", { entry: uid });
    const roles = roleSet(ctx);
    const missing = missingToAssign(ctx.emu.store, s, d.item.uid, d.roles[uid] ?? [], roles);
    if (missing.length > 0) {
      throw denied(`cannot assign roles which current user doesnt have (needed roles {${missing.join(",")}} )`);
    }
    if (!d.groups[uid]) throw notFound(`group ${uid} not found`);
    if (roles.length === 0) delete d.roles[uid];
    else d.roles[uid] = [...new Set(roles)];
  });

  r.get(`${base}/{uid}/roles`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...READ_ROLES);
    return [...(d.roles[ctx.params.uid] ?? [])];
  });

  r.put(`${base}/{uid}/members`, (ctx) => changeMembership(ctx, domainOf(ctx), addMembers));
  r.delete(`${base}/{uid}/members`, (ctx) => changeMembership(ctx, domainOf(ctx), removeMembers));
}
