// The policy of a CLI run (policy/): `--policy FILE`, else bmshare.policy.yaml found beside the files
// or at their work tree's root. A policy file with an error stops the command before it connects.
import { formatError } from "../desired/errors";
import { loadPolicyFor } from "../policy/load";
import type { Policy, Violation } from "../policy/model";
import { formatViolation } from "../policy/evaluate";
import { displayPath, plural } from "./engine/format";
import type { Style } from "./style";

export const POLICY_OPTIONS = { policy: { type: "string" } } as const;

export const POLICY_HELP = `  --policy FILE       the policy to check the files against (default: bmshare.policy.yaml beside
                      the files, else at the root of their Git work tree; docs/policy.md)`;

/** The run's policy (null when there is none), or every error of its file as the lines to print. */
export function runPolicy(paths: readonly string[], given: string | undefined): { policy: Policy | null } | { lines: string[]; footer: string } {
  const loaded = loadPolicyFor(paths, given);
  if (loaded.errors.length > 0) {
    return { lines: loaded.errors.map(formatError), footer: `${plural(loaded.errors.length, "error")} in the policy: nothing was sent to the server` };
  }
  return { policy: loaded.policy };
}

/** A violation's line, coloured by level (mandatory as an error, advisory as a warning). */
export function violationLine(v: Violation, style: Style, cwd = process.cwd()): string {
  const line = formatViolation(v, displayPath(v.file, cwd));
  return v.level === "mandatory" ? style.error(line) : style.warning(line);
}

/** `2 mandatory, 1 advisory policy violations`. */
export function violationCounts(violations: readonly Violation[]): string {
  const mandatory = violations.filter((v) => v.level === "mandatory").length;
  const advisory = violations.length - mandatory;
  const parts = [mandatory > 0 ? `${mandatory} mandatory` : "", advisory > 0 ? `${advisory} advisory` : ""].filter((p) => p !== "");
  return `${parts.join(", ")} policy violation${violations.length === 1 ? "" : "s"}`;
}
