// `bmshare validate -f FILE... [--offline]`: schema and cross-checks of desired-state files. Exit 0 with a
// one-line summary when valid; exit 1 with every error, one per line (`file:line:col: path: message`).
// The connection options and their resolution are every server command's (cli/connection.ts).
import { parseArgs } from "node:util";
import { loadDesiredState } from "../desired/load";
import { formatError } from "../desired/errors";
import type { DirectoryLookups } from "../desired/online";
import { plural } from "./engine/format";
import { CONNECTION_HELP, CONNECTION_OPTIONS, asUsageError, resolveCliConnection, settingsFromFlags, type ConnectionValues } from "./connection";
import { givenUrl, type Connection } from "../providers/connection";
import { outputStyles } from "./style";
import { POLICY_HELP, POLICY_OPTIONS, policyFiles, runPolicy, violationCounts, violationLine } from "./policy";
import { evaluatePolicies, isMandatory, needsFileDomains, organisationDomains } from "../policy/evaluate";

const HELP = `usage: bmshare validate -f FILE|FOLDER [-f ...] [options]

Checks mailshare files against the schema (schemas/mailshares.schema.json) and the cross-checks;
with a server connection, also against the directory (users, groups, org units, servers, addresses).
A folder stands for its *.yaml / *.yml files. The policies are checked too (bmshare.policy.yaml at
the root of the Git work tree and in the folders down to the files): a mandatory violation is an
error (exit 1), an advisory one is printed; the summary names the policy files that applied.

  -f, --file PATH     a file or folder (repeat for several; further paths may follow)
  --offline           skip the server cross-checks (the policy's rules then know the files'
                      domains, not their aliases)
${POLICY_HELP}
  -h, --help          this help

${CONNECTION_HELP}`;

export interface ValidateDependencies {
  /** Opens the directory lookups of a server; without it, server cross-checks are skipped with a note. */
  connect?: (connection: Connection) => Promise<DirectoryLookups>;
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

interface ValidateArgs {
  paths: string[];
  offline: boolean;
  policy: string | undefined;
  values: ConnectionValues & { "no-color"?: boolean };
  debug: boolean;
}

function parseValidateArgs(argv: string[]): ValidateArgs | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { file: { type: "string", short: "f", multiple: true }, offline: { type: "boolean" }, help: { type: "boolean", short: "h" }, ...POLICY_OPTIONS, ...CONNECTION_OPTIONS },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return "help";
  const files = values.file ?? [];
  if (files.length === 0) throw new Error("give at least one file or folder with -f");
  return { paths: [...files, ...positionals], offline: values.offline ?? false, policy: values.policy, values, debug: values.debug ?? false };
}

export async function runValidateCommand(argv: string[], deps: ValidateDependencies = {}): Promise<number> {
  const out = deps.stdout ?? ((t: string) => process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => process.stderr.write(t));
  let args: ValidateArgs | "help";
  try {
    args = parseValidateArgs(argv);
  } catch (e) {
    err(`bmshare validate: ${(e as Error).message}\n${HELP}`);
    return 1;
  }
  if (args === "help") {
    out(HELP);
    return 0;
  }
  const env = deps.env ?? process.env;
  const style = outputStyles(deps, env, args.values["no-color"] === true).err;
  const found = runPolicy(args.paths, args.policy);
  if ("lines" in found) {
    for (const line of found.lines) err(`${style.error(line)}\n`);
    err(`${found.footer}\n`);
    return 1;
  }
  const { policies } = found;
  let lookups: DirectoryLookups | undefined;
  let skipped: string | undefined;
  let result: Awaited<ReturnType<typeof loadDesiredState>>;
  try {
    // The same resolver as every command; only without any server URL are the server checks skipped.
    const settings = settingsFromFlags(args.values);
    if (args.offline) skipped = "--offline";
    else if (asUsageError(() => givenUrl(settings, "flags", env)) === null) skipped = "no server connection configured (--url or BLUEMIND_URL)";
    else if (!deps.connect) skipped = "this build has no BlueMind client for them";
    // The settings are checked now; the connection (the server's release read) is made only once
    // the files have no error of their own.
    const connect = deps.connect;
    const connection = connect && !skipped ? resolveCliConnection(args.values, env) : undefined;
    const connected = connect && connection ? async () => (lookups ??= await connect(connection)) : undefined;
    result = await loadDesiredState(args.paths, { lookups: connected });
  } catch (e) {
    // The server could not answer a cross-check: never mistaken for "does not exist" (design rule 5).
    err(`bmshare validate: ${(e as Error).message}\n`);
    if (args.debug && (e as Error).stack) err(`${(e as Error).stack}\n`);
    return 1;
  }
  if (skipped && !args.offline) err(`note: server cross-checks skipped: ${skipped}\n`);
  if (result.serverChecks === "withheld") err("note: server cross-checks not run: they run once the files have no other error (nothing was sent to the server)\n");
  for (const note of result.notes ?? []) err(`note: ${note}\n`);
  if (!result.ok) {
    for (const error of result.errors) err(`${style.error(formatError(error))}\n`);
    err(`${plural(result.errors.length, "error")} in ${plural(new Set(result.errors.map((e) => e.file)).size, "file")}\n`);
    return 1;
  }
  let policyNote = "";
  if (policies.layers.length > 0) {
    let fileDomains: string[] = [];
    try {
      if (needsFileDomains(policies)) fileDomains = await organisationDomains(null, result.domains, lookups);
    } catch (e) {
      err(`bmshare validate: cannot read the domains' aliases the policy's rules need: ${(e as Error).message}\n`);
      return 1;
    }
    const violations = evaluatePolicies(policies, result.mailshares, { fileDomains, now: Date.now() });
    for (const v of violations) err(`${violationLine(v, style, process.cwd(), policies.layers.length > 1)}\n`);
    const files = policyFiles(policies.layers);
    if (isMandatory(violations)) {
      err(`${violationCounts(violations)} (${files}): the files are not valid under the policy\n`);
      return 1;
    }
    const named = `${policies.layers.length === 1 ? "policy" : "policies"} ${files}`;
    policyNote = violations.length > 0 ? `; ${named}: ${violationCounts(violations)}` : `; ${named} passed`;
  }
  const domains = [...new Set(result.mailshares.map((m) => m.domain))];
  const checks = lookups ? "schema, cross-checks and server checks" : "schema and offline cross-checks";
  out(`valid: ${plural(result.mailshares.length, "mailshare")} in ${plural(result.files.length, "file")}` +
    `${domains.length > 0 ? ` (${domains.join(", ")})` : ""}; ${checks} passed${policyNote}\n`);
  return 0;
}
