// `bmshare emulator`: runs the BlueMind API emulator until interrupted.
import { parseArgs } from "node:util";
import { startEmulator, type EmulatorOptions } from "../emulator/emulator";
import { DEFAULT_RELEASE, RELEASES, releaseNamed } from "../emulator/releases";

const HELP = `usage: bmshare emulator [options]

  --port P               port to listen on (default 8090; 0 = random, the URL is printed)
  --host H               address to bind (default 127.0.0.1)
  --seed FILE            seed (YAML) to start from (default: the built-in ACME organisation)
  --data DIR             persist state in DIR/state.json (reloaded on restart; the seed is then ignored)
  --api-key KEY          make KEY a valid admin0 key (for CI and scripts)
  --admin-password PW    admin0@global.virt's password (default: generated and printed)
  --access-log FILE      append one line per request: time, method, path, status, duration
  --latency MS           delay every request by MS milliseconds
  --fail-rate R          make a fraction R (0..1) of /api requests fail
  --fail-status S        status of injected failures: 500 (BlueMind fault) or 503 (default 500)
  --fail-mode M          before (request not processed, default) or after (processed, answer lost)
  --retry-after SECONDS  send Retry-After with injected failures
  --fail-seed N          seed of the failure picker (deterministic runs)
  --task-step-ms MS      duration of one emulated task step (default 25)
  --bluemind-version V   the BlueMind release to be: ${RELEASES.map((r) => r.name).join(", ")} (default ${DEFAULT_RELEASE});
                         its endpoints, filter model, maintenance calls and ACL verbs
`;

function number(name: string, v: string | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number between ${min} and ${max}, got "${v}"`);
  return n;
}

export function parseEmulatorArgs(argv: string[]): EmulatorOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" }, host: { type: "string" }, seed: { type: "string" }, data: { type: "string" },
      "api-key": { type: "string" }, "admin-password": { type: "string" }, "access-log": { type: "string" },
      latency: { type: "string" }, "fail-rate": { type: "string" }, "fail-status": { type: "string" },
      "fail-mode": { type: "string" }, "retry-after": { type: "string" }, "fail-seed": { type: "string" },
      "task-step-ms": { type: "string" }, "bluemind-version": { type: "string" }, help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) return "help";
  const bluemindVersion = values["bluemind-version"];
  if (bluemindVersion !== undefined) releaseNamed(bluemindVersion); // names the versions it can be
  const failStatus = number("fail-status", values["fail-status"], 500, 503);
  if (failStatus !== undefined && failStatus !== 500 && failStatus !== 503) throw new Error("--fail-status must be 500 or 503");
  const failMode = values["fail-mode"];
  if (failMode !== undefined && failMode !== "before" && failMode !== "after") throw new Error("--fail-mode must be before or after");
  return {
    port: number("port", values.port, 0, 65535) ?? 8090,
    host: values.host,
    seed: values.seed,
    dataDir: values.data,
    apiKey: values["api-key"],
    adminPassword: values["admin-password"],
    accessLog: values["access-log"],
    latencyMs: number("latency", values.latency, 0, 600_000),
    failRate: number("fail-rate", values["fail-rate"], 0, 1),
    failStatus: failStatus as 500 | 503 | undefined,
    failMode,
    retryAfter: number("retry-after", values["retry-after"], 0, 86_400),
    failSeed: number("fail-seed", values["fail-seed"], 0, 2 ** 32),
    taskStepMs: number("task-step-ms", values["task-step-ms"], 0, 60_000),
    bluemindVersion,
  };
}

export async function runEmulatorCommand(argv: string[]): Promise<number> {
  const options = parseEmulatorArgs(argv);
  if (options === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  const running = await startEmulator(options);
  const out = process.stdout;
  out.write(`BlueMind emulator listening on ${running.url}\n`);
  out.write(`  BlueMind: ${running.emulator.release.softwareVersion}\n`);
  out.write(`  API:    ${running.url}/api\n`);
  out.write(options.adminPassword
    ? `  login:  admin0@global.virt (password from --admin-password)\n`
    : `  login:  admin0@global.virt / ${running.adminPassword}\n`);
  if (options.apiKey) out.write(`  key:    the --api-key value is valid for admin0\n`);
  if (options.dataDir) out.write(`  data:   ${options.dataDir}/state.json\n`);
  out.write(`Press Ctrl-C to stop.\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await running.close();
  out.write("emulator stopped\n");
  return 0;
}
