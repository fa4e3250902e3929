// IOrgUnits — /api/directory/_ou/{domain} (domain uid or alias), following OrgUnits.java,
// OrgUnitContainerStoreService.java and OrgUnitStore.java (docs/bluemind-api.md §2.8). Routing quirk:
// the literal `_ou` at depth 3 shadows IDirectory's `{domain}`, so a domain named `_ou` has no
// reachable directory — nothing to do here, the router reproduces it.
import type { Router } from "../router";
import type { Ctx } from "../context";
import type { DirKind, ItemValue, OrgUnit, OrgUnitPath } from "../model";
import { alreadyExists, denied, invalid, notFound, parseError } from "../faults";
import { table } from "../table";
import { adminRolesOn, can, canDelegateOnOrgUnit, ouAncestry } from "../rbac";
import type { DomainState } from "../store";
import { hasEntryInOrgUnit, orgUnitPath } from "../entries";
import { findDirEntry } from "./directory";
import { canManageKind, requireDirectoryRead } from "../directory-rbac";
import { ilike, javaSubList } from "../matching";
import { primitive } from "../codec";

function parseOrgUnit(raw: Record<string, unknown>): OrgUnit {
  const field = (v: unknown): string | null => {
    if (v === undefined || v === null) return null;
    if (typeof v !== "string") throw parseError();
    return v;
  };
  return { name: field(raw.name) as string, parentUid: field(raw.parentUid) };
}

/** The `/`-joined path of an org unit from the root, e.g. `Europe/Paris` (OrgUnitStore.search). */
function joinedPath(d: DomainState, uid: string): string {
  const names: string[] = [];
  for (let p = orgUnitPath(d, uid); p; p = p.parent) names.unshift(p.name);
  return names.join("/");
}

/** OrgUnitStore.pathExists: `name ILIKE ?` among the children of `parentUid` (or the roots). */
function pathExists(d: DomainState, name: string | null, parentUid: string | null): boolean {
  if (name === null) return false;
  const parent = parentUid === "" ? null : parentUid;
  return Object.values(d.orgUnits).some((ou) => ou.value.parentUid === parent && ilike(ou.value.name, name));
}

/**
 * Validation of OrgUnit.name (§2.8): a name is required and may not contain `/`, the path
 * separator of searches and of the admin console.
 */
function validateName(name: string | null): void {
  if (name === null || name.trim() === "") throw invalid("OrgUnit name must not be empty");
  if (name.includes("/")) throw invalid(`OrgUnit name '${name}' must not contain '/'`);
}

function existingOrgUnit(d: DomainState, uid: string): ItemValue<OrgUnit> {
  const item = d.orgUnits[uid];
  if (!item) throw notFound(`ou ${uid} not found`);
  return item;
}

const alreadyThere = (ou: OrgUnit) => alreadyExists(`ou ${ou.parentUid}/ ${ou.name} already exists`);

function create(ctx: Ctx, d: DomainState, uid: string, ou: OrgUnit): void {
  // Under a parent, manageOU delegated on the parent (or an ancestor) is enough.
  ctx.requireRole(d.item.uid, "manageOU", ou.parentUid !== null ? { orgUnit: ou.parentUid } : null);
  if (ou.parentUid !== null && !d.orgUnits[ou.parentUid]) throw notFound(`ou ${ou.parentUid} not found`);
  if (pathExists(d, ou.name, ou.parentUid)) throw alreadyThere(ou);
  validateName(ou.name);
  // Org units live in the directory container: their uid space is shared with every entry.
  if (findDirEntry(d, uid)) throw alreadyExists(`entry[uid - ${uid}]@${d.item.uid} already exists (${ou.name})`);
  d.orgUnits[uid] = ctx.emu.store.newItem(uid, { name: ou.name, parentUid: ou.parentUid }, ctx.session!.userUid, ou.name);
}

function update(ctx: Ctx, d: DomainState, uid: string, ou: OrgUnit): void {
  ctx.requireRole(d.item.uid, "manageOU", { entry: uid });
  const item = existingOrgUnit(d, uid);
  const renamed = ou.name === null || item.value.name.toLowerCase() !== ou.name.toLowerCase();
  if (renamed && pathExists(d, ou.name, ou.parentUid)) throw alreadyThere(ou);
  validateName(ou.name);
  if (item.value.parentUid !== ou.parentUid) throw invalid("Parent change is not allowed");
  item.value = { name: ou.name, parentUid: item.value.parentUid };
  item.displayName = ou.name;
  ctx.emu.store.touch(item, ctx.session!.userUid);
}

function remove(ctx: Ctx, d: DomainState, uid: string): void {
  ctx.requireRole(d.item.uid, "manageOU", { entry: uid });
  const item = existingOrgUnit(d, uid);
  if (Object.values(d.orgUnits).some((ou) => ou.value.parentUid === uid)) {
    throw invalid(`ou ${item.value.name} has children`);
  }
  if (hasEntryInOrgUnit(d, uid)) throw invalid(`ou ${item.value.name} has members`);
  if (Object.keys(d.ouAdmins[uid] ?? {}).length > 0) throw invalid(`ou ${item.value.name} has administrators`);
  delete d.orgUnits[uid];
  delete d.ouAdmins[uid];
}

/**
 * OrgUnitContainerStoreService.search, quirks included: the query is matched with
 * `path ILIKE '%' || query || '%'` (so a null query is the text "null"), and the page is cut
 * with `subList(from, min(from + size, n - from))` — or `subList(from, n - from)` for size -1.
 */
function search(ctx: Ctx, d: DomainState, raw: Record<string, unknown>): OrgUnitPath[] {
  const query = raw.query ?? null;
  if (query !== null && typeof query !== "string") throw parseError();
  const from = primitive(raw.from, 0);
  const size = primitive(raw.size, -1);
  const kinds = raw.managableKinds ?? null;
  if (kinds !== null && !Array.isArray(kinds)) throw parseError();
  // With managableKinds the caller only sees the units it manages those kinds in; the emulator
  // knows domain-wide roles only: either every unit or none.
  if (kinds && kinds.length > 0 && !(kinds as DirKind[]).some((k) => canManageKind(ctx, d, k))) return [];
  const matching = Object.keys(d.orgUnits)
    .map((uid) => ({ uid, path: joinedPath(d, uid) }))
    .filter((ou) => ilike(ou.path, `%${query}%`))
    .sort((a, b) => a.path.localeCompare(b.path, "en"));
  const n = matching.length;
  const page = javaSubList(matching, from, size !== -1 ? Math.min(from + size, n - from) : n - from);
  return page.map((ou) => orgUnitPath(d, ou.uid) as OrgUnitPath);
}

export function register(r: Router): void {
  const base = "/api/directory/_ou/{domain}";
  const domainOf = (ctx: Ctx) => ctx.emu.store.domain(ctx.params.domain);
  const body = (ctx: Ctx) => parseOrgUnit(ctx.object());

  r.get(`${base}/{uid}/complete`, (ctx) => {
    const d = domainOf(ctx);
    requireDirectoryRead(ctx, d);
    const item = d.orgUnits[ctx.params.uid];
    return item ? structuredClone(item) : null;
  });

  r.get(`${base}/{uid}/path`, (ctx) => {
    const d = domainOf(ctx);
    requireDirectoryRead(ctx, d);
    return orgUnitPath(d, ctx.params.uid);
  });

  // No RBAC in OrgUnits.getChildren. Any directory item is accepted as parent (a user simply has
  // no child units); an uid that is no item at all is 404 "direntry not found ".
  r.get(`${base}/{uid}/_children`, (ctx) => {
    const d = domainOf(ctx);
    if (!findDirEntry(d, ctx.params.uid)) throw notFound("direntry not found ");
    return Object.values(d.orgUnits)
      .filter((ou) => ou.value.parentUid === ctx.params.uid)
      .sort((a, b) => a.internalId - b.internalId)
      .map((ou) => structuredClone(ou));
  });

  r.post(`${base}/_search`, (ctx) => {
    const d = domainOf(ctx);
    requireDirectoryRead(ctx, d);
    return search(ctx, d, ctx.object());
  });

  r.put(`${base}/{uid}`, (ctx) => {
    const d = domainOf(ctx);
    create(ctx, d, ctx.params.uid, body(ctx));
  });

  r.post(`${base}/{uid}`, (ctx) => {
    const d = domainOf(ctx);
    update(ctx, d, ctx.params.uid, body(ctx));
  });

  r.delete(`${base}/{uid}`, (ctx) => remove(ctx, domainOf(ctx), ctx.params.uid));

  // `hierarchical` is a primitive boolean: the call fails (500) without it, before any check.
  // Needs showOU for the unit (manageOU grants it); hierarchical adds the ancestors' administrators.
  r.get(`${base}/{uid}/_administrators`, (ctx) => {
    const hierarchical = ctx.requiredQuery("hierarchical").toLowerCase() === "true";
    const d = domainOf(ctx);
    const uid = ctx.params.uid;
    if (!can(ctx.emu.store, ctx.session, d.item.uid, ["showOU"], d.orgUnits[uid] ? { orgUnit: uid } : null)) {
      throw denied(`${ctx.session?.userUid ?? "anonymous"}@${ctx.session?.domainUid ?? "global.virt"} Doesnt have role showOU`);
    }
    existingOrgUnit(d, uid);
    const units = hierarchical ? ouAncestry(d, uid) ?? [] : [uid];
    return [...new Set(units.flatMap((unit) => Object.keys(d.ouAdmins[unit] ?? {})))].sort();
  });

  // setAdministratorRoles: the roles not already held there must all be roles the caller may
  // delegate on that unit; an empty set removes the administrator.
  r.post(`${base}/{uid}/{dirUid}/_set`, (ctx) => {
    const d = domainOf(ctx);
    const { uid, dirUid } = ctx.params;
    const roles = stringList(ctx.list());
    existingOrgUnit(d, uid);
    const current = d.ouAdmins[uid]?.[dirUid] ?? [];
    const toCheck = [...new Set(roles)].filter((r) => !current.includes(r));
    if (!canDelegateOnOrgUnit(ctx.emu.store, ctx.session, d.item.uid, uid, toCheck)) {
      throw denied(`not enough roles for setting roles [${toCheck.join(", ")}]`);
    }
    if (!findDirEntry(d, dirUid)) throw notFound("direntry not found ");
    const admins = (d.ouAdmins[uid] ??= table());
    if (roles.length === 0) delete admins[dirUid];
    else admins[dirUid] = [...new Set(roles)];
  });

  // getAdministratorRoles(uid, dirUid, groups): manageOU for the unit, or the administrator itself
  // (or a domainManager for it); the roles of one stored row among dirUid's and the groups'.
  r.post(`${base}/{uid}/{dirUid}`, (ctx) => {
    const d = domainOf(ctx);
    const { uid, dirUid } = ctx.params;
    const groups = stringList(ctx.list());
    const s = ctx.session;
    const self = !!s && !s.admin0 && s.domainUid === d.item.uid && s.userUid === dirUid;
    if (!self && !can(ctx.emu.store, s, d.item.uid, ["manageOU"], { entry: uid }) &&
      !can(ctx.emu.store, s, d.item.uid, ["domainManager"], { entry: dirUid })) {
      throw denied(`Doesnt have roles to access adminstrator ${dirUid} of OrgUnit ${uid}`);
    }
    existingOrgUnit(d, uid);
    if (![dirUid, ...groups].some((who) => findDirEntry(d, who))) throw notFound("direntry not found ");
    return adminRolesOn(d, uid, dirUid, groups).sort();
  });

  // listByAdministrator: the units where the administrator or one of the groups has roles.
  r.post(`${base}/_byAdmin`, (ctx) => {
    const d = domainOf(ctx);
    const administrator = ctx.query.get("administrator") ?? "";
    const groups = stringList(ctx.list());
    const s = ctx.session;
    const self = !!s && !s.admin0 && s.domainUid === d.item.uid && s.userUid === administrator;
    if (!self) ctx.requireRole(d.item.uid, "domainManager", { entry: administrator });
    const who = [administrator, ...groups];
    if (!who.some((x) => findDirEntry(d, x))) throw notFound("direntry not found ");
    return Object.keys(d.ouAdmins)
      .filter((ou) => d.orgUnits[ou] && who.some((x) => d.ouAdmins[ou][x]))
      .map((ou) => orgUnitPath(d, ou) as OrgUnitPath);
  });

  // removeAdministrator: OrgUnits computes `can(admin)` and ignores the answer, so nothing is checked.
  r.delete(`${base}/_deleteadmin`, (ctx) => {
    const d = domainOf(ctx);
    const administrator = ctx.query.get("administrator");
    for (const admins of Object.values(d.ouAdmins)) if (administrator !== null) delete admins[administrator];
  });
}

/** A `Set<String>` / `List<String>` body. */
function stringList(raw: unknown[]): string[] {
  if (raw.some((r) => typeof r !== "string")) throw parseError();
  return raw as string[];
}
