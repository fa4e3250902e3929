// IUser (read side) — /api/users/{domainUid} (domain uid or alias). RBAC and lookups follow
// UserService.java: an entry may read itself (ROLE_SELF), domainManager reads everyone, lookups
// need domainManager or manageUser. Mutations are not emulated (their routes stay unregistered,
// so they answer 500 "no service registered").
import type { Router } from "../router";
import { PngResult, type Ctx } from "../context";
import type { Group, ItemValue, User } from "../model";
import { denied, forbidden, notFound, parseError, unknownFault } from "../faults";
import { missingToAssign } from "../rbac";
import type { DomainState } from "../store";
import { storedPhoto } from "./directory";
import { requireAnyRole, requireSelfOrRole } from "../directory-rbac";
import { entryByEmail, userByLogin } from "../entries";

/** A user as served: never its password (filterUser), the card's photo flag from the stored photo. */
function served(d: DomainState, item: ItemValue<User>): ItemValue<User> {
  const out = structuredClone(item);
  out.value.password = null;
  out.value.contactInfos.identification.photo = d.photos[item.uid] !== undefined;
  return out;
}

/** Uids of the groups that list the user as a direct member. */
export function directGroupsOf(d: DomainState, memberType: "user" | "group", uid: string): string[] {
  return Object.entries(d.members)
    .filter(([, members]) => members.some((m) => m.type === memberType && m.uid === uid))
    .map(([groupUid]) => groupUid)
    .filter((groupUid) => d.groups[groupUid] !== undefined)
    .sort();
}

/** Every group the user belongs to, directly or through nested groups. */
function allGroupsOf(d: DomainState, userUid: string): string[] {
  const found = new Set<string>();
  const visit = (type: "user" | "group", uid: string) => {
    for (const groupUid of directGroupsOf(d, type, uid)) {
      if (found.has(groupUid)) continue;
      found.add(groupUid);
      visit("group", groupUid);
    }
  };
  visit("user", userUid);
  return [...found];
}

/** memberOfGroupUid: an unknown uid is a plain ServerFault (500 UNKNOWN), not a 404. */
function groupUidsOf(d: DomainState, uid: string): string[] {
  if (!d.users[uid]) throw unknownFault(`Invalid user UID: ${uid}`);
  return directGroupsOf(d, "user", uid);
}

/** A `Set<String>` body; null is the empty set. */
export function roleSet(ctx: Ctx): string[] {
  const raw = ctx.json();
  if (raw === null) return [];
  if (!Array.isArray(raw) || raw.some((r) => typeof r !== "string")) throw parseError();
  return raw as string[];
}

/** The first user holding the address (as sent: not lower-cased). */
function userByEmail(d: DomainState, email: string): ItemValue<User> | undefined {
  return entryByEmail(d, email, "USER")?.item as ItemValue<User> | undefined;
}

export function register(r: Router): void {
  const base = "/api/users/{domainUid}";
  const domainOf = (ctx: Ctx) => ctx.emu.store.domain(ctx.params.domainUid);
  const lookupRoles = ["domainManager", "manageUser"];
  const membershipRoles = ["domainManager", "manageUser", "manageGroupMembers"];

  r.get(`${base}/{uid}/complete`, (ctx) => {
    const d = domainOf(ctx);
    requireSelfOrRole(ctx, d, ctx.params.uid, "domainManager");
    const item = d.users[ctx.params.uid];
    return item ? served(d, item) : null;
  });

  r.get(`${base}/byEmail/{email}`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...lookupRoles);
    const item = userByEmail(d, ctx.params.email);
    return item ? served(d, item) : null;
  });

  // byLogin keeps only what precedes an `@`: `bob@whatever` finds bob.
  r.get(`${base}/byLogin/{login}`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...lookupRoles);
    const login = ctx.params.login.split("@")[0];
    const item = userByLogin(d, login)?.item as ItemValue<User> | undefined;
    return item ? served(d, item) : null;
  });

  r.get(`${base}/_alluids`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...lookupRoles);
    return Object.keys(d.users);
  });

  r.get(`${base}/{uid}/groups`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...membershipRoles);
    return groupUidsOf(d, ctx.params.uid).map((uid): ItemValue<Group> => structuredClone(d.groups[uid]));
  });

  r.get(`${base}/{uid}/groupUids`, (ctx) => {
    const d = domainOf(ctx);
    requireAnyRole(ctx, d.item.uid, ...membershipRoles);
    return groupUidsOf(d, ctx.params.uid);
  });

  // setRoles: manageUser for the user; roles it does not have yet must be delegable or held by the caller.
  r.post(`${base}/{uid}/roles`, (ctx) => {
    const d = domainOf(ctx);
    const uid = ctx.params.uid;
    const s = ctx.requireRole(d.item.uid, "manageUser", { entry: uid });
    const roles = roleSet(ctx);
    const item = d.users[uid];
    if (!item) throw notFound(`User ${uid} not found in domain ${d.item.value.name}`);
    if (item.value.accountType === "SIMPLE") throw forbidden(`Cannot set role for user ${uid}`);
    const missing = missingToAssign(ctx.emu.store, s, d.item.uid, d.roles[uid] ?? [], roles);
    if (missing.length > 0) {
      throw denied(`cannot assign roles which current user doesnt have (needed roles {${missing.join(",")}} )`);
    }
    if (roles.length === 0) delete d.roles[uid];
    else d.roles[uid] = [...new Set(roles)];
  });

  r.get(`${base}/{uid}/roles`, (ctx) => {
    const d = domainOf(ctx);
    requireSelfOrRole(ctx, d, ctx.params.uid, "domainManager");
    return [...(d.roles[ctx.params.uid] ?? [])];
  });

  // The user's own roles plus those of every group it belongs to, nested groups included. The
  // emulator has no role tree: roles are not expanded into the roles they imply.
  r.get(`${base}/{uid}/roles_resolved`, (ctx) => {
    const d = domainOf(ctx);
    const uid = ctx.params.uid;
    requireSelfOrRole(ctx, d, uid, "domainManager");
    if (!d.users[uid]) throw notFound(`user ${uid} not found`);
    const roles = new Set(d.roles[uid] ?? []);
    for (const groupUid of allGroupsOf(d, uid)) for (const role of d.roles[groupUid] ?? []) roles.add(role);
    return [...roles].sort();
  });

  r.get(`${base}/{uid}/vcard`, (ctx) => {
    const d = domainOf(ctx);
    requireSelfOrRole(ctx, d, ctx.params.uid, "domainManager");
    const item = d.users[ctx.params.uid];
    return item ? served(d, item).value.contactInfos : null;
  });

  // No RBAC on photos; a user without photo (or an unknown uid) gets the blank PNG.
  const photo = (ctx: Ctx) => new PngResult(storedPhoto(ctx.emu.store.findDomain(ctx.params.domainUid), ctx.params.uid));
  r.get(`${base}/{uid}/photo`, photo);
  r.get(`${base}/{uid}/icon`, photo);
}
