// Finding and reading the policy files of a run. Every folder of mailshare files has a chain of
// them: bmshare.policy.yaml in each folder from the root of its Git work tree (the organisation's
// file) down to the folder itself (a team's), then the one `--policy FILE` adds. A file is read like
// a mailshare file (size and encoding limits, YAML with positions), checked against
// schemas/policy.schema.json, then each rule's parameters by the rule itself (a pattern that does not
// compile, min above max). Every problem names the file, line, column and field; nothing is sent to a
// server before this passes.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ValidateFunction } from "ajv/dist/2020";
import policySchema from "../schemas/policy.schema.json";
import { MAILSHARES_SCHEMA, SCHEMA_ANNOTATIONS, translateErrors } from "../desired/schema";
import { formatPath, sortErrors, type DesiredStateError } from "../desired/errors";
import { parseYaml } from "../desired/parse";
import { POLICY_FILE_NAME, readDesiredFile } from "../desired/files";
import { gitRootOf } from "../desired/load";
import type { Policy, PolicySet, RuleParams } from "./model";
import { RULES } from "./rules";

export { POLICY_FILE_NAME };

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    // Loaded here: a run without a policy file (and with valid files, desired/schema-validators.ts) never loads ajv.
    const { default: Ajv2020 } = require("ajv/dist/2020") as typeof import("ajv/dist/2020");
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    for (const keyword of SCHEMA_ANNOTATIONS) ajv.addKeyword(keyword);
    ajv.addSchema(MAILSHARES_SCHEMA);
    compiled = ajv.compile(policySchema);
  }
  return compiled;
}

export type PolicyLoad = { policy: Policy | null; errors: [] } | { policy: null; errors: DesiredStateError[] };
export type PolicySetLoad = { policies: PolicySet; errors: [] } | { policies: null; errors: DesiredStateError[] };

/** `dir` with its symbolic links resolved (as given when it does not exist). */
export function realFolder(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/**
 * The folders a run's mailshare files are in (a folder given stands for itself), absolute and with
 * symbolic links resolved: a link from outside the work tree to a team's folder has that folder's chain.
 */
function foldersOf(paths: readonly string[]): string[] {
  return [...new Set(paths.map((p) => {
    try {
      return realFolder(fs.statSync(p).isDirectory() ? p : path.dirname(p));
    } catch {
      return realFolder(path.dirname(p));
    }
  }))];
}

/** Every Git work tree `folder` is in, nearest first (a nested repository or submodule, then those around it). */
export function gitRootsOf(folder: string): string[] {
  const roots: string[] = [];
  for (let dir = gitRootOf(folder); dir !== null; dir = path.dirname(dir) === dir ? null : gitRootOf(path.dirname(dir))) roots.push(dir);
  return roots;
}

/**
 * The outermost Git work tree `folder` is in: a `.git` entry nearer the files (a nested repository,
 * a submodule, or a team's empty `.git` folder) never cuts the organisation's file off their chain.
 */
const outermostGitRoot = (folder: string): string | null => gitRootsOf(folder).at(-1) ?? null;

const isWithin = (folder: string, root: string) => {
  const relative = path.relative(root, folder);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
};

/**
 * The policy files that apply to the mailshare files of `folder` (absolute), farthest first: one in
 * each folder from the root of its outermost Git work tree down to `folder`. Outside a work tree the
 * root is the current folder when `folder` is inside it (a repository before `git init`), else
 * `folder` alone.
 */
export function policyFilesFor(folder: string, cwd = process.cwd()): string[] {
  const root = outermostGitRoot(folder) ?? (isWithin(folder, cwd) ? cwd : folder);
  const folders: string[] = [];
  for (let dir = folder; ; dir = path.dirname(dir)) {
    folders.unshift(dir);
    if (dir === root || path.dirname(dir) === dir) break;
  }
  return folders.map((dir) => path.join(dir, POLICY_FILE_NAME)).filter(isPresent);
}

/** Whether anything is at `file`: a link whose target is missing counts (reading it then fails, loudly), never as no policy. */
function isPresent(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** One policy file: read, then checked (parsePolicy). */
export function readPolicyFile(file: string): PolicyLoad {
  const read = readDesiredFile(file);
  if ("error" in read) return { policy: null, errors: [{ file, line: read.line ?? 1, column: 1, path: "(document)", message: `policy file: ${read.error}` }] };
  return parsePolicy(file, read.text);
}

/**
 * The policies of a run on `paths`: each folder's chain (policyFilesFor), then the file `given`
 * (`--policy`) added to every chain. Each file is read once; the errors of all of them are returned.
 */
export function loadPolicyFor(paths: readonly string[], given?: string): PolicySetLoad {
  const cwd = realFolder(process.cwd());
  const read = new Map<string, PolicyLoad>();
  const layer = (absolute: string, shown: string): Policy | null => {
    if (!read.has(absolute)) read.set(absolute, readPolicyFile(shown));
    return read.get(absolute)!.policy;
  };
  const givenLayer = given === undefined ? null : layer(path.resolve(given), given);
  const chains = new Map<string, Policy[]>();
  for (const folder of foldersOf(paths)) {
    const found = policyFilesFor(folder, cwd).map((file) => layer(file, isWithin(file, cwd) ? path.relative(cwd, file) : file));
    const chain = [...found, ...(givenLayer && !found.includes(givenLayer) ? [givenLayer] : [])];
    chains.set(folder, chain.filter((p): p is Policy => p !== null));
  }
  const errors = [...read.values()].flatMap((r) => r.errors);
  if (errors.length > 0) return { policies: null, errors };
  // Farthest first (a root before the folders below it), `--policy`'s last.
  const layers = [...new Set([...chains.values()].flat().filter((p) => p !== givenLayer))].sort((a, b) => depth(a.file, cwd) - depth(b.file, cwd));
  if (givenLayer) layers.push(givenLayer);
  return { policies: { layers, chains, given: givenLayer }, errors: [] };
}

const depth = (file: string, cwd: string) => path.resolve(cwd, file).split(path.sep).length;

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
  const sha256 = `sha256:${createHash("sha256").update(text).digest("hex")}`;
  return { policy: { file, sha256, domains: data.domains?.map((d) => d.toLowerCase()) ?? null, rules }, errors: [] };
}
