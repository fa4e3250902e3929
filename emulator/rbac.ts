// Role-based access control as BlueMind resolves it (RBACManager, DirEntryPermissionResolver,
// RolesServiceActivator, the role tree of BaseRolesProvider). A caller's roles come from two places:
// the domain (its own roles and those of its groups, nested groups included) and the org units it
// administers (IOrgUnits administrator roles, its own or its groups'). A check is made for a scope:
// the domain, one directory entry (the roles the caller holds on the entry's org unit or any of its
// ancestors count too), or one org unit (same, for that unit).
import type { Session } from "./sessions";
import type { DomainState, Store } from "./store";
import { npe } from "./faults";
import { own } from "./table";

/**
 * Role → roles it grants: its children in the tree (parentRoleId) and its `giveRoles`. Only the
 * part of the tree the emulated services check is listed.
 */
const GRANTS: Record<string, readonly string[]> = {
  admin: [
    "manageUser", "manageGroup", "manageMailbox", "manageMailshare", "manageResource", "manageResourceType",
    "manageDomainAB", "manageDomainSmime", "manageDomainLDAPAB", "manageDomainCal", "manageOU", "manageRestore",
    "manageExternalUser", "readDomainFilters", "domainManager",
  ],
  manageUser: [
    "manageUserPassword", "manageUserVCard", "manageExternalAccounts", "managerUserSettings", "manageUserDevice",
    "manageUserSharings", "manageUserSubscriptions", "managerUserMailIdentities", "canCreateExternalIdentity",
    "manageUserExternalId", "userCheckAndRepair", "userMailboxMaintenance", "domainManager",
  ],
  managerUserMailIdentities: ["manageMailbox", "domainManager"],
  canCreateExternalIdentity: ["manageMailboxIdentities", "domainManager"],
  manageGroup: ["manageGroupMembers", "manageGroupSharings", "manageMailbox", "domainManager"],
  manageMailbox: ["manageMailboxFilter", "manageMailboxIdentities", "domainManager"],
  manageResource: ["manageResourceSharings", "domainManager"],
  manageMailshare: ["manageMailshareSharings", "manageMailbox", "domainManager"],
  manageDomainAB: ["manageDomainABSharings", "domainManager"],
  manageDomainCal: ["manageDomainCalSharings", "domainManager"],
  manageOU: ["showOU", "domainManager"],
  hasAdminConsole: ["domainManager"],
};

/**
 * Roles bound to a directory-entry kind (`forDirEntry`): the only ones that take effect when held
 * on an org unit (DirEntryPermissionResolver looks org unit roles up among same-domain roles).
 */
const ENTRY_KIND_ROLES = new Set([
  "admin", "manageUser", "manageUserPassword", "manageUserVCard", "manageExternalAccounts", "managerUserSettings",
  "manageUserDevice", "manageUserSharings", "manageUserSubscriptions", "managerUserMailIdentities",
  "canCreateExternalIdentity", "manageUserExternalId", "userCheckAndRepair", "userMailboxMaintenance", "sudo",
  "manageCertificate", "manageGroup", "manageGroupMembers", "manageGroupSharings", "manageResource",
  "manageResourceSharings", "manageResourceType", "manageMailshare", "manageMailshareSharings", "manageDomainAB",
  "manageDomainLDAPAB", "manageDomainABSharings", "manageDomainCal", "manageDomainCalSharings", "manageOU", "showOU",
  "manageRestore", "manageExternalUser",
]);

/** Roles whose descriptor carries the container role `Manage` (withContainerRoles): they grant Manage on containers. */
export const CONTAINER_MANAGE_ROLES: readonly string[] = [
  "manageUser", "manageUserSharings", "manageUserSubscriptions", "manageGroup", "manageGroupSharings", "manageMailbox",
  "manageResource", "manageResourceSharings", "manageMailshare", "manageMailshareSharings", "manageDomainAB",
  "manageDomainSmime", "manageDomainABSharings", "manageDomainCal", "manageDomainCalSharings", "manageDomain",
];

/** Roles anybody who may edit an entry's roles may give (`delegable` descriptors). */
export const DELEGABLE_ROLES = new Set([
  "hasCTI", "hasMail", "hasCalendar", "hasEAS", "hasDAV", "hasTbird", "hasOutlook", "hasAdminConsole", "mailForwarding",
  "apiDocs", "hasMailWebapp", "canUseSmime", "hasWebmail", "canRemoteAttach", "hasDrive", "hasFullVideoconferencing",
  "hasSimpleVideoconferencing",
]);

/** A role and everything it grants, transitively. */
export function expandRoles(roles: Iterable<string>): Set<string> {
  const out = new Set<string>();
  const visit = (role: string) => {
    if (out.has(role)) return;
    out.add(role);
    for (const r of own(GRANTS, role) ?? []) visit(r);
  };
  for (const r of roles) visit(r);
  return out;
}

/** The groups `uid` belongs to, directly or through nested groups. */
export function groupsOf(d: DomainState, uid: string): Set<string> {
  const found = new Set<string>();
  const visit = (memberUid: string) => {
    for (const [groupUid, members] of Object.entries(d.members)) {
      if (found.has(groupUid) || !members.some((m) => m.uid === memberUid)) continue;
      found.add(groupUid);
      visit(groupUid);
    }
  };
  visit(uid);
  return found;
}

/** The roles stored for a user and its groups on the domain (IUser.getResolvedRoles before expansion). */
export function storedRoles(d: DomainState, uid: string): Set<string> {
  const roles = new Set<string>(d.roles[uid] ?? []);
  for (const g of groupsOf(d, uid)) for (const r of d.roles[g] ?? []) roles.add(r);
  return roles;
}

/** The org unit and its ancestors, innermost first (OrgUnitPath.path()); null for an unknown unit. */
export function ouAncestry(d: DomainState, ouUid: string): string[] | null {
  if (!d.orgUnits[ouUid]) return null;
  const path: string[] = [];
  for (let p: string | null = ouUid; p && d.orgUnits[p] && !path.includes(p); p = d.orgUnits[p].value.parentUid) path.push(p);
  return path;
}

/**
 * The administrator roles of `uid` on one org unit, as IOrgUnits.getAdministratorRoles reads them:
 * one stored row among the user's and its groups' (the store reads a single row; the emulator
 * takes the user's own first).
 */
export function adminRolesOn(d: DomainState, ouUid: string, uid: string, groups: Iterable<string>): string[] {
  const admins = d.ouAdmins[ouUid];
  if (!admins) return [];
  for (const who of [uid, ...groups]) if (admins[who]) return [...admins[who]];
  return [];
}

/** SecurityContext.rolesByOU: every org unit the user (or one of its groups) administers, with its roles. */
export function rolesByOU(d: DomainState, uid: string): Record<string, string[]> {
  const groups = [...groupsOf(d, uid)].sort();
  const out: Record<string, string[]> = {};
  for (const [ouUid, admins] of Object.entries(d.ouAdmins)) {
    if (admins[uid] || groups.some((g) => admins[g])) out[ouUid] = adminRolesOn(d, ouUid, uid, groups).sort();
  }
  return out;
}

/** Where a check applies: the whole domain, one directory entry, or one org unit (null = the domain root). */
export type Scope = { entry: string } | { orgUnit: string | null } | null;

/** The entry's org unit, for entries of every kind (an org unit entry is its own unit). */
function orgUnitOfEntry(d: DomainState, uid: string): string | null {
  if (d.orgUnits[uid]) return uid;
  const e = d.users[uid] ?? d.groups[uid] ?? d.mailshares[uid];
  return e?.value.orgUnitUid ?? null;
}

/**
 * The roles a same-domain caller holds for `scope`: its domain roles, plus — for an entry or an org
 * unit — the entry-kind roles it holds as administrator of that unit or of an ancestor, all
 * expanded through the tree. An unknown org unit fails like `getPath(uid).path()` does (an NPE).
 */
export function rolesInScope(d: DomainState, uid: string, scope: Scope): Set<string> {
  const roles = expandRoles(storedRoles(d, uid));
  let ouUid: string | null = null;
  if (scope && "entry" in scope) ouUid = orgUnitOfEntry(d, scope.entry);
  else if (scope && "orgUnit" in scope && scope.orgUnit !== null) {
    if (!d.orgUnits[scope.orgUnit]) throw npe();
    ouUid = scope.orgUnit;
  }
  if (ouUid === null) return roles;
  const groups = groupsOf(d, uid);
  for (const unit of ouAncestry(d, ouUid) ?? []) {
    const held = adminRolesOn(d, unit, uid, groups).filter((r) => ENTRY_KIND_ROLES.has(r));
    for (const r of expandRoles(held)) roles.add(r);
  }
  return roles;
}

/**
 * Whether the session holds any of `roles` for the scope. admin0 passes everything; callers of
 * another domain pass nothing; a domain-level `admin` passes every check of its domain (an
 * emulator shortcut: the real tree gives admins almost every role).
 */
export function can(store: Store, session: Session | null, domainUid: string, roles: readonly string[], scope: Scope = null): boolean {
  if (!session) return false;
  if (session.admin0) return true;
  if (session.domainUid !== domainUid) return false;
  const d = store.state.domains[domainUid];
  if (!d) return false;
  // The org unit path is looked up before any role is compared: an unknown unit fails for every
  // same-domain caller, domain admins included.
  if (scope && "orgUnit" in scope && scope.orgUnit !== null && !d.orgUnits[scope.orgUnit]) throw npe();
  if (storedRoles(d, session.userUid).has("admin")) return true;
  const held = rolesInScope(d, session.userUid, scope);
  return roles.some((r) => held.has(r));
}

/** RBACManager.canAll for delegating roles on an org unit: each one held there and bound to an entry kind. */
export function canDelegateOnOrgUnit(store: Store, session: Session | null, domainUid: string, ouUid: string, roles: Iterable<string>): boolean {
  if (session?.admin0) return true;
  return [...roles].every((r) => ENTRY_KIND_ROLES.has(r) && can(store, session, domainUid, [r], { orgUnit: ouUid }));
}

/**
 * IUser / IGroup.setRoles: the roles neither delegable nor already held by the entry must all be
 * roles the caller holds on the domain (unless it is admin0); returns the missing ones.
 */
export function missingToAssign(store: Store, session: Session, domainUid: string, previous: string[], roles: string[]): string[] {
  if (session.admin0) return [];
  const d = store.state.domains[domainUid];
  if (!d || session.domainUid !== domainUid) return roles.filter((r) => !DELEGABLE_ROLES.has(r) && !previous.includes(r));
  const mine = storedRoles(d, session.userUid);
  if (mine.has("admin")) return [];
  const held = expandRoles(mine);
  return [...new Set(roles)].filter((r) => !DELEGABLE_ROLES.has(r) && !previous.includes(r) && !held.has(r));
}

/** Whether the session is an administrator (any roles) of the org unit or of one of its ancestors (DirEntryMaintenance). */
export function isOrgUnitAdmin(d: DomainState, session: Session, ouUid: string | null): boolean {
  if (ouUid === null || session.domainUid !== d.item.uid) return false;
  const groups = groupsOf(d, session.userUid);
  return (ouAncestry(d, ouUid) ?? []).some((unit) => {
    const admins = d.ouAdmins[unit];
    return !!admins && (!!admins[session.userUid] || [...groups].some((g) => admins[g]));
  });
}
