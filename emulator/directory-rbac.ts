// The directory's permission checks that several services share (BlueMind's RBAC checks of
// IDirectory, IUser, IGroup, IOrgUnits, IServer), on top of the role model of rbac.ts.
import type { Ctx } from "./context";
import type { DirKind } from "./model";
import { denied } from "./faults";
import type { DomainState } from "./store";

/** Who the caller is, as RBAC failure messages name it. */
function callerName(ctx: Ctx): string {
  return ctx.session ? ctx.session.login : "anonymous";
}

/**
 * `rbacManager.check(Read, admin)` on the directory container: domain users hold Read on their
 * own domain's directory, admin0 passes, anybody else (anonymous, other domains) gets 403.
 */
export function requireDirectoryRead(ctx: Ctx, d: DomainState): void {
  const s = ctx.session;
  if (s && (s.admin0 || s.domainUid === d.item.uid)) return;
  throw denied(`${callerName(ctx)} has no role Read on ${d.item.uid}`);
}

/** `rbacManager.check(role1, role2, …)`: passes when the caller holds any of the roles. */
export function requireAnyRole(ctx: Ctx, domainUid: string, ...roles: string[]): void {
  const s = ctx.session;
  if (s && roles.some((role) => ctx.emu.sessions.hasRole(s, domainUid, role))) return;
  throw denied(`${callerName(ctx)} has none of the roles ${roles.join(", ")} on ${domainUid}`);
}

/** `ROLE_SELF` or any of `roles`: the entry itself may read its own data. */
export function requireSelfOrRole(ctx: Ctx, d: DomainState, entryUid: string, ...roles: string[]): void {
  const s = ctx.session;
  if (s && !s.admin0 && s.domainUid === d.item.uid && s.userUid === entryUid) return;
  requireAnyRole(ctx, d.item.uid, ...roles);
}

/** The role that makes a kind of entry "manageable" (DirEntryPermission of the RBAC resolver). */
const MANAGE_ROLE: Partial<Record<DirKind, string>> = {
  USER: "manageUser", GROUP: "manageGroup", MAILSHARE: "manageMailshare", RESOURCE: "manageResource",
  ORG_UNIT: "manageOU", EXTERNALUSER: "manageExternalUser",
};

/** Whether the caller may manage entries of `kind` at the domain root. */
export function canManageKind(ctx: Ctx, d: DomainState, kind: DirKind): boolean {
  const s = ctx.session;
  if (!s) return false;
  if (s.admin0) return true;
  const role = MANAGE_ROLE[kind];
  return role !== undefined && ctx.emu.sessions.hasRole(s, d.item.uid, role);
}
