// IMailboxes — /api/mailboxes/{domainUid}: lookups, quota, and the per-mailbox filter (rules,
// vacation, forwarding) and sharing ACL. A mailshare *is* a mailbox with the same uid; create and
// update it with IMailshare. The domain parameter accepts the domain uid or an alias.
import type { Transport } from "./transport";
import type {
  AccessControlEntry, Forwarding, ItemValue, MailFilter, MailFilterRule, Mailbox, MailboxConfig, MailboxQuota,
  MailboxType, Routing, RuleMoveDirection, RulePosition, Vacation,
} from "./types";
import type { Invalidation } from "./cache";
import { MailboxList } from "./directory-lists";

/** A write to a mailbox's filter drops the filter the run read. */
const filterWrite = (domain: string, mailboxUid: string): Invalidation => ({ domain, tags: [`filter:${mailboxUid}`] });

export class MailboxService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  // -- lookups ---------------------------------------------------------------------------------

  /** The mailbox, or null when unknown (204). */
  getComplete(domainUid: string, uid: string): Promise<ItemValue<Mailbox> | null> {
    return this.t.json<ItemValue<Mailbox>>({ endpoint: "IMailboxes.getComplete", params: { domainUid, uid }, repeat: "read" });
  }

  /**
   * The mailbox owning an address (explicit, or an all-aliases address with that local part), or
   * null. The server does not lower-case it, so the client does.
   */
  byEmail(domainUid: string, email: string): Promise<ItemValue<Mailbox> | null> {
    return this.t.json<ItemValue<Mailbox>>({
      endpoint: "IMailboxes.byEmail", params: { domainUid }, query: { email: email.toLowerCase() }, repeat: "read",
    });
  }

  /** Exact, case-sensitive match on the mailbox name; null when none. */
  byName(domainUid: string, name: string): Promise<ItemValue<Mailbox> | null> {
    return this.t.json<ItemValue<Mailbox>>({ endpoint: "IMailboxes.byName", params: { domainUid }, query: { name }, repeat: "read" });
  }

  /** Uids of the mailboxes of a type. Quirk: the type travels in a query parameter named `email`. */
  byType(domainUid: string, type: MailboxType): Promise<string[]> {
    return this.t.list<string>({ endpoint: "IMailboxes.byType", params: { domainUid }, query: { email: type }, repeat: "read" });
  }

  /** Uids of the mailboxes with a routing. Same quirk: the query parameter is named `email`. */
  byRouting(domainUid: string, routing: Routing): Promise<string[]> {
    return this.t.list<string>({ endpoint: "IMailboxes.byRouting", params: { domainUid }, query: { email: routing }, repeat: "read" });
  }

  list(domainUid: string): Promise<ItemValue<Mailbox>[]> {
    return this.t.list<ItemValue<Mailbox>>({ endpoint: "IMailboxes.list", params: { domainUid }, repeat: "read" });
  }

  /**
   * The domain's mailboxes as the run knows them, indexed by name and address: `_list` read once,
   * each mailbox written since read again alone when next needed (directory-lists.ts).
   */
  listed(domainUid: string): MailboxList {
    return this.t.cache.collection(domainUid, "IMailboxes.list", () => new MailboxList(
      () => this.list(domainUid), (uid) => this.getComplete(domainUid, uid),
    ));
  }

  listUids(domainUid: string): Promise<string[]> {
    return this.t.list<string>({ endpoint: "IMailboxes.listUids", params: { domainUid }, repeat: "read" });
  }

  /** Several mailboxes in one round trip (unknown uids are left out). */
  multipleGet(domainUid: string, uids: string[]): Promise<ItemValue<Mailbox>[]> {
    if (uids.length === 0) return Promise.resolve([]);
    return this.t.list<ItemValue<Mailbox>>({
      endpoint: "IMailboxes.multipleGet", params: { domainUid }, body: { kind: "json", value: uids }, repeat: "read",
    });
  }

  // -- quota -----------------------------------------------------------------------------------

  /** `{used, quota}` in KiB. An unknown uid makes the server fail (500 NullPointerException). */
  getMailboxQuota(domainUid: string, uid: string): Promise<MailboxQuota> {
    return this.t.required<MailboxQuota>({ endpoint: "IMailboxes.getMailboxQuota", params: { domainUid, uid }, repeat: "read" });
  }

  /** `{quota, messageMaxSize}`; unknown uid → NotFoundError. */
  getMailboxConfig(domainUid: string, uid: string): Promise<MailboxConfig> {
    return this.t.required<MailboxConfig>({ endpoint: "IMailboxes.getMailboxConfig", params: { domainUid, uid }, repeat: "read" });
  }

  // -- filter, vacation, forwarding ------------------------------------------------------------

  /** Rules plus the vacation and forwarding split out of the first VACATION / FORWARD rules. */
  getMailboxFilter(domainUid: string, mailboxUid: string): Promise<MailFilter> {
    return this.t.required<MailFilter>({ endpoint: "IMailboxes.getMailboxFilter", params: { domainUid, mailboxUid }, repeat: "read" });
  }

  /**
   * The filter as the run read it: rules, vacation and forwarding come in one answer, so one read
   * serves every resource that owns a part of it. Dropped by any filter write through this client.
   * A read-modify-write reads `getMailboxFilter` instead.
   */
  filter(domainUid: string, mailboxUid: string): Promise<MailFilter> {
    return this.t.cache.get(domainUid, `IMailboxes.getMailboxFilter ${mailboxUid}`, () => this.getMailboxFilter(domainUid, mailboxUid),
      false, [`filter:${mailboxUid}`, `entry:${mailboxUid}`]);
  }

  /**
   * Replaces the whole filter: every rule is re-created (new ids every time), the vacation and
   * forwarding always stored. Repeat: "replace" — the same full filter twice gives the same rules
   * (only the ids differ, and they change on every save anyway).
   */
  setMailboxFilter(domainUid: string, mailboxUid: string, filter: MailFilter): Promise<void> {
    return this.t.void({
      endpoint: "IMailboxes.setMailboxFilter", params: { domainUid, mailboxUid }, body: { kind: "json", value: filter },
      repeat: "replace", invalidates: filterWrite(domainUid, mailboxUid),
    });
  }

  getMailboxVacation(domainUid: string, mailboxUid: string): Promise<Vacation> {
    return this.t.required<Vacation>({ endpoint: "IMailboxes.getMailboxVacation", params: { domainUid, mailboxUid }, repeat: "read" });
  }

  /** Upserts the (first) VACATION rule, rules and forwarding untouched. Repeat: "replace". */
  setMailboxVacation(domainUid: string, mailboxUid: string, vacation: Vacation): Promise<void> {
    return this.t.void({
      endpoint: "IMailboxes.setMailboxVacation", params: { domainUid, mailboxUid }, body: { kind: "json", value: vacation },
      repeat: "replace", invalidates: filterWrite(domainUid, mailboxUid),
    });
  }

  getMailboxForwarding(domainUid: string, mailboxUid: string): Promise<Forwarding> {
    return this.t.required<Forwarding>({ endpoint: "IMailboxes.getMailboxForwarding", params: { domainUid, mailboxUid }, repeat: "read" });
  }

  /** Upserts the (first) FORWARD rule. Repeat: "replace". */
  setMailboxForwarding(domainUid: string, mailboxUid: string, forwarding: Forwarding): Promise<void> {
    return this.t.void({
      endpoint: "IMailboxes.setMailboxForwarding", params: { domainUid, mailboxUid }, body: { kind: "json", value: forwarding },
      repeat: "replace", invalidates: filterWrite(domainUid, mailboxUid),
    });
  }

  // -- single rules ----------------------------------------------------------------------------

  /** Every stored rule, VACATION and FORWARD ones included (ordered by type, then position). */
  getMailboxRules(domainUid: string, mailboxUid: string): Promise<MailFilterRule[]> {
    return this.t.list<MailFilterRule>({ endpoint: "IMailboxes.getMailboxRules", params: { domainUid, mailboxUid }, repeat: "read" });
  }

  getMailboxRulesByClient(domainUid: string, mailboxUid: string, client: string): Promise<MailFilterRule[]> {
    return this.t.list<MailFilterRule>({
      endpoint: "IMailboxes.getMailboxRulesByClient", params: { domainUid, mailboxUid }, query: { client }, repeat: "read",
    });
  }

  /** One rule; unknown id → NotFoundError. */
  getMailboxRule(domainUid: string, mailboxUid: string, id: number): Promise<MailFilterRule> {
    return this.t.required<MailFilterRule>({ endpoint: "IMailboxes.getMailboxRule", params: { domainUid, mailboxUid, id }, repeat: "read" });
  }

  /**
   * Appends a rule and returns its new id. Repeat: "once" with no verification — a repeat would
   * append a duplicate and ids are the server's, so an ambiguous failure is an OutcomeUnknownError
   * (re-read the rules to find out).
   */
  async addMailboxRule(domainUid: string, mailboxUid: string, rule: MailFilterRule): Promise<number> {
    return this.t.required<number>({
      endpoint: "IMailboxes.addMailboxRule", params: { domainUid, mailboxUid }, body: { kind: "json", value: rule }, repeat: "once", invalidates: filterWrite(domainUid, mailboxUid),
    });
  }

  /** Inserts a rule BEFORE / AFTER an anchor rule of the same `client`. Repeat: "once", like append. */
  addMailboxRuleRelative(
    domainUid: string, mailboxUid: string, position: RulePosition, anchorId: number, rule: MailFilterRule,
  ): Promise<number> {
    return this.t.required<number>({
      endpoint: "IMailboxes.addMailboxRuleRelative", params: { domainUid, mailboxUid, position, anchorId },
      body: { kind: "json", value: rule }, repeat: "once", invalidates: filterWrite(domainUid, mailboxUid),
    });
  }

  /** Replaces rule `id`; unknown id → NotFoundError. Repeat: "replace". */
  updateMailboxRule(domainUid: string, mailboxUid: string, id: number, rule: MailFilterRule): Promise<void> {
    return this.t.void({
      endpoint: "IMailboxes.updateMailboxRule", params: { domainUid, mailboxUid, id }, body: { kind: "json", value: rule },
      repeat: "replace", invalidates: filterWrite(domainUid, mailboxUid),
    });
  }

  /** Deletes rule `id` (no error when unknown, so repeating is harmless). Repeat: "replace". */
  deleteMailboxRule(domainUid: string, mailboxUid: string, id: number): Promise<void> {
    return this.t.void({ endpoint: "IMailboxes.deleteMailboxRule", params: { domainUid, mailboxUid, id }, repeat: "replace", invalidates: filterWrite(domainUid, mailboxUid) });
  }

  /**
   * Moves rule `id`. Repeat: TOP / BOTTOM are absolute ("replace"); UP / DOWN are relative, a
   * repeat would move the rule twice ("once").
   */
  moveMailboxRule(domainUid: string, mailboxUid: string, id: number, direction: RuleMoveDirection): Promise<void> {
    return this.t.void({
      endpoint: "IMailboxes.moveMailboxRule", params: { domainUid, mailboxUid, id, direction },
      repeat: direction === "TOP" || direction === "BOTTOM" ? "replace" : "once", invalidates: filterWrite(domainUid, mailboxUid),
    });
  }

  /** Moves rule `id` just BEFORE / AFTER an anchor: absolute, so Repeat: "replace". */
  moveMailboxRuleRelative(domainUid: string, mailboxUid: string, id: number, position: RulePosition, anchorId: number): Promise<void> {
    return this.t.void({
      endpoint: "IMailboxes.moveMailboxRuleRelative", params: { domainUid, mailboxUid, id, position, anchorId }, repeat: "replace", invalidates: filterWrite(domainUid, mailboxUid),
    });
  }

  // -- sharing ---------------------------------------------------------------------------------

  /** The expanded ACL of `mailbox:acls-<mailboxUid>` (same data as IContainerManagement `_acl`). */
  getMailboxAccessControlList(domainUid: string, mailboxUid: string): Promise<AccessControlEntry[]> {
    return this.t.list<AccessControlEntry>({
      endpoint: "IMailboxes.getMailboxAccessControlList", params: { domainUid, mailboxUid }, repeat: "read",
    });
  }

  /** Replaces the whole ACL (POST here, PUT on the container view). Repeat: "replace". */
  setMailboxAccessControlList(domainUid: string, mailboxUid: string, entries: AccessControlEntry[]): Promise<void> {
    return this.t.void({
      endpoint: "IMailboxes.setMailboxAccessControlList", params: { domainUid, mailboxUid },
      body: { kind: "json", value: entries }, repeat: "replace",
    });
  }
}
