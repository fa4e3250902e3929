// IDomains — /api/domains, and IDomainSettings — /api/domains/{containerUid}/_settings
// (docs/bluemind-api.md §2.7). A domain's uid is its name; `defaultAlias` is the name or an alias.
import type { Transport } from "./transport";
import type { Domain, DomainSettings, ItemValue } from "./types";

export class DomainService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  /** The domain by uid (exact), or null. */
  async get(uid: string): Promise<ItemValue<Domain> | null> {
    const domain = await this.t.json<ItemValue<Domain>>({ endpoint: "IDomains.get", params: { uid }, repeat: "read" });
    if (domain) this.remember(domain);
    return domain;
  }

  /** Every domain the caller may see (all of them for admin0), cached for the run. */
  async all(fresh = false): Promise<ItemValue<Domain>[]> {
    const domains = await this.t.cache.get(null, "IDomains.all", () => this.t.list<ItemValue<Domain>>({
      endpoint: "IDomains.all", params: {}, repeat: "read",
    }), fresh);
    for (const d of domains) this.remember(d);
    return domains;
  }

  /** The domain whose name or one of whose aliases is `name`; null when none. Cached for the run. */
  async findByNameOrAliases(name: string, fresh = false): Promise<ItemValue<Domain> | null> {
    const domain = await this.t.cache.get(null, `IDomains.findByNameOrAliases ${name.toLowerCase()}`, () => this.t.json<ItemValue<Domain>>({
      endpoint: "IDomains.findByNameOrAliases", params: {}, query: { name: name.toLowerCase() }, repeat: "read",
    }), fresh);
    if (domain) this.remember(domain);
    return domain;
  }

  /** Domain settings as strings (`mail_routing_relay`, `mailbox_max_publicfolder_quota` in KiB, …). */
  async getSettings(domainUid: string): Promise<DomainSettings> {
    return (await this.t.json<DomainSettings>({ endpoint: "IDomainSettings.get", params: { containerUid: domainUid }, repeat: "read" })) ?? {};
  }

  /** The same settings, read once for the run (bmshare never writes them). */
  settings(domainUid: string): Promise<DomainSettings> {
    return this.t.cache.get(domainUid, "IDomainSettings.get", () => this.getSettings(domainUid));
  }

  /** Teaches the run cache the domain's aliases (invalidating by alias then works). */
  private remember(domain: ItemValue<Domain>): void {
    this.t.cache.noteDomain(domain.uid, domain.value.aliases ?? []);
  }
}
