// IOrgUnits — /api/directory/_ou/{domain}: delegation units (docs/bluemind-api.md §2.8). A mailshare's
// delegation is its `orgUnitUid`; an unknown uid is silently stored as null by the server, so
// validate uids (getComplete) before use.
import type { Transport } from "./transport";
import type { ItemValue, OrgUnit, OrgUnitPath, OrgUnitQuery } from "./types";

/** `/Europe/Paris` for a nested OrgUnitPath. */
export function formatOrgUnitPath(path: OrgUnitPath): string {
  const names: string[] = [];
  for (let p: OrgUnitPath | null = path; p; p = p.parent) names.unshift(p.name);
  return `/${names.join("/")}`;
}

export class OrgUnitService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  /** The org unit, or null when unknown (204). */
  getComplete(domain: string, uid: string): Promise<ItemValue<OrgUnit> | null> {
    return this.t.json<ItemValue<OrgUnit>>({ endpoint: "IOrgUnits.getComplete", params: { domain, uid }, repeat: "read" });
  }

  getChildren(domain: string, uid: string): Promise<ItemValue<OrgUnit>[]> {
    return this.t.list<ItemValue<OrgUnit>>({ endpoint: "IOrgUnits.getChildren", params: { domain, uid }, repeat: "read" });
  }

  /** The unit with its parents nested; null when unknown. */
  getPath(domain: string, uid: string): Promise<OrgUnitPath | null> {
    return this.t.json<OrgUnitPath>({ endpoint: "IOrgUnits.getPath", params: { domain, uid }, repeat: "read" });
  }

  /** Case-insensitive substring match on the `/`-joined path (a POST read); everything by default. */
  search(domain: string, query: OrgUnitQuery): Promise<OrgUnitPath[]> {
    return this.t.list<OrgUnitPath>({
      endpoint: "IOrgUnits.search", params: { domain }, body: { kind: "json", value: { from: 0, size: -1, ...query } }, repeat: "read",
    });
  }

  /** The same search, cached for the run. */
  searchCached(domain: string, query: OrgUnitQuery, fresh = false): Promise<OrgUnitPath[]> {
    return this.t.cache.get(domain, `IOrgUnits.search ${JSON.stringify(query)}`, () => this.search(domain, query), fresh);
  }
}
