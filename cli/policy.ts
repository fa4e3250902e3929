// The policies of a CLI run (policy/): bmshare.policy.yaml at the root of the files' Git work tree
// and in each folder between it and the files, each adding its rules, and `--policy FILE` adding one
// more. A policy file with an error stops the command before it connects. A saved plan records the
// files it was checked against; apply --plan finds them again and refuses when they differ.
import * as fs from "node:fs";
import * as path from "node:path";
import { formatError } from "../desired/errors";
import { loadPolicyFor } from "../policy/load";
import type { PolicySet, Violation } from "../policy/model";
import { formatViolation } from "../policy/evaluate";
import type { Plan } from "./engine/model";
import { displayPath, plural } from "./engine/format";
import type { Style } from "./style";

export const POLICY_OPTIONS = { policy: { type: "string" } } as const;

export const POLICY_HELP = `  --policy FILE       a policy to check the files against as well: it adds its rules to those of
                      bmshare.policy.yaml at the root of the files' Git work tree and in each
                      folder between it and the files, which always apply (docs/policy.md)`;

/** The run's policies (no layers when there is none), or every error of their files as the lines to print. */
export function runPolicy(paths: readonly string[], given: string | undefined): { policies: PolicySet } | { lines: string[]; footer: string } {
  const loaded = loadPolicyFor(paths, given);
  if (loaded.policies === null) {
    return { lines: loaded.errors.map(formatError), footer: `${plural(loaded.errors.length, "error")} in the policy: nothing was sent to the server` };
  }
  return { policies: loaded.policies };
}

/** `bmshare.policy.yaml, teams/a/bmshare.policy.yaml`: the policy files that applied. */
export const policyFiles = (files: readonly { file: string }[], cwd = process.cwd()) => files.map((p) => displayPath(p.file, cwd)).join(", ");

/** A violation's line, coloured by level (mandatory as an error, advisory as a warning); `named`: with its policy file. */
export function violationLine(v: Violation, style: Style, cwd = process.cwd(), named = false): string {
  const line = formatViolation(v, displayPath(v.file, cwd), named ? displayPath(v.policy, cwd) : undefined);
  return v.level === "mandatory" ? style.error(line) : style.warning(line);
}

/** `2 mandatory, 1 advisory policy violations`. */
export function violationCounts(violations: readonly Violation[]): string {
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const advisory = violations.length - mandatory;
  const parts = [mandatory > 0 ? `${mandatory} mandatory` : "", advisory > 0 ? `${advisory} advisory` : ""].filter((p) => p !== "");
  return `${parts.join(", ")} policy violation${violations.length === 1 ? "" : "s"}`;
}

/**
 * The policies of today for a saved plan's files (found again, and the one `--policy` added read
 * again), or why the plan may not be applied under them: they differ from those it recorded, by path
 * and SHA-256. Paths are resolved from `cwd`, the folder the plan was made from.
 */
export function policiesForSavedPlan(plan: Plan, cwd = process.cwd()): { policies: PolicySet } | { lines: string[]; footer?: string } {
  const given = plan.policies.find((p) => p.given)?.file;
  const found = runPolicy(plan.files, given !== undefined && fs.existsSync(path.resolve(cwd, given)) ? given : undefined);
  if ("lines" in found) return found;
  const then = new Map(plan.policies.map((p) => [path.resolve(cwd, p.file), p.sha256]));
  const now = new Map(found.policies.layers.map((p) => [path.resolve(cwd, p.file), p.sha256]));
  const changes = [
    ...[...then].map(([file, sha256]) => (!now.has(file) ? `${displayPath(file, cwd)} disappeared` : now.get(file) !== sha256 ? `${displayPath(file, cwd)} changed` : "")),
    ...[...now.keys()].map((file) => (then.has(file) ? "" : `${displayPath(file, cwd)} appeared`)),
  ].filter((c) => c !== "");
  if (changes.length === 0) return found;
  return { lines: [`bmshare apply: the policy changed since this plan was made (${changes.join(", ")}): plan again`], footer: "nothing was changed" };
}
