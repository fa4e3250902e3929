// The policy of today on what a saved plan will write. `apply --plan` refuses a plan whose policy
// files changed since it was made (cli/policy.ts); this judges what the plan itself sends: the
// inputs of the resources it creates and updates, read as the policy pack reads a resource's inputs
// (policy/pack-fields.ts) and put together per mailshare. A plan file is only as trustworthy as
// where it was kept (its digest proves integrity, not authorship), so a plan edited and re-digested
// still cannot write what a mandatory rule forbids.
import * as path from "node:path";
import type { DesiredMailshare } from "../../desired/model";
import type { DirectoryLookups } from "../../desired/online";
import { evaluatePolicies, needsFileDomains, organisationDomains } from "../../policy/evaluate";
import { TYPE_PREFIX, subjectOf } from "../../policy/pack-fields";
import type { PolicySet, PolicySubject, Violation } from "../../policy/model";
import type { Plan } from "./model";

/**
 * Each mailshare the plan creates or updates, as the rules read a whole mailshare: the fields of
 * every resource it keeps (deleted parts left out). Its place is where the plan says the files
 * declare it, resolved from `cwd` (the folder the plan was made from).
 */
export function plannedMailshares(plan: Plan, cwd = process.cwd()): DesiredMailshare[] {
  return plan.mailshares.filter((m) => (m.action === "create" || m.action === "update") && m.declaredAt).map((m) => {
    const subject: PolicySubject = { domain: m.domain };
    for (const r of m.resources) {
      if (r.action === "delete") continue;
      const fields = subjectOf(TYPE_PREFIX + r.kind, r.inputs);
      if (fields) Object.assign(subject, fields, { domain: m.domain });
    }
    const declaredAt = { ...m.declaredAt!, file: path.resolve(cwd, m.declaredAt!.file) };
    return { ...subject, name: m.name, declaredAt } as unknown as DesiredMailshare;
  });
}

/** The violations of today's `policies` in what the plan writes. */
export async function savedPlanViolations(plan: Plan, policies: PolicySet, lookups: DirectoryLookups, now = Date.now()): Promise<Violation[]> {
  if (policies.layers.length === 0) return [];
  const mailshares = plannedMailshares(plan);
  const domains = [...new Set(plan.mailshares.map((m) => m.domain))];
  const fileDomains = needsFileDomains(policies) ? await organisationDomains(null, domains, lookups) : [];
  return evaluatePolicies(policies, mailshares, { fileDomains, now });
}
