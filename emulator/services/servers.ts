// IServer (read side) — /api/servers/{containerUid} (docs/bluemind-api.md §2.9; ServerServiceFactory,
// ServerService.java). `default` names the installation container; its real uid is accepted too,
// anything else is 404 `container X not found`. Routing quirk: the literal `_complete` shadows
// `{uid}`, so a server whose uid is `_complete` cannot be addressed.
import type { Router } from "../router";
import type { Ctx } from "../context";
import type { Assignment } from "../model";
import { notFound } from "../faults";
import { requireAnyRole } from "../directory-rbac";

const READ_ROLES = ["domainManager", "manageServer"];

function checkContainer(ctx: Ctx): void {
  const uid = ctx.params.containerUid;
  if (uid !== "default" && uid !== ctx.emu.store.state.installation) throw notFound(`container ${uid} not found`);
}

/**
 * Reading servers: admin0, or domain admins / domainManager holders, checked on the caller's own
 * domain ("because domain admin can read server").
 */
function requireServerRead(ctx: Ctx): void {
  const s = ctx.requireSession();
  requireAnyRole(ctx, s.domainUid, ...READ_ROLES);
}

const copy = (assignments: Assignment[]): Assignment[] => assignments.map((a) => ({ ...a }));

export function register(r: Router): void {
  const base = "/api/servers/{containerUid}";

  r.get(`${base}/_complete`, (ctx) => {
    checkContainer(ctx);
    requireServerRead(ctx);
    return Object.values(ctx.emu.store.state.servers).map((s) => structuredClone(s));
  });

  r.get(`${base}/{uid}/complete`, (ctx) => {
    checkContainer(ctx);
    requireServerRead(ctx);
    const server = ctx.emu.store.state.servers[ctx.params.uid];
    return server ? structuredClone(server) : null;
  });

  // Assignments of a domain: the check is on that domain (its admins, or admin0).
  r.get(`${base}/{domainUid}/assignments`, (ctx) => {
    checkContainer(ctx);
    requireAnyRole(ctx, ctx.params.domainUid, ...READ_ROLES);
    return copy(ctx.emu.store.state.assignments.filter((a) => a.domainUid === ctx.params.domainUid));
  });

  // A missing `tag` is a null String: it equals no assignment tag, the list is empty.
  r.get(`${base}/{domainUid}/byAssignment`, (ctx) => {
    checkContainer(ctx);
    requireAnyRole(ctx, ctx.params.domainUid, ...READ_ROLES);
    const tag = ctx.query.get("tag");
    return ctx.emu.store.state.assignments
      .filter((a) => a.domainUid === ctx.params.domainUid && a.tag === tag)
      .map((a) => a.serverUid);
  });

  r.get(`${base}/{uid}/serverAssignments`, (ctx) => {
    checkContainer(ctx);
    requireServerRead(ctx);
    return copy(ctx.emu.store.state.assignments.filter((a) => a.serverUid === ctx.params.uid));
  });
}
