// The filter rules of a 4.x BlueMind (`MailFilter.Rule`: conditions in a `criteria` string, actions
// as fields; docs/bluemind-versions.md) as the filters provider reads them. bmshare does not map
// the desired-state format to that model yet: each rule reads back as a filter of its name whose
// single condition is an `unsupported` marker describing it, so it always shows as drift, and a
// write refuses declared rules with a message naming the release (filters.ts).
import type { CriteriaRule } from "../bluemind/types";
import type { LiveFilter } from "./filter-rules";

/** `criteria "SUBJECT:CONTAINS: x", read, deliver "Invoices"`. */
function describe(rule: CriteriaRule): string {
  const actions = [
    rule.star && "star", rule.read && "read", rule.delete && "delete", rule.discard && "discard",
    (rule.forward?.emails ?? []).length > 0 && `forward to ${rule.forward.emails.join(", ")}`,
    rule.deliver && `deliver to ${JSON.stringify(rule.deliver)}`,
  ].filter(Boolean);
  return `4.x rule: criteria ${JSON.stringify(rule.criteria ?? "")}${actions.length > 0 ? `, ${actions.join(", ")}` : ""}`;
}

export function criteriaRulesToFilters(rules: readonly CriteriaRule[]): LiveFilter[] {
  const seen = new Set<string>();
  return rules.map((rule) => {
    let name = rule.name || "(unnamed)";
    for (let n = 2; seen.has(name); n++) name = `${rule.name || "(unnamed)"} (${n})`;
    seen.add(name);
    return { name, active: rule.active !== false, match: "all", conditions: [{ unsupported: describe(rule) }], actions: [], stop: rule.stop !== false };
  });
}
