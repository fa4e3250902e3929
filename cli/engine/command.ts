// What `plan`, `apply` and `drift` share on top of every server command (../command.ts): the
// files, the parallelism, and the plan of the files against the server.
import type { ParseArgsConfig } from "node:util";
import { CONNECTION_HELP, CONNECTION_OPTIONS, UsageError } from "../connection";
import type { Connection } from "../../providers/connection";
import type { Runtime } from "../../providers/runtime";
import { refuseUnsupportedServer, runServerCommand, type IoDependencies } from "../command";
import type { OutputStyles } from "../style";
import type { RenderContext } from "./format";
import type { DirectoryLookups } from "../../desired/online";
import { computePlan, type PlanOptions } from "./plan";
import { MAX_POOL_WIDTH } from "./pool";
import { runPolicy } from "../policy";
import { ReportedFailure } from "../command";
import type { PolicySet } from "../../policy/model";

export interface CommandDependencies extends IoDependencies {
  /** Whether the session is interactive (stdin and stdout are terminals). */
  isTTY?: boolean;
  /** Asks a question on the terminal and resolves the answer. */
  prompt?: (question: string) => Promise<string>;
  /** Aborting it stops an apply after the operations in flight (default: Ctrl-C). */
  signal?: AbortSignal;
  /** Directory lookups for the files' server cross-checks (default: over the connection). */
  lookups?: DirectoryLookups;
}

export const FILE_OPTIONS = {
  file: { type: "string", short: "f", multiple: true },
  parallel: { type: "string" },
  help: { type: "boolean", short: "h" },
  ...CONNECTION_OPTIONS,
} as const;

export const FILE_HELP = `  -f, --file PATH     a mailshare file or folder (repeat for several; further paths may follow)
  --parallel N        mailshares worked on at once, at most (default: as many as the request
                      limiter lets through, which adapts to the server; see --max-concurrent)
  -h, --help          this help

${CONNECTION_HELP}`;

export interface CommandContext<V> {
  values: V;
  paths: string[];
  parallel: number;
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  connection: Connection;
  /** The providers' runtime, connected (../command.ts). */
  rt: Runtime;
  deps: CommandDependencies;
  styles: OutputStyles;
  /** How standard output shows plans: colours, and paths relative to the working folder. */
  render: RenderContext;
  /** The run's policies (those found for the files, and `--policy`'s); their errors stop the command. */
  policies(): PolicySet;
  /** Computes the plan of the files against the connected server. */
  plan(options: Omit<PlanOptions, "paths" | "parallel" | "lookups" | "rt">): Promise<Awaited<ReturnType<typeof computePlan>>>;
}

function parallelOf(value: string | undefined): number {
  // No cap of its own: the pools follow the request limiter's width (pool.ts).
  if (value === undefined) return MAX_POOL_WIDTH;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--parallel must be a whole number from 1 to 64, found "${value}"`);
  return n;
}

/**
 * Parses `argv`, connects, and runs `body` with the files and the plan of them at hand. Files are
 * required unless `withoutFiles(values)` says the command gets its plan elsewhere (`apply --plan`).
 */
export async function runCommand<O extends ParseArgsConfig["options"]>(
  name: string,
  help: string,
  argv: string[],
  options: O,
  deps: CommandDependencies,
  body: (ctx: CommandContext<any>) => Promise<number>,
  withoutFiles: (values: Record<string, any>) => boolean = () => false,
): Promise<number> {
  const pathsOf = (values: Record<string, any>, positionals: string[]): string[] => [...(values.file ?? []), ...positionals];
  return runServerCommand(name, help, argv, options, deps, (c) => {
    const paths = pathsOf(c.values, c.positionals);
    return body({
      values: c.values, paths, parallel: parallelOf(c.values.parallel), out: c.out, err: c.err, env: c.env, connection: c.connection, rt: c.rt, deps,
      styles: c.styles, render: { cwd: process.cwd(), style: c.styles.out },
      policies: () => {
        const found = runPolicy(paths, c.values.policy);
        if ("lines" in found) throw new ReportedFailure(found.lines, found.footer);
        return found.policies;
      },
      plan: (o) => computePlan({
        ...o, rt: c.rt, paths, parallel: parallelOf(c.values.parallel), lookups: deps.lookups,
        beforeServerReads: () => refuseUnsupportedServer(c.rt),
      }),
    });
  }, (values, positionals) => {
    const given = pathsOf(values, positionals).length > 0;
    if (withoutFiles(values)) {
      if (given) throw new UsageError("a saved plan already says which files it applies: give --plan or -f, not both");
    } else if (values.file === undefined || !given) throw new UsageError("give at least one file or folder with -f");
    parallelOf(values.parallel);
  });
}
