// `bmshare start` (`npm start`), the main job: a BlueMind emulator in this process on a random port,
// `examples/mailshares.yaml` applied to it without a prompt (the plan shown first), a second plan
// showing that nothing is left to change, and where to look next. With --keep-running the emulator
// stays up until Ctrl-C, so the suggested commands can be tried against it.
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { startEmulator, type RunningEmulator } from "../emulator/emulator";
import { resolveConnection } from "../providers/connection";
import { RUNTIME as rt, setProgressSink, useSettings } from "../providers/runtime";
import { applyWithProgress } from "./apply";
import { computePlan } from "./engine/plan";
import { hasChanges, PlanFailed, summaryLine } from "./engine/model";
import { planText, unmanagedText } from "./engine/render";
import { PROJECT_DIR } from "../project-dir";
import { PLAIN } from "./style";

const ROOT = PROJECT_DIR;
const EXAMPLE = "examples/mailshares.yaml";

const HELP = `usage: bmshare start [--keep-running] [--port P]

The main job (npm start): starts a BlueMind emulator in this process, applies ${EXAMPLE} to it,
shows the plan it applied and that a second plan is empty, then prints where to look next.

  --keep-running      keep the emulator up until Ctrl-C, to try bmshare's other commands on it
  --port P            port of the emulator (default: a random free port)
  -h, --help          this help
`;

export interface StartDependencies {
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Resolves when the user asks to stop (default: Ctrl-C or SIGTERM). */
  untilStopped?: () => Promise<void>;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}

function nextSteps(url: string, apiKey: string, keepRunning: boolean): string {
  // Paths as typed from where the command was run.
  const here = (p: string) => path.relative(process.cwd(), path.join(ROOT, p)) || ".";
  const cli = `node ${here("bin/bmshare.js")}`;
  const example = here(EXAMPLE);
  return `
Where to look next — the emulator at ${url} (API: ${url}/api):

  # the mailshares as BlueMind stores them
  curl -s -H "X-BM-ApiKey: ${apiKey}" ${url}/api/mailshares/acme.test/_complete

  # bmshare against it
  export BLUEMIND_URL=${url} BLUEMIND_API_KEY=${apiKey} BLUEMIND_DOMAIN=acme.test
  ${cli} plan   -f ${example}             # nothing to change (--markdown, --json)
  ${cli} drift  -f ${example}             # differences, classified (noreply is unmanaged)
  ${cli} export --domain acme.test        # the live domain as a desired-state file
  ${cli} report access                    # who can read, write and manage which mailshare
  ${cli} apply  -f ${example}             # after editing the file (a copy of it)

${keepRunning
    ? "The emulator keeps running (its state lives in memory): press Ctrl-C to stop it."
    : "The emulator stopped with this command, and these commands need it: run `npm start -- --keep-running`\n(or `" + cli + " start --keep-running`) to keep it up until Ctrl-C."}
`;
}

export async function runStartCommand(argv: string[], deps: StartDependencies = {}): Promise<number> {
  const out = deps.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => void process.stderr.write(t));
  const env = deps.env ?? process.env;
  let values: { "keep-running"?: boolean; port?: string; help?: boolean };
  try {
    values = parseArgs({
      args: argv,
      options: { "keep-running": { type: "boolean" }, port: { type: "string" }, help: { type: "boolean", short: "h" } },
      strict: true,
    }).values;
  } catch (e) {
    err(`bmshare start: ${(e as Error).message}\n${HELP}`);
    return 1;
  }
  if (values.help) {
    out(HELP);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    err(`bmshare start: --port must be a port number, found "${values.port}"\n`);
    return 1;
  }

  // A throwaway key, valid for this emulator's lifetime only: printed so that the commands below work.
  const apiKey = `demo-${randomBytes(12).toString("hex")}`;
  let emulator: RunningEmulator | undefined;
  try {
    emulator = await startEmulator({ port, apiKey });
    // The emulator runs in this process and is ours alone: no need to spare it like a real server.
    const connection = resolveConnection({ url: emulator.url, apiKey, domain: "acme.test", insecure: false }, "flags", {});
    useSettings(connection, "flags", { env: {}, clientOptions: { limits: { maxConcurrent: 8, requestsPerSecond: 0 } } });
    setProgressSink((level, message) => level !== "detail" && err(`${level === "warn" ? "warning" : "note"}: ${message}\n`));
    const live = process.stdout.isTTY === true && !env.CI;
    const paths = [path.join(ROOT, EXAMPLE)];
    const relative = (p: string) => path.relative(ROOT, p);

    out(`BlueMind emulator started at ${emulator.url} with the ACME organisation (emulator/seeds/default.yaml).\n\n`);
    const plan = await computePlan({ rt, paths, onUnreadable: "fail" });
    plan.files = plan.files.map(relative);
    for (const m of plan.mailshares) if (m.declaredAt) m.declaredAt = { ...m.declaredAt, file: relative(m.declaredAt.file) };
    out(`The plan for ${EXAMPLE}:\n\n${planText(plan)}`);
    const applied = await applyWithProgress(plan, { rt, out, parallel: 4, live, verbose: false, style: PLAIN });
    if (applied !== 0) {
      err("bmshare start: the apply did not complete (see above)\n");
      return 1;
    }

    const second = await computePlan({ rt, paths, onUnreadable: "fail" });
    out(`\nA second plan, now that the server matches the file: ${summaryLine(second.summary)}.\n`);
    out(unmanagedText(second));
    if (hasChanges(second.summary)) {
      out(planText(second));
      err("bmshare start: the second plan is not empty: the server did not converge (see above)\n");
      return 1;
    }
    out(nextSteps(emulator.url, apiKey, values["keep-running"] === true));
    if (values["keep-running"]) await (deps.untilStopped ?? untilSignal)();
    return 0;
  } catch (e) {
    if (e instanceof PlanFailed) {
      for (const line of e.lines) err(`${line}\n`);
      if (e.footer) err(`${e.footer}\n`);
    } else {
      err(`bmshare start: ${(e as Error)?.message ?? String(e)}\n`);
    }
    return 1;
  } finally {
    setProgressSink(undefined);
    await emulator?.close();
    if (emulator && values["keep-running"]) out("emulator stopped\n");
  }
}
