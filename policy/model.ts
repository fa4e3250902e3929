// The policy an organisation keeps beside its mailshare files (bmshare.policy.yaml): which built-in
// rules apply, each with its parameters and enforcement level, and what a rule finds. The rules
// (rules/*.ts) read a `PolicySubject`: a normalised desired mailshare, whole (the CLI) or only the
// fields one Pulumi resource carries (the policy pack), so one implementation serves both.
import type { Address, AutoReply, Filter, Forwarding, Share } from "../desired/model";
import type { FieldPath } from "../desired/errors";

export const LEVELS = ["advisory", "mandatory", "disabled"] as const;
export type Level = (typeof LEVELS)[number];
/** The level of a violation: a disabled rule finds nothing. */
export type ViolationLevel = Exclude<Level, "disabled">;

export interface RuleParams {
  level: Level;
  [parameter: string]: unknown;
}

/** A policy file as read and checked (load.ts). */
export interface Policy {
  /** Where it was read from: as given, or as found (relative to the current folder when inside it). */
  file: string;
  /** `sha256:<hex>` of its text: a saved plan records it, and apply --plan compares. */
  sha256: string;
  /** The organisation's domains when the file lists them (lower-case), else null: the files' domains and their aliases. */
  domains: string[] | null;
  /** The rules that apply (disabled ones are left out), by rule id. */
  rules: Record<string, RuleParams>;
}

/**
 * The policies of a run (load.ts): the organisation's file at the root of the Git work tree, and
 * each nearer file between it and a folder of mailshare files, add their rules; none replaces
 * another. Each layer is evaluated on its own (evaluate.ts), so a nearer file can add rules or
 * stricter copies of them but never disable, lower or loosen a farther one's.
 */
export interface PolicySet {
  /** Every policy file that applies to a file of the run, each once: farthest first, `--policy`'s last. */
  layers: Policy[];
  /** Per folder of mailshare files (absolute): the layers that apply there, farthest first. */
  chains: ReadonlyMap<string, readonly Policy[]>;
  /** The layer `--policy FILE` added, if any (a saved plan records it to read it again). */
  given: Policy | null;
}

/**
 * What a rule looks at: a mailshare's normalised fields. The CLI passes whole desired mailshares;
 * the policy pack passes the fields of one resource (a MailshareAcl carries only `shares`), so a
 * field that is absent (undefined) is not known here and the rule says nothing about it.
 */
export interface PolicySubject {
  domain: string;
  /** The mailshare's name; undefined when the resource does not carry it. */
  name?: string;
  email?: Address | null;
  aliases?: Address[];
  description?: string | null;
  /** KiB; null = the domain's default. */
  quota?: number | null;
  shares?: Share[];
  autoReply?: AutoReply | null;
  filters?: Filter[];
  forwarding?: Forwarding | null;
}

export type SubjectField = Exclude<keyof PolicySubject, "domain">;

/** What a rule is told besides its parameters. */
export interface RuleContext {
  /** The organisation's domains, lower-case (the policy's list, else the files' domains and their aliases). */
  organisationDomains: readonly string[];
  /** Now, in epoch milliseconds (auto-reply ends are measured from it). */
  now: number;
}

/** One thing a rule found, in the subject's terms: a field path inside the mailshare and a sentence. */
export interface Finding {
  path: FieldPath;
  message: string;
}

export interface Rule<P extends RuleParams = RuleParams> {
  id: string;
  /** One line for help texts, docs and the policy pack's description. */
  description: string;
  /** The fields it reads (any of them present makes it applicable). */
  fields: readonly SubjectField[];
  /** Problems of the parameters the schema cannot see (a pattern that does not compile, min above max), as messages. */
  checkParams?(params: P): { path: string; message: string }[];
  check(subject: PolicySubject, params: P, context: RuleContext): Finding[];
}

/** A violation as the CLI reports it: the rule, its level, and the place in the file. */
export interface Violation {
  rule: string;
  level: ViolationLevel;
  /** The policy file whose rule it is. */
  policy: string;
  domain: string;
  mailshare: string;
  file: string;
  line: number;
  column: number;
  /** The field in the file, e.g. `mailshares[0].forwarding.to[0]`. */
  path: string;
  message: string;
}
