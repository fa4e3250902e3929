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

/** A Git work tree holding `files` (path → text); `write` adds or changes one, `file` is one's path. */
export function gitRepository(files: Record<string, string>): { dir: string; file(name: string): string; write(name: string, text: string): void } {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, ".git"));
  const file = (name: string) => path.join(dir, name);
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(file(name)), { recursive: true });
    fs.writeFileSync(file(name), text);
  };
  for (const [name, text] of Object.entries(files)) write(name, text);
  return { dir, file, write };
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
