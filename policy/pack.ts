// The policy as a Pulumi CrossGuard policy pack: `pulumi preview --policy-pack DIR` checks the same
// rules (rules/*.ts) on the program's resources, keyed on the providers' type tokens (pack-fields.ts
// reads them). Each rule is one policy, named after it, at the policy file's level, judged where its
// verdict is the CLI's (scopeOf; docs/policy.md, "The Pulumi policy pack"):
// - on each resource as the engine declares it, before it is written, when that resource alone
//   decides (every mailshare has its Mailshare; a part not declared is empty);
// - also on the stack, for the mailshares that declare no resource of a part the rule reads, when
//   that absence breaks it (manage-share: no MailshareAcl, nobody manages it);
// - only on the stack, when the organisation's domains are the stack's (neither the policy nor the
//   rule lists them), as the CLI's are its files'.
// The stack half judges mailshares assembled from their resources (pack-stack.ts) and names the
// resource that carries each field. No finding is reported by both halves.
import type { PolicyPackArgs, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { formatError, formatPath } from "../desired/errors";
import { RULES } from "./rules";
import { checkSubject } from "./evaluate";
import type { Policy, RuleParams } from "./model";
import { readPolicyFile } from "./load";
import { FIELDS_OF, KINDS_READ, PART_KINDS, TYPE_PREFIX, defaultsOf, kindOf, notKnownYet, readResource } from "./pack-fields";
import { assemble, judgeStack, stackDomains } from "./pack-stack";

export { FIELDS_OF, TYPE_PREFIX, subjectOf } from "./pack-fields";

/** The rules that judge addresses against the organisation's domains (rules/domains.ts `allowedDomains`). */
const ORGANISATION_RULES = new Set(["forwarding-domains", "share-domains"]);

/** Whether rule `id` takes the organisation's domains from the stack: neither the policy nor the rule lists them. */
const domainsFromStack = (id: string, params: RuleParams, policy: Pick<Policy, "domains">) =>
  ORGANISATION_RULES.has(id) && policy.domains === null && !Array.isArray(params.domains);

/**
 * Where rule `id` is judged: `resource` — each resource as the engine declares it, before it is
 * written; `stack` — whole mailshares at the end of the preview (its domains are the stack's);
 * `both` — each resource, and at the end of the preview the mailshares that declare no resource of
 * a part the rule reads, when that absence breaks it (manage-share: no MailshareAcl, nobody manages it).
 */
export function scopeOf(id: string, params: RuleParams, policy: Pick<Policy, "domains">): "resource" | "stack" | "both" {
  if (domainsFromStack(id, params, policy)) return "stack";
  const rule = RULES[id];
  const parts = PART_KINDS.filter((k) => FIELDS_OF[k]!.some((f) => rule.fields.includes(f)));
  const bare = Object.assign({ domain: "" }, ...parts.map(defaultsOf));
  return rule.check(bare, params, { organisationDomains: [], now: Date.now() }).length > 0 ? "both" : "resource";
}

/** At most a few of `items`, for a message. */
const some = (items: readonly string[], most = 5) =>
  items.length <= most ? items.join("; ") : `${items.slice(0, most).join("; ")}; and ${items.length - most} more`;

/** What a policy says of values it could not judge: the SDK makes it the advisory "can't run policy … during preview". */
const notKnown = (items: readonly string[]) => notKnownYet(`not known before the update (another resource's output), judged then: ${some(items)}`);

function resourceValidation(id: string, params: RuleParams, policy: Pick<Policy, "domains">, now: () => number) {
  const rule = RULES[id];
  const kinds = KINDS_READ.filter((k) => FIELDS_OF[k]!.some((f) => rule.fields.includes(f)));
  return (args: ResourceValidationArgs, report: ReportViolation) => {
    const kind = kindOf(args.type);
    if (!kind || !kinds.includes(kind)) args.notApplicable(`applies to ${kinds.map((k) => `${TYPE_PREFIX}${k}`).join(", ")}`);
    const resource = readResource(kind, args.props);
    if (resource.invalid) return;
    // Per resource, a domain rule has the policy's or its own list (scopeOf).
    const context = { organisationDomains: policy.domains ?? [], now: now() };
    for (const finding of checkSubject({ rules: { [id]: params } }, { domain: resource.domain ?? "", ...resource.fields }, context)) {
      report(`${args.name}: ${formatPath(finding.path)}: ${finding.message}`);
    }
    const unknown = resource.unknown.filter((f) => rule.fields.includes(f));
    if (unknown.length > 0) throw notKnown(unknown.map((f) => `${args.name}: ${f}`));
  };
}

function stackValidation(id: string, params: RuleParams, policy: Pick<Policy, "domains">, now: () => number, scope: "whole" | "missing") {
  return (args: StackValidationArgs, report: ReportViolation) => {
    const assembly = assemble(args.resources);
    if (assembly.declared.length === 0) args.notApplicable(`the stack declares no mailshare resource (${TYPE_PREFIX}…)`);
    let organisationDomains = policy.domains ?? [];
    if (domainsFromStack(id, params, policy)) {
      const { domains, notKnown: unknownDomains } = stackDomains(assembly);
      // An address in a domain not known yet would be judged outside the organisation: judge none.
      if (unknownDomains.length > 0) throw notKnown(unknownDomains);
      organisationDomains = domains;
    }
    const verdict = judgeStack(assembly, id, params, { organisationDomains, now: now() }, scope);
    for (const finding of verdict.findings) report(finding.message, finding.urn);
    if (verdict.notKnown.length > 0) throw notKnown(verdict.notKnown);
  };
}

/**
 * The pack's policies: one per rule the policy file sets, at its level. A rule judged both ways is
 * one policy with both functions: @pulumi/policy runs a policy's validateResource on each resource
 * and its validateStack on the stack (server.js calls each one a policy has), so its findings carry
 * one name.
 */
export function policyPackArgs(policy: Pick<Policy, "domains" | "rules">, now: () => number = Date.now): PolicyPackArgs {
  const policies = (Object.entries(policy.rules) as [string, RuleParams][]).map(([id, params]): ResourceValidationPolicy | StackValidationPolicy => {
    const common = {
      name: id,
      description: `bmshare: ${RULES[id].description}`,
      enforcementLevel: params.level === "disabled" ? ("disabled" as const) : params.level,
    };
    const scope = scopeOf(id, params, policy);
    if (scope === "stack") return { ...common, validateStack: stackValidation(id, params, policy, now, "whole") };
    const validateResource = resourceValidation(id, params, policy, now);
    return scope === "resource" ? { ...common, validateResource } : { ...common, validateResource, validateStack: stackValidation(id, params, policy, now, "missing") };
  });
  return { policies };
}

export interface ServeOptions {
  /** The policy file (relative to the pack's folder, where the engine starts it). */
  policyFile: string;
  /** The pack's name as Pulumi shows it (default `bmshare`). */
  name?: string;
}

/**
 * Serves the policy of `policyFile` as a policy pack: the body of a pack's index.js. A policy file
 * with errors stops the pack with every error (file, line, field), so the preview fails.
 */
export function servePolicyPack(options: ServeOptions): void {
  const loaded = readPolicyFile(options.policyFile);
  if (loaded.errors.length > 0) throw new Error(`bmshare policy pack: ${loaded.errors.length} error(s) in the policy:\n${loaded.errors.map(formatError).join("\n")}`);
  // Loaded only here: requiring @pulumi/policy is cheap, constructing a pack starts its gRPC server.
  const { PolicyPack } = require("@pulumi/policy") as typeof import("@pulumi/policy");
  new PolicyPack(options.name ?? "bmshare", policyPackArgs(loaded.policy ?? { domains: null, rules: {} }));
}
