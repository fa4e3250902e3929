// IOrgUnits — /api/directory/_ou/{domain} (domain uid or alias), following OrgUnits.java,
// OrgUnitContainerStoreService.java and OrgUnitStore.java (bluemind-api.md §2.8). Routing quirk:
// the literal `_ou` at depth 3 shadows IDirectory's `{domain}`, so a domain named `_ou` has no
// reachable directory — nothing to do here, the router reproduces it.
import type { Router } from "../router";
import type { Ctx } from "../context";
import type { DirKind, ItemValue, OrgUnit, OrgUnitPath } from "../model";
import { alreadyExists, invalid, notFound, parseError } from "../faults";
import type { DomainState } from "../store";
import { entriesOf, orgUnitPath } from "../entries";
import { canManageKind, findDirEntry, ilike, javaSubList, primitive, requireDirectoryRead } from "./directory";

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
  ctx.requireRole(d.item.uid, "manageOU");
  if (ou.parentUid !== null && !d.orgUnits[ou.parentUid]) throw notFound(`ou ${ou.parentUid} not found`);
  if (pathExists(d, ou.name, ou.parentUid)) throw alreadyThere(ou);
  validateName(ou.name);
  // Org units live in the directory container: their uid space is shared with every entry.
  if (findDirEntry(d, uid)) throw alreadyExists(`entry[uid - ${uid}]@${d.item.uid} already exists (${ou.name})`);
  d.orgUnits[uid] = ctx.emu.store.newItem(uid, { name: ou.name, parentUid: ou.parentUid }, ctx.session!.userUid, ou.name);
}

function update(ctx: Ctx, d: DomainState, uid: string, ou: OrgUnit): void {
  ctx.requireRole(d.item.uid, "manageOU");
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
  ctx.requireRole(d.item.uid, "manageOU");
  const item = existingOrgUnit(d, uid);
  if (Object.values(d.orgUnits).some((ou) => ou.value.parentUid === uid)) {
    throw invalid(`ou ${item.value.name} has children`);
  }
  if (entriesOf(d).some((e) => e.item.value.orgUnitUid === uid)) throw invalid(`ou ${item.value.name} has members`);
  // OU administrators are not stored by the emulator, so "has administrators" never applies.
  delete d.orgUnits[uid];
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
  r.get(`${base}/{uid}/_administrators`, (ctx) => {
    ctx.requiredQuery("hierarchical");
    const d = domainOf(ctx);
    ctx.requireRole(d.item.uid, "manageOU");
    existingOrgUnit(d, ctx.params.uid);
    return [];
  });
}
