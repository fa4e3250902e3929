// manage-share: somebody can administer every mailshare. A mailshare nobody manages can only be
// changed by a domain administrator, and its sharing list is nobody's responsibility.
import type { Rule, RuleParams } from "../model";

export interface ManageShareParams extends RuleParams {
  minimum?: number;
}

export const manageShare: Rule<ManageShareParams> = {
  id: "manage-share",
  description: "every mailshare is shared at level manage with at least one user or group (or the rule's minimum)",
  fields: ["shares"],
  check(subject, params) {
    const shares = subject.shares ?? [];
    const minimum = params.minimum ?? 1;
    const managers = shares.filter((s) => s.level === "manage").length;
    if (managers >= minimum) return [];
    const wanted = minimum === 1 ? "at least one user or group" : `at least ${minimum} users or groups`;
    return [{ path: ["shares"], message: `${managers === 0 ? "nobody manages it" : `only ${managers} manage it`}: share it with ${wanted} at level manage` }];
  },
};
