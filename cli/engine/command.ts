// What `plan`, `apply` and `drift` share: their options (files, connection, parallelism), the
// connection of the providers' client, the injectable input/output (in-process tests), and how
// failures are shown — one line per problem and exit 1, a stack trace only with --debug.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CONNECTION_HELP, CONNECTION_OPTIONS, UsageError, resolveConnection } from "../connection";
import { setConnection } from "../../providers/connection";
import { setProgressSink, type ProgressSink } from "../../providers/progress";
import type { BlueMindClientOptions } from "../../bluemind";
import type { DirectoryLookups } from "../../desired/online";
import { PlanFailed } from "./model";
import { computePlan, type PlanOptions } from "./plan";

export interface CommandDependencies {
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Whether the session is interactive (stdin and stdout are terminals). */
  isTTY?: boolean;
  /** Asks a question on the terminal and resolves the answer. */
  prompt?: (question: string) => Promise<string>;
  /** Aborting it stops an apply after the operations in flight (default: Ctrl-C). */
  signal?: AbortSignal;
  /** Directory lookups for the files' server cross-checks (default: over the connection). */
  lookups?: DirectoryLookups;
  /** Extra client options (retry tuning, limits). */
  clientOptions?: Partial<BlueMindClientOptions>;
}

export const FILE_OPTIONS = {
  file: { type: "string", short: "f", multiple: true },
  parallel: { type: "string" },
  help: { type: "boolean", short: "h" },
  ...CONNECTION_OPTIONS,
} as const;

export const FILE_HELP = `  -f, --file PATH     a mailshare file or folder (repeat for several; further paths may follow)
  --parallel N        mailshares worked on at once (default 4)
  -h, --help          this help

${CONNECTION_HELP}`;

export interface CommandContext<V> {
  values: V;
  paths: string[];
  parallel: number;
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  deps: CommandDependencies;
  /** Computes the plan of the files against the connected server. */
  plan(options: Omit<PlanOptions, "paths" | "parallel" | "lookups">): Promise<Awaited<ReturnType<typeof computePlan>>>;
}

function parallelOf(value: string | undefined): number {
  if (value === undefined) return 4;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--parallel must be a whole number from 1 to 64, found "${value}"`);
  return n;
}

/**
 * Parses `argv`, connects, runs `body` and turns every failure into exit 1 with readable lines.
 * Provider messages go to standard error as notes unless `body` routes them elsewhere.
 */
export async function runCommand<O extends ParseArgsConfig["options"]>(
  name: string,
  help: string,
  argv: string[],
  options: O,
  deps: CommandDependencies,
  body: (ctx: CommandContext<any>) => Promise<number>,
): Promise<number> {
  const out = deps.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => void process.stderr.write(t));
  const env = deps.env ?? process.env;
  let debug = argv.includes("--debug");
  const noteSink: ProgressSink = (level, message) => err(`${level === "warn" ? "warning" : "note"}: ${message}\n`);
  try {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const values = parsed.values as Record<string, any>;
    debug = values.debug === true;
    if (values.help) {
      out(help);
      return 0;
    }
    const paths = [...(values.file ?? []), ...parsed.positionals];
    if (values.file === undefined || paths.length === 0) throw new UsageError("give at least one file or folder with -f");
    const parallel = parallelOf(values.parallel);
    let connection: ReturnType<typeof resolveConnection>;
    try {
      connection = resolveConnection(values, env);
    } catch (e) {
      // A missing server or key is not a mistake in the arguments: one line, no usage text.
      throw new Error((e as Error).message);
    }
    setConnection(connection, deps.clientOptions);
    setProgressSink(noteSink);
    const ctx: CommandContext<any> = {
      values, paths, parallel, out, err, env, deps,
      plan: (o) => computePlan({ ...o, paths, parallel, lookups: deps.lookups }),
    };
    return await body(ctx);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`bmshare ${name}: ${e.message}\n${help}`);
    } else if (e instanceof PlanFailed) {
      for (const line of e.lines) err(`${line}\n`);
      if (e.footer) err(`${e.footer}\n`);
    } else {
      err(`bmshare ${name}: ${(e as Error)?.message ?? String(e)}\n`);
      if (debug && e instanceof Error && e.stack) err(`${e.stack}\n`);
    }
    return 1;
  } finally {
    setProgressSink(undefined);
  }
}
