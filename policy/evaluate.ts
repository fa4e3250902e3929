// Running a policy: each rule on each subject (a whole desired mailshare for the CLI, one resource's
// fields for the policy pack), and, for the CLI, each finding placed in its file (locate.ts). A run's
// layered policies (model.ts, PolicySet) are each evaluated on their own and their findings combined.
import * as path from "node:path";
import type { DesiredMailshare } from "../desired/model";
import type { DirectoryLookups } from "../desired/online";
import type { Finding, Policy, PolicySet, PolicySubject, RuleContext, RuleParams, Violation, ViolationLevel } from "./model";
import { RULES } from "./rules";
import { locateFindings } from "./locate";
import { formatPath } from "../desired/errors";
import { realFolder } from "./load";

export interface RuleFinding extends Finding {
  rule: string;
  level: ViolationLevel;
}

/** A finding of one policy file's rule. */
export interface PolicyFinding extends RuleFinding {
  policy: string;
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

const ofFile = (policy: Policy, findings: RuleFinding[]): PolicyFinding[] => findings.map((f) => ({ ...f, policy: policy.file }));

/** The violations of validated mailshares under one policy, each placed at its field in its file; in file order. */
export function evaluatePolicy(policy: Policy, mailshares: readonly DesiredMailshare[], context: RuleContext): Violation[] {
  const found = mailshares.map((m) => ({ mailshare: m, findings: ofFile(policy, checkSubject(policy, m, context)) })).filter((f) => f.findings.length > 0);
  return locateFindings(found);
}

/** Whether some layer has no `domains` of its own nor a farther one's: then the files' domains are the organisation's. */
export const needsFileDomains = (policies: PolicySet) => [...policies.chains.values()].some((chain) => chain.length > 0 && chain[0].domains === null);

/** The domains a run's policies declare for the organisation: the farthest layer's that lists them, else null. */
export const declaredDomains = (policies: PolicySet) => policies.layers.find((p) => p.domains !== null)?.domains ?? null;

const LEVEL_RANK: Record<ViolationLevel, number> = { advisory: 0, mandatory: 1 };

/**
 * The violations of validated mailshares under a run's policies: each mailshare against every layer
 * of its folder's chain, each layer with its own `domains` (else the nearest farther layer's, else
 * `fileDomains`: the files' domains and their aliases). The same finding of several layers is kept
 * once, at its highest level (the farthest layer's at a tie).
 */
export function evaluatePolicies(policies: PolicySet, mailshares: readonly DesiredMailshare[], context: { fileDomains: readonly string[]; now: number }): Violation[] {
  const found = mailshares.map((m) => ({ mailshare: m, findings: checkChain(chainOf(policies, m.declaredAt.file), m, context) }));
  return locateFindings(found.filter((f) => f.findings.length > 0));
}

/** The layers that apply to a mailshare declared in `file`: its folder's chain; were it missing, every layer (never fewer rules). */
export const chainOf = (policies: PolicySet, file: string): readonly Policy[] =>
  policies.chains.get(realFolder(path.dirname(file))) ?? policies.layers;

/**
 * What a chain of layers finds in a subject: each layer with its own `domains` (else the nearest
 * farther layer's, else `fileDomains`), the same finding of several layers kept once, at its highest
 * level (the farthest layer's at a tie).
 */
export function checkChain(chain: readonly Policy[], subject: PolicySubject, context: { fileDomains: readonly string[]; now: number }): PolicyFinding[] {
  const kept = new Map<string, PolicyFinding>();
  let domains: readonly string[] | null = null;
  for (const layer of chain) {
    domains = layer.domains ?? domains;
    for (const f of ofFile(layer, checkSubject(layer, subject, { organisationDomains: domains ?? context.fileDomains, now: context.now }))) {
      const key = `${f.rule}\n${formatPath(f.path)}\n${f.message}`;
      const before = kept.get(key);
      if (!before || LEVEL_RANK[f.level] > LEVEL_RANK[before.level]) kept.set(key, f);
    }
  }
  return [...kept.values()];
}

export const isMandatory = (violations: readonly Violation[]) => violations.some((v) => v.level === "mandatory");

/**
 * `file:line:col: path: mandatory rule: message`, the one-line form the CLI prints; with `policy`
 * (when several policy files apply), `mandatory rule (policy): message`.
 */
export const formatViolation = (v: Violation, file = v.file, policy?: string) =>
  `${file}:${v.line}:${v.column}: ${v.path}: ${v.level} ${v.rule}${policy === undefined ? "" : ` (${policy})`}: ${v.message}`;
