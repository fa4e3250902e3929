// Policy tests' support: a mailshare file and a policy on disk, loaded and checked the way the CLI does.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadDesiredState } from "../../desired/load";
import { parsePolicy } from "../../policy/load";
import { evaluatePolicy, organisationDomains } from "../../policy/evaluate";
import type { Policy, Violation } from "../../policy/model";
import type { DirectoryLookups } from "../../desired/online";

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-policy-"));
}

export function policyOf(text: string, file = "bmshare.policy.yaml"): Policy {
  const loaded = parsePolicy(file, text);
  if (loaded.errors.length > 0) throw new Error(loaded.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`).join("\n"));
  return loaded.policy as Policy;
}

/** The violations of `mailshares` (a file's YAML) under `policy` (a policy's YAML). */
export async function violationsOf(mailshares: string, policy: string, o: { now?: number; lookups?: DirectoryLookups } = {}): Promise<Violation[]> {
  const file = path.join(tempDir(), "acme.test.yaml");
  fs.writeFileSync(file, mailshares);
  const loaded = await loadDesiredState([file]);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  const checked = policyOf(policy);
  const domains = await organisationDomains(checked, loaded.domains, o.lookups);
  return evaluatePolicy(checked, loaded.mailshares, { organisationDomains: domains, now: o.now ?? Date.UTC(2026, 11, 1) });
}

/** `line:column path rule: message`, compact for assertions. */
export const brief = (v: Violation) => `${v.line}:${v.column} ${v.path} ${v.level} ${v.rule}: ${v.message}`;
