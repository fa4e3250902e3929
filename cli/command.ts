// What every command that talks to a server shares: strict option parsing, --help, the
// connection of the providers' client, provider messages as notes on standard error, injectable
// input/output (in-process tests), and how failures are shown — one line per problem and exit 1,
// a pointer to --help after a usage mistake, a stack trace only with --debug.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError, resolveCliConnection } from "./connection";
import type { Connection } from "../providers/connection";
import { RUNTIME, setProgressSink, useSettings, type Runtime } from "../providers/runtime";
import { BlueMindError, isServerUnreachable, TransportError, UnsupportedVersionError, type BlueMindClientOptions } from "../bluemind";
import { outputStyles, type OutputStyles, type Terminal } from "./style";

export interface IoDependencies {
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Extra client options (retry tuning, limits). */
  clientOptions?: Partial<BlueMindClientOptions>;
  /** Whether the injected `stdout` / `stderr` are terminals (default: the process's, when not injected). */
  terminal?: Terminal;
}

export interface ServerCommandContext {
  values: Record<string, any>;
  positionals: string[];
  connection: Connection;
  /** The providers' runtime, connected: its client is the one every part of the command uses. */
  rt: Runtime;
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  styles: OutputStyles;
}

/** A failure already worded as lines for the person (e.g. every error of the files), and a footer. */
export class ReportedFailure extends Error {
  constructor(readonly lines: string[], readonly footer?: string) {
    super(lines.join("\n"));
  }
}

/**
 * A server whose BlueMind release bmshare does not speak, or that answers but refuses to say which
 * release it is, is refused before a plan reads or writes anything else: the plan could not be
 * trusted, and each later read would fail on the version again. A server that does not answer at all
 * (after the read's retries) is said once too, not once per mailshare. Every write checks the version again (base.ts).
 */
export async function refuseUnsupportedServer(rt: Runtime): Promise<void> {
  try {
    await rt.client.capabilities();
  } catch (e) {
    if (e instanceof UnsupportedVersionError) throw e;
    // No answer at all (refused, timed out, no route): every later read would wait the same way.
    if (e instanceof TransportError) {
      throw new Error(`cannot reach the server (${e.message}): nothing was read further and nothing was written`);
    }
    // It answers, but 502/503/504: left to the command, whose reads each say what they could not read.
    if (isServerUnreachable(e)) return;
    if (e instanceof BlueMindError && e.status === 401) {
      throw new Error(`the server refused the API key (${e.message}): check BLUEMIND_API_KEY or --api-key; nothing was read further and nothing was written`);
    }
    throw new Error(`cannot read the server's BlueMind version, which says which API it speaks (${e instanceof Error ? e.message : String(e)}): nothing was read further and nothing was written`);
  }
}

/**
 * Runs `body` once the options are parsed and the connection is made. `check` validates the
 * options before connecting (throw UsageError). Every failure becomes exit 1.
 */
export async function runServerCommand(
  name: string,
  help: string,
  argv: string[],
  options: ParseArgsConfig["options"],
  deps: IoDependencies,
  body: (ctx: ServerCommandContext) => Promise<number>,
  check: (values: Record<string, any>, positionals: string[]) => void = () => {},
): Promise<number> {
  const out = deps.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => void process.stderr.write(t));
  const env = deps.env ?? process.env;
  let debug = argv.includes("--debug");
  // Decided before parsing, so that a usage mistake is coloured as the command would be.
  let styles = outputStyles(deps, env, argv.includes("--no-color"));
  try {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const values = parsed.values as Record<string, any>;
    debug = values.debug === true;
    styles = outputStyles(deps, env, values["no-color"] === true);
    if (values.help) {
      out(help);
      return 0;
    }
    check(values, parsed.positionals);
    const connection = resolveCliConnection(values, env);
    useSettings(connection, "flags", { env, clientOptions: deps.clientOptions });
    // Task log lines are for --verbose, which only apply has (its own display): dropped here.
    // Notes are shown in the plan, beside their resource (plan.ts); details only with --verbose.
    setProgressSink((level, message) => level !== "detail" && level !== "note" && err(`${level === "warn" ? styles.err.warning("warning") : "note"}: ${message}\n`));
    return await body({ values, positionals: parsed.positionals, connection, rt: RUNTIME, out, err, env, styles });
  } catch (e) {
    if (e instanceof ReportedFailure) {
      for (const line of e.lines) err(`${styles.err.error(line)}\n`);
      if (e.footer) err(`${e.footer}\n`);
    } else {
      err(`${styles.err.error(`bmshare ${name}: ${(e as Error)?.message ?? String(e)}`)}\n`);
      if (e instanceof UsageError) err(`run bmshare ${name} --help for the options\n`);
      else if (debug && e instanceof Error && e.stack) err(`${e.stack}\n`);
    }
    return 1;
  } finally {
    setProgressSink(undefined);
  }
}
