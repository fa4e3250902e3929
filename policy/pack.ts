// The policy as a Pulumi CrossGuard policy pack: `pulumi preview --policy-pack DIR` checks the same
// rules (rules/*.ts) on the program's resources before anything is written. Each rule is one
// resource policy at the policy file's level; it reads the resources that carry its fields (keyed on
// the providers' type tokens), normalised by the providers' own slice validation, so a TypeScript
// program's `quota: "5 GiB"` is judged as the YAML's is. The engine sends a resource's inputs
// without `__provider` and one resource at a time: the organisation's domains are the policy's
// `domains`, else the resource's own domain (the pack has no server to ask for aliases).
import type { PolicyPackArgs, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { formatError, formatPath } from "../desired/errors";
import { validateSlice } from "../providers/validate";
import type { ResourceKind } from "../providers/kinds";
import { RULES } from "./rules";
import { checkSubject } from "./evaluate";
import type { Policy, PolicySubject, RuleParams, SubjectField } from "./model";
import { readPolicyFile } from "./load";

export const TYPE_PREFIX = "pulumi-nodejs:dynamic/bluemind:";

/** The fields of a mailshare each kind of resource carries, as the rules read them. */
export const FIELDS_OF: Partial<Record<ResourceKind, readonly SubjectField[]>> = {
  Mailshare: ["name", "email", "description", "quota"],
  MailshareAliases: ["aliases"],
  MailshareAcl: ["shares"],
  MailshareAutoReply: ["autoReply"],
  MailshareFilters: ["filters", "forwarding"],
};

const kindOf = (type: string): ResourceKind | null =>
  type.startsWith(TYPE_PREFIX) ? (type.slice(TYPE_PREFIX.length) as ResourceKind) : null;

/**
 * A resource's inputs as a policy subject: its fields normalised as its provider's check does, or
 * null when they are invalid (the provider's check reports that) or the kind carries no field a rule reads.
 */
export function subjectOf(type: string, props: Record<string, unknown>): PolicySubject | null {
  const kind = kindOf(type);
  const fields = kind ? FIELDS_OF[kind] : undefined;
  if (!fields) return null;
  const domain = typeof props.domain === "string" ? props.domain.toLowerCase() : "";
  const raw = Object.fromEntries(fields.filter((f) => props[f] !== undefined).map((f) => [f, props[f]]));
  const { value, failures } = validateSlice(domain || "unknown.invalid", raw, fields);
  if (failures.length > 0) return null;
  const subject: PolicySubject = { domain };
  for (const field of fields) (subject as unknown as Record<string, unknown>)[field] = value[field as keyof typeof value];
  return subject;
}

/** The pack's policies: one per rule the policy file sets, at its level. */
export function policyPackArgs(policy: Pick<Policy, "domains" | "rules">, now: () => number = Date.now): PolicyPackArgs {
  const policies = (Object.entries(policy.rules) as [string, RuleParams][]).map(([id, params]): ResourceValidationPolicy => {
    const rule = RULES[id];
    const kinds = (Object.keys(FIELDS_OF) as ResourceKind[]).filter((k) => FIELDS_OF[k]!.some((f) => rule.fields.includes(f)));
    return {
      name: id,
      description: `bmshare: ${rule.description}`,
      enforcementLevel: params.level === "disabled" ? "disabled" : params.level,
      validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
        const kind = kindOf(args.type);
        if (!kind || !kinds.includes(kind)) {
          args.notApplicable(`applies to ${kinds.map((k) => `${TYPE_PREFIX}${k}`).join(", ")}`);
          return;
        }
        const subject = subjectOf(args.type, args.props);
        if (!subject) return;
        const organisationDomains = policy.domains ?? (subject.domain ? [subject.domain] : []);
        for (const finding of checkSubject({ rules: { [id]: params } }, subject, { organisationDomains, now: now() })) {
          report(`${args.name}: ${formatPath(finding.path)}: ${finding.message}`);
        }
      },
    };
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
