// IDomains (read side) — /api/domains, and IDomainSettings — /api/domains/{containerUid}/_settings
// (docs/bluemind-api.md §2.7; DomainsService.java). `{uid}` is the exact domain uid here, not an alias.
// Routing quirk: the literal `_lookup` shadows `{uid}` at the same depth.
import type { Router } from "../router";
import { StringResult, type Ctx } from "../context";
import type { Domain, ItemValue } from "../model";
import { denied, npe, parseError } from "../faults";
import { table, type Table } from "../table";
import type { DomainState } from "../store";
import type { Session } from "../sessions";

/** Domain admins (and admin0) see the domain's properties; everybody else gets them emptied. */
function served(ctx: Ctx, d: DomainState): ItemValue<Domain> {
  const out = structuredClone(d.item);
  const s = ctx.session;
  if (!s || !ctx.emu.sessions.hasRole(s, d.item.uid, "admin")) out.value.properties = {};
  return out;
}

/** DomainsService.get / findByNameOrAliases: another domain than the caller's needs its `admin`. */
function requireAccess(ctx: Ctx, domainUid: string): void {
  const s = ctx.session;
  if (s && s.domainUid === domainUid) return;
  ctx.requireRole(domainUid, "admin");
}

/**
 * A Map<String, String> body: scalars are coerced to text as Jackson does, objects refused; a
 * null value leaves the key out (emulator choice: settings hold strings only).
 */
function settingsBody(ctx: Ctx): Table<string> {
  const raw = ctx.json();
  if (raw === null) throw npe();
  if (typeof raw !== "object" || Array.isArray(raw)) throw parseError();
  const out = table<string>();
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (value === null) continue;
    if (typeof value === "object") throw parseError();
    out[key] = String(value);
  }
  return out;
}

export function register(r: Router): void {
  // all(): manageDomain holders (admin0) get every domain, global.virt included; anybody else
  // only the domain of its session. Anonymous callers are refused (emulator choice: the
  // anonymous context has no domain to list).
  r.get("/api/domains", (ctx) => {
    const s: Session = ctx.requireSession();
    const store = ctx.emu.store;
    if (s.admin0) return Object.values(store.state.domains).map((d) => served(ctx, d));
    const own = store.state.domains[s.domainUid];
    return own ? [served(ctx, own)] : [];
  });

  r.get("/api/domains/_lookup", (ctx) => {
    if (!ctx.session) throw denied("anonymous access is not allowed");
    const name = ctx.query.get("name");
    const d = name === null ? undefined : ctx.emu.store.findDomain(name);
    if (!d) return null;
    requireAccess(ctx, d.item.uid);
    return served(ctx, d);
  });

  r.get("/api/domains/{uid}", (ctx) => {
    const uid = ctx.params.uid;
    requireAccess(ctx, uid);
    const d = ctx.emu.store.state.domains[uid];
    return d ? served(ctx, d) : null;
  });

  // getExternalUrl: the domain's `external_url` setting, null (204) when none is set (the real
  // service falls back to the installation's URL, which the emulator does not have).
  r.get("/api/domains/{uid}/externalurl", (ctx) => {
    const d = ctx.emu.store.exactDomain(ctx.params.uid);
    requireAccess(ctx, d.item.uid);
    const url = d.settings.external_url;
    return url ? new StringResult(url) : null;
  });

  r.get("/api/domains/{containerUid}/_settings", (ctx) => {
    const d = ctx.emu.store.exactDomain(ctx.params.containerUid);
    ctx.requireRole(d.item.uid, "domainManager");
    return { ...d.settings };
  });

  // set() replaces the whole map: keys left out are removed.
  r.put("/api/domains/{containerUid}/_settings", (ctx) => {
    const d = ctx.emu.store.exactDomain(ctx.params.containerUid);
    const settings = settingsBody(ctx);
    ctx.requireRole(d.item.uid, "admin");
    d.settings = settings;
  });
}
