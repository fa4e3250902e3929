// `report access --plan FILE`: who would gain and lose access if a saved plan (`plan --out FILE`) were
// applied. The access report is made twice over the same live reads: as the server is, and as it
// would be with the plan's sharing lists, deletions and new mailshares — so groups are expanded and
// people named exactly as the report does, and diff.ts compares the two. Only what apply would write
// counts: each changed sharing list and deletion is first checked as apply checks it (freshness.ts),
// and one changed on the server since the plan (apply refuses it) is listed apart, not counted.
import type { Runtime } from "../../providers/runtime";
import type { BmshareProvider, Props } from "../../providers/base";
import type { AclShare } from "../../providers/acl";
import type { ItemValue, Mailshare as WireMailshare } from "../../bluemind/types";
import type { Plan, ResourcePlan } from "../engine/model";
import { freshness } from "../engine/freshness";

/** A change of the plan that apply would refuse: the server changed since the plan. */
export interface RefusedChange {
  mailshare: string;
  /** The resource, as the plan names it (`acme.test/desk/acl`). */
  resource: string;
  detail: string;
}

export interface PlannedAccess {
  /** The mailshares once the plan is applied: the live ones less those it deletes, plus those it creates. */
  mailshares: ItemValue<WireMailshare>[];
  /** The ACL provider, reading the plan's sharing list where the plan changes it. */
  acl: BmshareProvider;
  refused: RefusedChange[];
}

export interface PlannedAccessOptions {
  rt: Runtime;
  domain: string;
  plan: Plan;
  /** The domain's live mailshares. */
  live: ItemValue<WireMailshare>[];
  acl: BmshareProvider;
  /** The check apply makes before writing (freshness.ts; tests may hand another). */
  check?: typeof freshness;
}

const resourceOf = (m: Plan["mailshares"][number], kind: ResourcePlan["kind"]) => m.resources.find((r) => r.kind === kind && r.action !== "unchanged");

/**
 * The plan's shares as the ACL provider's read names them — a user by address (else as written),
 * a group by its directory name — with their uids, so that the report names both sides alike.
 */
async function namedShares(rt: Runtime, domain: string, shares: readonly AclShare[]): Promise<Props> {
  const c = rt.client;
  const uids = await Promise.all(shares.map(async (s) => ("user" in s ? await c.resolve.user(domain, s.user) : await c.resolve.group(domain, s.group))?.uid ?? null));
  const entries = await c.resolve.entries(domain, uids.filter((u): u is string => u !== null));
  const subjects: Record<string, string> = {};
  const named = shares.map((s, i): AclShare => {
    const entry = uids[i] === null ? null : entries.get(uids[i]!) ?? null;
    const share: AclShare = "user" in s ? { user: entry?.email ?? s.user, level: s.level } : { group: entry?.displayName ?? s.group, level: s.level };
    subjects[`${"user" in share ? "user" : "group"}:${"user" in share ? share.user : share.group}`] = uids[i] ?? ("user" in s ? s.user : s.group);
    return share;
  });
  return { shares: named, subjects };
}

/** A column for a mailshare the plan creates, from its planned inputs. */
function plannedColumn(m: Plan["mailshares"][number], inputs: Props): ItemValue<WireMailshare> {
  const email = (inputs.email as { address?: string } | null | undefined)?.address ?? null;
  return {
    uid: m.uid, displayName: String(inputs.displayName ?? m.name),
    value: { name: m.name, emails: email ? [{ address: email, allAliases: false, isDefault: true }] : [] },
  } as unknown as ItemValue<WireMailshare>;
}

export async function plannedAccess(o: PlannedAccessOptions): Promise<PlannedAccess> {
  const check = o.check ?? freshness;
  const refused: RefusedChange[] = [];
  const deleted = new Set<string>();
  const created: ItemValue<WireMailshare>[] = [];
  const planned = new Map<string, Props>();
  const liveUids = new Set(o.live.map((m) => m.uid));
  /** Whether apply would write `r`; a refusal is recorded. */
  const applies = async (m: Plan["mailshares"][number], r: ResourcePlan) => {
    const state = await check(r);
    if (state.state === "changed") refused.push({ mailshare: m.name, resource: r.name, detail: state.detail });
    return state.state === "as-planned";
  };
  for (const m of o.plan.mailshares) {
    if (m.domain !== o.domain || m.action === "unchanged") continue;
    const main = resourceOf(m, "Mailshare");
    if (main?.action === "delete") {
      if (await applies(m, main)) deleted.add(m.uid);
      continue;
    }
    const acl = resourceOf(m, "MailshareAcl");
    if (acl && (await applies(m, acl))) {
      planned.set(m.uid, await namedShares(o.rt, o.domain, acl.action === "delete" ? [] : (acl.inputs.shares as AclShare[] | undefined) ?? []));
    }
    if (main?.action === "create" && !liveUids.has(m.uid)) created.push(plannedColumn(m, main.inputs));
  }
  const acl: BmshareProvider = {
    ...o.acl,
    read: async (id, props) => {
      const shares = planned.get(props.mailshare as string);
      if (shares === undefined) return o.acl.read!(id, props);
      const inputs = { domain: props.domain, mailshare: props.mailshare, shares: shares.shares };
      return { id, inputs, props: { ...inputs, subjects: shares.subjects } };
    },
  };
  const mailshares = [...o.live.filter((m) => !deleted.has(m.uid)), ...created]
    .sort((a, b) => (a.value.name < b.value.name ? -1 : a.value.name > b.value.name ? 1 : 0));
  return { mailshares, acl, refused };
}
