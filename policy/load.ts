// Finding and reading the policy file: `--policy FILE`, else `bmshare.policy.yaml` beside the
// mailshare files, else at the root of their Git work tree. It is read like a mailshare file (size
// and encoding limits, YAML with positions), checked against schemas/policy.schema.json, then each
// rule's parameters by the rule itself (a pattern that does not compile, min above max). Every
// problem names the file, line, column and field; nothing is sent to a server before this passes.
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import policySchema from "../schemas/policy.schema.json";
import { MAILSHARES_SCHEMA, SCHEMA_ANNOTATIONS, translateErrors } from "../desired/schema";
import { formatPath, sortErrors, type DesiredStateError } from "../desired/errors";
import { parseYaml } from "../desired/parse";
import { POLICY_FILE_NAME, readDesiredFile } from "../desired/files";
import { gitRootOf } from "../desired/load";
import type { Policy, RuleParams } from "./model";
import { RULES } from "./rules";

export { POLICY_FILE_NAME };

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    for (const keyword of SCHEMA_ANNOTATIONS) ajv.addKeyword(keyword);
    ajv.addSchema(MAILSHARES_SCHEMA);
    compiled = ajv.compile(policySchema);
  }
  return compiled;
}

export type PolicyLoad = { policy: Policy | null; errors: [] } | { policy: null; errors: DesiredStateError[] };

/** The folders a run's mailshare files are in (a folder given stands for itself). */
function foldersOf(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => {
    try {
      return path.resolve(fs.statSync(p).isDirectory() ? p : path.dirname(p));
    } catch {
      return path.resolve(path.dirname(p));
    }
  }))];
}

/**
 * The policy file that applies to these mailshare files: beside them, else at their work tree's root.
 * Two different files beside different folders are an error (a run has one policy): give --policy.
 */
export function findPolicyFile(paths: readonly string[]): { file: string | null } | { error: string } {
  const folders = foldersOf(paths);
  const beside = [...new Set(folders.map((d) => path.join(d, POLICY_FILE_NAME)).filter((f) => fs.existsSync(f)))];
  if (beside.length > 1) return { error: `several policy files apply to these files (${beside.map((f) => path.relative(process.cwd(), f)).join(", ")}): give one with --policy` };
  if (beside.length === 1) return { file: beside[0] };
  const roots = [...new Set(folders.map(gitRootOf).filter((r): r is string => r !== null))];
  const atRoot = roots.map((r) => path.join(r, POLICY_FILE_NAME)).filter((f) => fs.existsSync(f));
  if (atRoot.length > 1) return { error: `several policy files apply to these files (${atRoot.join(", ")}): give one with --policy` };
  return { file: atRoot[0] ?? null };
}

/** The policy of a run: the file given, else the one found for `paths`; `policy: null` when there is none. */
export function loadPolicyFor(paths: readonly string[], given?: string): PolicyLoad {
  let file = given;
  if (file === undefined) {
    const found = findPolicyFile(paths);
    if ("error" in found) return { policy: null, errors: [{ file: POLICY_FILE_NAME, line: 1, column: 1, path: "(document)", message: found.error }] };
    if (found.file === null) return { policy: null, errors: [] };
    file = path.relative(process.cwd(), found.file) || found.file;
  }
  const read = readDesiredFile(file);
  if ("error" in read) return { policy: null, errors: [{ file, line: read.line ?? 1, column: 1, path: "(document)", message: `policy file: ${read.error}` }] };
  return parsePolicy(file, read.text);
}

/** A policy from its text: the schema, then each rule's own parameter checks. */
export function parsePolicy(file: string, text: string): PolicyLoad {
  const parsed = parseYaml(file, text, { full: true });
  if (parsed.errors.length > 0) return { policy: null, errors: parsed.errors };
  const validate = validator();
  if (!validate(parsed.data)) {
    const errors = translateErrors(validate.errors ?? [], parsed.data).map((issue) => ({
      ...parsed.map.locate(issue.path, issue.atKey), path: formatPath(issue.path), message: issue.message,
    }));
    return { policy: null, errors: sortErrors(errors) };
  }
  const data = parsed.data as { domains?: string[]; rules: Record<string, RuleParams> };
  const errors: DesiredStateError[] = [];
  const rules: Record<string, RuleParams> = {};
  for (const [id, params] of Object.entries(data.rules)) {
    for (const problem of RULES[id].checkParams?.(params) ?? []) {
      const at = ["rules", id, ...(problem.path === "" ? [] : [problem.path])];
      errors.push({ ...parsed.map.locate(at), path: formatPath(at), message: problem.message });
    }
    if (params.level !== "disabled") rules[id] = params;
  }
  if (errors.length > 0) return { policy: null, errors: sortErrors(errors) };
  return { policy: { file, domains: data.domains?.map((d) => d.toLowerCase()) ?? null, rules }, errors: [] };
}
