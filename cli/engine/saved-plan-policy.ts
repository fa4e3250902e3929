// The policy of today on what a saved plan will write. `apply --plan` refuses a plan whose policy
// files changed since it was made (cli/policy.ts); this judges what the plan itself sends: each
// resource it creates or updates, on its own, read as the policy pack reads a resource's inputs
// (policy/pack-fields.ts), whatever its mailshare's action says. A saved plan keeps no inputs of the
// resources it leaves unchanged, so rules are judged on what is written only: an ACL written without
// a manage share is a `manage-share` violation, a mailshare whose ACL is left as it is is not judged
// on it. A plan file is only as trustworthy as where it was kept (its digest proves integrity, not
// authorship), so a plan edited and digested again still cannot write what a mandatory rule forbids.
import * as path from "node:path";
import type { DirectoryLookups } from "../../desired/online";
import { formatPath } from "../../desired/errors";
import { chainOf, checkChain, needsFileDomains, organisationDomains } from "../../policy/evaluate";
import { TYPE_PREFIX, subjectOf } from "../../policy/pack-fields";
import type { PolicySet, Violation } from "../../policy/model";
import type { Plan } from "./model";

/** The violations of today's `policies` in what the plan writes, each at its mailshare's place in the files. */
export async function savedPlanViolations(plan: Plan, policies: PolicySet, lookups: DirectoryLookups, now = Date.now()): Promise<Violation[]> {
  if (policies.layers.length === 0) return [];
  const fileDomains = needsFileDomains(policies) ? await organisationDomains(null, [...new Set(plan.mailshares.map((m) => m.domain))], lookups) : [];
  const found: Violation[] = [];
  for (const m of plan.mailshares) {
    const at = m.declaredAt ?? { file: plan.files[0] ?? "", line: 1, column: 1, path: "(plan)" };
    const chain = m.declaredAt ? chainOf(policies, path.resolve(at.file)) : policies.layers;
    for (const r of m.resources) {
      if (r.action !== "create" && r.action !== "update") continue;
      const subject = subjectOf(TYPE_PREFIX + r.kind, r.inputs);
      const domain = typeof r.inputs.domain === "string" ? r.inputs.domain : m.domain;
      const place = { domain, mailshare: m.name, file: at.file, line: at.line, column: at.column };
      if (!subject) {
        found.push({
          ...place, rule: "(inputs)", level: "mandatory", policy: policies.layers[0].file, path: r.name,
          message: "the plan writes inputs its provider's check refuses: it was edited after it was made; plan again",
        });
        continue;
      }
      for (const f of checkChain(chain, subject, { fileDomains, now })) {
        found.push({
          ...place, rule: f.rule, level: f.level, policy: f.policy, path: `${at.path}.${formatPath(f.path)}`, message: f.message,
        });
      }
    }
  }
  return found;
}
