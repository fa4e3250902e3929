// Running a policy: each rule on each subject (a whole desired mailshare for the CLI, one resource's
// fields for the policy pack), and, for the CLI, each finding placed in its file (locate.ts).
import type { DesiredMailshare } from "../desired/model";
import type { DirectoryLookups } from "../desired/online";
import type { Finding, Policy, PolicySubject, RuleContext, RuleParams, Violation, ViolationLevel } from "./model";
import { RULES } from "./rules";
import { locateFindings } from "./locate";

export interface RuleFinding extends Finding {
  rule: string;
  level: ViolationLevel;
}

/** Every rule of the policy that reads a field the subject carries, and what each finds. */
export function checkSubject(policy: Pick<Policy, "rules">, subject: PolicySubject, context: RuleContext): RuleFinding[] {
  const found: RuleFinding[] = [];
  for (const [id, params] of Object.entries(policy.rules) as [string, RuleParams][]) {
    const rule = RULES[id];
    if (params.level === "disabled" || !rule.fields.some((field) => subject[field] !== undefined)) continue;
    for (const finding of rule.check(subject, params, context)) found.push({ ...finding, rule: id, level: params.level });
  }
  return found;
}

/**
 * The organisation's domains: the policy's list, else the files' domains with their aliases as the
 * server knows them (without lookups, the files' domains alone). A lookup that fails fails the run:
 * judging forwarding against a partial list would flag (or pass) the wrong addresses.
 */
export async function organisationDomains(policy: Pick<Policy, "domains"> | null, fileDomains: readonly string[], lookups?: DirectoryLookups): Promise<string[]> {
  if (policy?.domains) return policy.domains;
  const domains = new Set(fileDomains.map((d) => d.toLowerCase()));
  if (lookups) {
    for (const name of fileDomains) {
      const info = await lookups.domain(name);
      for (const alias of info?.aliases ?? []) domains.add(alias.toLowerCase());
    }
  }
  return [...domains].sort();
}

/** The violations of validated mailshares, each placed at its field in its file; in file order. */
export function evaluatePolicy(policy: Policy, mailshares: readonly DesiredMailshare[], context: RuleContext): Violation[] {
  const found = mailshares.map((m) => ({ mailshare: m, findings: checkSubject(policy, m, context) })).filter((f) => f.findings.length > 0);
  return locateFindings(found);
}

export const isMandatory = (violations: readonly Violation[]) => violations.some((v) => v.level === "mandatory");

/** `file:line:col: path: mandatory rule: message`, the one-line form the CLI prints. */
export const formatViolation = (v: Violation, file = v.file) => `${file}:${v.line}:${v.column}: ${v.path}: ${v.level} ${v.rule}: ${v.message}`;
