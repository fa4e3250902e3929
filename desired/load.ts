// Files and folders → validated, normalised mailshares, or every error at once. The pipeline per file:
// parse (with positions) → schema → normalise + per-mailshare cross-checks; then the cross-checks
// across all files (a mailshare declared twice, addresses used twice) and, with directory lookups,
// the server cross-checks. Fields with a schema error are set aside before the later stages, so a
// mistake is reported once, not echoed by every later stage, while the rest is still checked.
import * as fs from "node:fs";
import * as path from "node:path";
import { DesiredStateInvalid, formatPath, sortErrors, type DesiredStateError, type Issue } from "./errors";
import type { DesiredMailshare, RawFile, RawMailshare } from "./model";
import { parseYaml, type SourceMap } from "./parse";
import { validateAgainstSchema } from "./schema";
import { normaliseMailshare } from "./normalise";
import { checkAcross, checkMailshare, locate, type MailshareEntry } from "./crosscheck";
import { checkOnline, type DirectoryLookups } from "./online";

export interface LoadOptions {
  /** Directory lookups for the server cross-checks; without them only offline checks run. */
  lookups?: DirectoryLookups;
}

export interface LoadResult {
  ok: boolean;
  /** The valid mailshares, sorted by domain then name (all of them when `ok`). */
  mailshares: DesiredMailshare[];
  /** Every problem, in a stable order (file, line, column). */
  errors: DesiredStateError[];
  /** The YAML files read, in order. */
  files: string[];
  /** The domains the files manage (their `domain:`), even those whose file declares no mailshare. */
  domains: string[];
  serverChecks: "done" | "skipped";
}

export interface Source {
  /** The file name as shown in messages. */
  file: string;
  text: string;
  /** Directory photo paths are relative to; default: the file's directory. */
  baseDir?: string;
}

const YAML_FILE = /\.ya?ml$/i;

/** Each path is a file or a folder (its `*.yaml` / `*.yml` files, sorted, not recursive). */
export function expandPaths(paths: readonly string[]): { files: string[]; errors: DesiredStateError[]; order: string[] } {
  const files: string[] = [];
  /** Files and failing paths in the order given, to sort errors by. */
  const order: string[] = [];
  const errors: DesiredStateError[] = [];
  const seen = new Set<string>();
  const add = (file: string) => {
    const key = path.resolve(file);
    if (!seen.has(key)) {
      seen.add(key);
      files.push(file);
      order.push(file);
    }
  };
  const fail = (file: string, message: string) => {
    order.push(file);
    errors.push({ file, line: 1, column: 1, path: "(document)", message });
  };
  for (const given of paths) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(given);
    } catch {
      fail(given, "no such file or folder");
      continue;
    }
    if (!stat.isDirectory()) {
      add(given);
      continue;
    }
    const inside = fs.readdirSync(given).filter((name) => YAML_FILE.test(name)).sort();
    if (inside.length === 0) fail(given, "expected a folder with .yaml or .yml files, found none");
    for (const name of inside) {
      if (fs.statSync(path.join(given, name)).isFile()) add(path.join(given, name));
    }
  }
  return { files, errors, order };
}

export async function loadDesiredState(paths: readonly string[], options: LoadOptions = {}): Promise<LoadResult> {
  const { files, errors, order } = expandPaths(paths);
  const sources: Source[] = [];
  for (const file of files) {
    try {
      sources.push({ file, text: fs.readFileSync(file, "utf8") });
    } catch (err) {
      errors.push({ file, line: 1, column: 1, path: "(document)", message: `cannot read the file: ${(err as Error).message}` });
    }
  }
  const result = await checkSources(sources, options);
  return { ...result, ok: result.ok && errors.length === 0, errors: sortErrors([...errors, ...result.errors], order) };
}

/** For the Pulumi program: the mailshares, or a `DesiredStateInvalid` listing every error. */
export async function loadDesiredStateOrThrow(paths: readonly string[], options: LoadOptions = {}): Promise<DesiredMailshare[]> {
  const result = await loadDesiredState(paths, options);
  if (!result.ok) throw new DesiredStateInvalid(result.errors);
  return result.mailshares;
}

/** The whole pipeline over texts already read (tests, editors, stdin). */
export async function checkSources(sources: readonly Source[], options: LoadOptions = {}): Promise<LoadResult> {
  const errors: DesiredStateError[] = [];
  const entries: MailshareEntry[] = [];
  const domains = new Set<string>();
  for (const source of sources) {
    const checked = checkFile(source);
    errors.push(...checked.errors);
    entries.push(...checked.entries);
    if (checked.domain !== null) domains.add(checked.domain);
  }
  errors.push(...checkAcross(entries));
  let serverChecks: LoadResult["serverChecks"] = "skipped";
  if (options.lookups) {
    errors.push(...await checkOnline(entries, options.lookups));
    serverChecks = "done";
  }
  const files = sources.map((s) => s.file);
  const mailshares = entries
    .filter((e) => e.domain !== null && !errors.some((error) => concerns(error, e)))
    .map((e): DesiredMailshare => ({ ...e.value, domain: e.domain as string, declaredAt: { ...locate(e, []), path: formatPath(e.path) } }))
    .sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ok: errors.length === 0, mailshares, errors: sortErrors(errors, files), files, domains: [...domains].sort(), serverChecks };
}

/** Whether an error makes a mailshare unusable: it is inside it, or about its file as a whole. */
function concerns(error: DesiredStateError, entry: MailshareEntry): boolean {
  if (error.file !== entry.file) return false;
  const own = formatPath(entry.path);
  return !error.path.startsWith("mailshares[") || error.path === own || error.path.startsWith(`${own}.`) || error.path.startsWith(`${own}[`);
}

interface CheckedFile {
  /** The file's domain, when valid. */
  domain: string | null;
  errors: DesiredStateError[];
  /** The mailshares that could be checked (invalid fields set aside; they may have errors). */
  entries: MailshareEntry[];
}

function checkFile(source: Source): CheckedFile {
  const parsed = parseYaml(source.file, source.text);
  if (parsed.errors.length > 0) return { domain: null, errors: parsed.errors, entries: [] };
  const toError = (map: SourceMap, issue: Issue, base: (string | number)[] = []): DesiredStateError => {
    const full = [...base, ...issue.path];
    return { ...map.locate(full, issue.atKey), path: formatPath(full), message: issue.message };
  };
  const schemaIssues = validateAgainstSchema(parsed.data);
  const errors = schemaIssues.map((issue) => toError(parsed.map, issue));
  if (!isFileShaped(parsed.data)) return { domain: null, errors, entries: [] };
  const domainInvalid = schemaIssues.some((i) => i.path[0] === "domain" || i.path.length === 0);
  const domain = domainInvalid || typeof parsed.data.domain !== "string" ? null : parsed.data.domain.toLowerCase();
  const baseDir = source.baseDir ?? path.dirname(path.resolve(source.file));
  const entries: MailshareEntry[] = [];
  parsed.data.mailshares.forEach((raw, index) => {
    const entryPath = ["mailshares", index];
    const own = schemaIssues.filter((i) => i.path[0] === "mailshares" && (i.path.length === 1 || i.path[1] === index));
    const invalid = new Set(own.map((i) => i.path[2]).filter((k): k is string => typeof k === "string"));
    // A mailshare that is not a mapping cannot be checked further; otherwise its invalid fields are
    // set aside and the rest is still checked, so one run reports everything. Without a valid name
    // it takes no part in the checks across mailshares, which identify mailshares by name.
    if (own.some((i) => i.path.length <= 2)) return;
    const mailshare = withoutKeys(raw as RawMailshare, invalid);
    const normalised = normaliseMailshare({ ...mailshare, name: String((raw as RawMailshare).name) }, { baseDir });
    const issues = [...normalised.issues, ...checkMailshare(mailshare, normalised.value, invalid)];
    errors.push(...issues.map((issue) => toError(parsed.map, issue, entryPath)));
    if (!invalid.has("name")) {
      entries.push({ domain, raw: mailshare, value: normalised.value, file: source.file, path: entryPath, map: parsed.map });
    }
  });
  return { domain, errors, entries };
}

function withoutKeys(raw: RawMailshare, keys: ReadonlySet<string>): RawMailshare {
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !keys.has(key))) as unknown as RawMailshare;
}

function isFileShaped(data: unknown): data is RawFile {
  return typeof data === "object" && data !== null && Array.isArray((data as RawFile).mailshares);
}
