// `bmshare validate -f FILE... [--offline]`: schema and cross-checks of desired-state files. Exit 0 with a
// one-line summary when valid; exit 1 with every error, one per line (`file:line:col: path: message`).
import { parseArgs } from "node:util";
import { loadDesiredState } from "../desired/load";
import { formatError } from "../desired/errors";
import type { DirectoryLookups } from "../desired/online";
import { plural } from "./engine/format";
import { checkUrl } from "./connection";

const HELP = `usage: bmshare validate -f FILE|FOLDER [-f ...] [options]

Checks mailshare files against the schema (schemas/mailshares.schema.json) and the cross-checks;
with a server connection, also against the directory (users, groups, org units, servers, addresses).
A folder stands for its *.yaml / *.yml files.

  -f, --file PATH     a file or folder (repeat for several; further paths may follow)
  --offline           skip the server cross-checks
  --url URL           BlueMind server (default: $BLUEMIND_URL)
  --api-key KEY       API key (default: $BLUEMIND_API_KEY)
  --insecure          accept an invalid TLS certificate
  --ca-file FILE      trust the CA certificates in FILE (PEM; default: $BLUEMIND_CA_FILE)
  --debug             show stack traces of errors
  -h, --help          this help
`;

export interface ServerConnection {
  url: string;
  /** Where `url` came from, to name it (never its value) when it is not a URL. */
  urlSource: "--url" | "BLUEMIND_URL";
  apiKey: string | undefined;
  insecure: boolean;
  caFile?: string;
}

export interface ValidateDependencies {
  /** Opens the directory lookups of a server; without it, server cross-checks are skipped with a note. */
  connect?: (connection: ServerConnection) => Promise<DirectoryLookups>;
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

interface ValidateArgs {
  paths: string[];
  offline: boolean;
  connection: ServerConnection | undefined;
  debug: boolean;
}

function parseValidateArgs(argv: string[], env: NodeJS.ProcessEnv): ValidateArgs | "help" {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      file: { type: "string", short: "f", multiple: true },
      offline: { type: "boolean" },
      url: { type: "string" },
      "api-key": { type: "string" },
      insecure: { type: "boolean" },
      "ca-file": { type: "string" },
      debug: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) return "help";
  const files = values.file ?? [];
  if (files.length === 0) throw new Error("give at least one file or folder with -f");
  const url = values.url ?? env.BLUEMIND_URL;
  return {
    paths: [...files, ...positionals],
    offline: values.offline ?? false,
    connection: url ? {
      url, urlSource: values.url !== undefined ? "--url" : "BLUEMIND_URL", apiKey: values["api-key"] ?? env.BLUEMIND_API_KEY, insecure: values.insecure ?? false,
      caFile: values["ca-file"] ?? env.BLUEMIND_CA_FILE,
    } : undefined,
    debug: values.debug ?? false,
  };
}


export async function runValidateCommand(argv: string[], deps: ValidateDependencies = {}): Promise<number> {
  const out = deps.stdout ?? ((t: string) => process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => process.stderr.write(t));
  let args: ValidateArgs | "help";
  try {
    args = parseValidateArgs(argv, deps.env ?? process.env);
  } catch (e) {
    err(`bmshare validate: ${(e as Error).message}\n${HELP}`);
    return 1;
  }
  if (args === "help") {
    out(HELP);
    return 0;
  }
  let lookups: DirectoryLookups | undefined;
  let skipped: string | undefined;
  if (args.offline) skipped = "--offline";
  else if (!args.connection) skipped = "no server connection configured (--url or BLUEMIND_URL)";
  else if (!deps.connect) skipped = "this build has no BlueMind client for them";
  let result: Awaited<ReturnType<typeof loadDesiredState>>;
  try {
    if (!skipped && args.connection && deps.connect) {
      checkUrl(args.connection.url, args.connection.urlSource);
      lookups = await deps.connect(args.connection);
    }
    result = await loadDesiredState(args.paths, { lookups });
  } catch (e) {
    // The server could not answer a cross-check: never mistaken for "does not exist" (design rule 5).
    err(`bmshare validate: ${(e as Error).message}\n`);
    if (args.debug && (e as Error).stack) err(`${(e as Error).stack}\n`);
    return 1;
  }
  if (skipped && !args.offline) err(`note: server cross-checks skipped: ${skipped}\n`);
  if (!result.ok) {
    for (const error of result.errors) err(`${formatError(error)}\n`);
    err(`${plural(result.errors.length, "error")} in ${plural(new Set(result.errors.map((e) => e.file)).size, "file")}\n`);
    return 1;
  }
  const domains = [...new Set(result.mailshares.map((m) => m.domain))];
  const checks = lookups ? "schema, cross-checks and server checks" : "schema and offline cross-checks";
  out(`valid: ${plural(result.mailshares.length, "mailshare")} in ${plural(result.files.length, "file")}` +
    `${domains.length > 0 ? ` (${domains.join(", ")})` : ""}; ${checks} passed\n`);
  return 0;
}
