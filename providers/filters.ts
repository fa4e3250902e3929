// `MailshareFilters`: the ordered rule list of a mailshare's mail filter and its forwarding setting.
// BlueMind keeps both in one filter together with the vacation reply, which `MailshareAutoReply`
// owns: every save is a read-modify-write of the whole filter under the per-mailshare lock, keeping
// the vacation exactly as just read.
//
// BlueMind quirks this follows (docs/bluemind-api.md §2.3): POST `_filter` replaces everything
// and re-creates every rule with a new id, so rules are compared by content, never by id; it
// lower-cases forwarding and REDIRECT / TRANSFER addresses (the canonical form already does); it
// refuses forwarding to the mailbox's own addresses (500 FORBIDDEN), whose message reaches the user
// as is. The list is exact: a rule added by hand in the console reads back as drift and an apply
// removes it. The mapping to BlueMind rules, and how inexpressible rules read back, is in
// filter-rules.ts; to a 4.x server's criteria rules, and what 4.x cannot express (refused at
// check), in criteria-rules.ts.
import type * as pulumi from "@pulumi/pulumi";
import type { CheckFailure } from "@pulumi/pulumi/dynamic";
import { criteriaRefusals, criteriaRulesToFilters, filterToCriteriaRule } from "./criteria-rules";
import type { CriteriaRule, MailFilter } from "../bluemind/types";
import type { Capabilities } from "../bluemind/versions";
import { defineProvider, type Props, type WriteOptions } from "./base";
import type { Runtime } from "./runtime";
import { filterToRule, forwardingOf, forwardingToWire, rulesToFilters } from "./filter-rules";
import { liveMailshare, mailshareExists, requireMailshare } from "./server";
import { carriedVacation } from "./autoreply";
import { validateSlice } from "./validate";
import { checkMailshare } from "../desired/crosscheck";
import { formatPath, type Issue } from "../desired/errors";
import {
  SCHEMA_OBJECT_KEYS, type CanonicalMailshare, type Filter, type Forwarding, type RawFilter, type RawForwarding,
  type RawMailshare,
} from "../desired/model";

/** The inputs of a MailshareFilters, in canonical form (desired/model.ts). */
export interface MailshareFiltersInputs extends Props {
  domain: string;
  /** The mailshare uid (the `uid` output of a Mailshare). */
  mailshare: string;
  /**
   * In the declared order (the order BlueMind applies them in). Read results may carry
   * `{ unsupported }` markers where BlueMind stores what the format cannot express
   * (filter-rules.ts `LiveFilter`); checked inputs never do.
   */
  filters: Filter[];
  forwarding: Forwarding | null;
}

const OWNED = ["filters", "forwarding"] as const;

const idOf = (m: { mailshare: string }) => `${m.mailshare}/filters`;

const toFailure = (i: Issue): CheckFailure => ({ property: formatPath(i.path), reason: i.message });

/**
 * The address-independent half of the desired state's forwarding rule: enabled forwarding needs
 * addresses. validateSlice skips the whole rule because it also compares the forwarding addresses
 * with the mailshare's own, which this resource does not own (BlueMind refuses those at apply);
 * run here without any mailshare address, only that first half can report, on `forwarding`.
 */
function forwardingFailures(news: Props, value: CanonicalMailshare): CheckFailure[] {
  const raw = { name: value.name, filters: news.filters, forwarding: news.forwarding } as RawMailshare;
  const reads = [...OWNED, "email", "aliases"] as string[];
  const skipped = new Set(SCHEMA_OBJECT_KEYS.mailshare.filter((k) => !reads.includes(k)));
  return checkMailshare(raw, value, skipped).filter((i) => i.path[0] === "forwarding").map(toFailure);
}

/**
 * What the server's release cannot express of `filters` (4.x rules: criteria-rules.ts), as check
 * failures. Read-only; none when the server cannot be asked (save refuses them again then).
 */
async function releaseFailures(rt: Runtime, filters: readonly Filter[]): Promise<CheckFailure[]> {
  if (filters.length === 0) return [];
  let caps: Capabilities;
  try {
    caps = await rt.client.capabilities();
  } catch {
    return [];
  }
  return caps.filterModel === "criteria" ? criteriaRefusals(filters, caps.version) : [];
}

/** The rules of `m` in the release's model; 4.x rules name the mailshare's folders by its name. */
async function wireRules(rt: Runtime, caps: Capabilities, m: MailshareFiltersInputs): Promise<MailFilter["rules"]> {
  if (caps.filterModel === "rules") return m.filters.map(filterToRule);
  const refused = criteriaRefusals(m.filters, caps.version);
  if (refused.length > 0) throw new Error(`${refused.map((f) => `${f.property}: ${f.reason}`).join("; ")}: nothing was written`);
  if (m.filters.length === 0) return [];
  const name = await mailshareName(rt, m.domain, m.mailshare);
  return m.filters.map((f) => filterToCriteriaRule(f, name)) as unknown as MailFilter["rules"];
}

/** The mailshare's name (4.x folder names start with it), as the run knows the mailshare. */
async function mailshareName(rt: Runtime, domain: string, uid: string): Promise<string> {
  const item = await liveMailshare(rt, domain, uid);
  if (!item) throw new Error(`mailshare ${uid} does not exist in ${domain} (deleted outside bmshare? run a refresh)`);
  return item.value.name;
}

/**
 * Replaces the rules and the forwarding, keeping the vacation exactly as the fresh read inside the
 * lock returned it (MailshareAutoReply writes it through `_vacation` under the same lock) — or,
 * when this write carries the MailshareAutoReply change, writing that one, with no read at all.
 */
async function save(rt: Runtime, m: MailshareFiltersInputs, options: WriteOptions = {}): Promise<void> {
  const c = rt.client;
  const rules = await wireRules(rt, await c.capabilities(), m);
  const carried = options.carried?.MailshareAutoReply;
  await rt.lock(m.domain, m.mailshare, async () => {
    const vacation = carried ? carriedVacation(carried) : (await c.mailboxes.getMailboxFilter(m.domain, m.mailshare)).vacation;
    await c.mailboxes.setMailboxFilter(m.domain, m.mailshare, {
      rules,
      vacation,
      forwarding: forwardingToWire(m.forwarding),
    });
  });
}

/**
 * The live forwarding, except that a disabled one reads as none when none is declared: BlueMind
 * does nothing with it, so it is not drift (its addresses go at the next save of the filters).
 */
function liveForwarding(live: Forwarding | null, declared: Forwarding | null | undefined): Forwarding | null {
  return declared === null && live !== null && !live.enabled ? null : live;
}

export const mailshareFiltersProvider = defineProvider<MailshareFiltersInputs, Props>({
  kind: "MailshareFilters",
  inputKeys: ["domain", "mailshare", ...OWNED],
  // Names are unique per mailshare (checked), and read results get distinct ones (filter-rules.ts).
  listKeys: { filters: (f: Filter) => f.name },

  async check(news, _olds, rt, options) {
    const { domain } = news;
    const { value, failures } = validateSlice(domain, news, OWNED, options);
    // The loader runs the whole forwarding rule, addresses included, on a validated mailshare.
    if (failures.length === 0 && !options.validated) failures.push(...forwardingFailures(news, value));
    if (failures.length === 0) failures.push(...await releaseFailures(rt, value.filters));
    if (failures.length > 0) return { inputs: news as MailshareFiltersInputs, failures };
    const inputs: MailshareFiltersInputs = {
      domain: domain, mailshare: news.mailshare as string, filters: value.filters, forwarding: value.forwarding,
    };
    return { inputs, failures: [] };
  },

  idOf,

  carries: ["MailshareAutoReply"],

  async create(m, rt, options) {
    await requireMailshare(rt, m.domain, m.mailshare);
    await save(rt, m, options);
    return { id: idOf(m), outs: {} };
  },

  async read(_id, props, rt) {
    const domain = props.domain || rt.defaultDomain as string;
    const c = rt.client;
    if (!(await mailshareExists(rt, domain, props.mailshare))) return null;
    // The run's read of the filter, which MailshareAutoReply's read shares.
    const live = await c.mailboxes.filter(domain, props.mailshare);
    const inputs: MailshareFiltersInputs = {
      domain,
      mailshare: props.mailshare,
      // LiveFilter: markers included on purpose, so that what the format cannot say shows as drift.
      filters: ((await c.capabilities()).filterModel === "criteria"
        ? criteriaRulesToFilters(live.rules as unknown as CriteriaRule[], await mailshareName(rt, domain, props.mailshare), props.filters ?? [])
        : rulesToFilters(live.rules, props.filters ?? [])) as Filter[],
      forwarding: liveForwarding(forwardingOf(live.forwarding), props.forwarding),
    };
    return { inputs, outs: {} };
  },

  async update(_id, _olds, news, rt, options) {
    await requireMailshare(rt, news.domain, news.mailshare);
    await save(rt, news, options);
    return {};
  },

  async delete(_id, props, rt) {
    const domain = props.domain || rt.defaultDomain as string;
    if (!(await mailshareExists(rt, domain, props.mailshare))) return;
    await save(rt, { domain, mailshare: props.mailshare, filters: [], forwarding: null });
  },
});

export interface MailshareFiltersArgs {
  domain?: pulumi.Input<string>;
  /** The mailshare uid: pass a Mailshare's `uid` output. */
  mailshare: pulumi.Input<string>;
  /** The whole ordered rule list (absent = none: rules added in the console show as drift). */
  filters?: pulumi.Input<RawFilter[]>;
  forwarding?: pulumi.Input<RawForwarding | null>;
}
