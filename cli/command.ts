// What every command that talks to a server shares: strict option parsing, --help, the
// connection of the providers' client, provider messages as notes on standard error, injectable
// input/output (in-process tests), and how failures are shown — one line per problem and exit 1,
// a pointer to --help after a usage mistake, a stack trace only with --debug.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError, resolveCliConnection } from "./connection";
import type { Connection } from "../providers/connection";
import { RUNTIME, setProgressSink, useSettings, type Runtime } from "../providers/runtime";
import { UnsupportedVersionError, type BlueMindClientOptions } from "../bluemind";

export interface IoDependencies {
  env?: NodeJS.ProcessEnv;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  /** Extra client options (retry tuning, limits). */
  clientOptions?: Partial<BlueMindClientOptions>;
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
}

/** A failure already worded as lines for the person (e.g. every error of the files), and a footer. */
export class ReportedFailure extends Error {
  constructor(readonly lines: string[], readonly footer?: string) {
    super(lines.join("\n"));
  }
}

/**
 * A server whose BlueMind release bmshare does not speak is refused before a plan reads or writes
 * anything else (the plan could not be trusted either). A server that cannot be asked is left to
 * the command, whose own reads say so as usual; every write checks the version again (base.ts).
 */
export async function refuseUnsupportedServer(rt: Runtime): Promise<void> {
  try {
    await rt.client.capabilities();
  } catch (e) {
    if (e instanceof UnsupportedVersionError) throw e;
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
  try {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const values = parsed.values as Record<string, any>;
    debug = values.debug === true;
    if (values.help) {
      out(help);
      return 0;
    }
    check(values, parsed.positionals);
    const connection = resolveCliConnection(values, env);
    useSettings(connection, "flags", { env, clientOptions: deps.clientOptions });
    setProgressSink((level, message) => err(`${level === "warn" ? "warning" : "note"}: ${message}\n`));
    return await body({ values, positionals: parsed.positionals, connection, rt: RUNTIME, out, err, env });
  } catch (e) {
    if (e instanceof ReportedFailure) {
      for (const line of e.lines) err(`${line}\n`);
      if (e.footer) err(`${e.footer}\n`);
    } else {
      err(`bmshare ${name}: ${(e as Error)?.message ?? String(e)}\n`);
      if (e instanceof UsageError) err(`run bmshare ${name} --help for the options\n`);
      else if (debug && e instanceof Error && e.stack) err(`${e.stack}\n`);
    }
    return 1;
  } finally {
    setProgressSink(undefined);
  }
}
