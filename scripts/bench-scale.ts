// Scale benchmark: the real CLI against a fresh emulator with N generated mailshares
// (scripts/scale-fixture.ts). Runs apply from empty, a no-op plan, drift, export and report access,
// each as its own child process with default settings, and prints per command the requests the
// emulator logged (reads, writes, the paths that dominate), wall and CPU time and peak RSS, against
// the request targets; the no-op plan is set beside the minimal read set sent by plain node http
// (scripts/minimal-reads.ts, also a process of its own), in rounds taken in turn, with where each
// one's time went as the emulator's access log shows it, and what the CPU measured allows on this
// machine's cores. Targets missed are printed as MISSED; only a failed command fails it.
//   npm run bench:scale -- N [--concurrency C] [--latency MS] [--rounds K] [-- CLI flags passed to every command]
//   e.g. npm run bench:scale -- 1000 -- --max-rps 0 --max-concurrent 16
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as ts from "typescript";
import { MAX_FILE_BYTES } from "../desired/files";
import { countValueStarts, MAX_VALUES } from "../desired/parse";
import { DEFAULT_LIMITS } from "../bluemind/limiter";
import { scaleYaml } from "./scale-fixture";
import type { MinimalReadsResult } from "./minimal-reads";

const MAX_MAILSHARES = 20_000;
/** Concurrency of the minimal reads when the CLI flags passed through do not set --max-concurrent. */
// The CLI's own ceiling, so that by default both are compared at the same concurrency.
const DEFAULT_CONCURRENCY = DEFAULT_LIMITS.maxConcurrent;
/** No-op plans and minimal read sets, taken in turn: this machine's speed drifts within minutes. */
const DEFAULT_ROUNDS = 3;
const KEY = "bench-scale-key";
const DOMAIN = "acme.test";
const TIME = "/usr/bin/time";
const root = path.resolve(__dirname, "..");

const USAGE = `usage: npm run bench:scale -- N [--concurrency C] [--latency MS] [--rounds K] [-- CLI flags]

  N                  generated mailshares, 1..${MAX_MAILSHARES}
  --concurrency C    requests in flight for the minimal read set (default: the --max-concurrent
                     passed through to the CLI, else ${DEFAULT_CONCURRENCY})
  --latency MS       the emulator delays every request by MS milliseconds (default 0), as a real
                     server's own processing would: the emulator alone answers in well under 1 ms
  --rounds K         no-op plans and minimal read sets taken in turn, K of each (1..20, default
                     ${DEFAULT_ROUNDS}); the table shows the median round, the ratio is the median
                     of the rounds' ratios (the lower middle one when K is even)
  -- CLI flags       added to every command (apply, plan, drift, export, report access), so only
                     flags all of them accept: --max-concurrent N, --max-rps N, …
`;

interface BenchArgs {
  count: number;
  concurrency: number;
  latencyMs: number;
  rounds: number;
  passthrough: string[];
}

function parseBenchArgs(argv: string[]): BenchArgs {
  const split = argv.indexOf("--");
  const own = split < 0 ? argv : argv.slice(0, split);
  const passthrough = split < 0 ? [] : argv.slice(split + 1);
  const { values, positionals } = parseArgs({
    args: own, allowPositionals: true, strict: true,
    options: {
      concurrency: { type: "string" }, latency: { type: "string" }, rounds: { type: "string" }, help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const count = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(count) || count < 1 || count > MAX_MAILSHARES) {
    throw new Error(`expected one mailshare count N between 1 and ${MAX_MAILSHARES}, got ${JSON.stringify(positionals)}\n${USAGE}`);
  }
  // The plan's concurrency, so that plan and minimal reads are compared at the same ceiling.
  const flagAt = passthrough.findIndex((a) => a === "--max-concurrent" || a.startsWith("--max-concurrent="));
  const passed = flagAt < 0 ? undefined
    : passthrough[flagAt].includes("=") ? passthrough[flagAt].split("=")[1] : passthrough[flagAt + 1];
  const concurrency = Number(values.concurrency ?? passed ?? DEFAULT_CONCURRENCY);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) throw new Error(`--concurrency must be 1..1024, got ${concurrency}`);
  const latencyMs = Number(values.latency ?? 0);
  if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 10_000) throw new Error(`--latency must be 0..10000 ms, got ${values.latency}`);
  const rounds = Number(values.rounds ?? DEFAULT_ROUNDS);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error(`--rounds must be 1..20, got ${values.rounds}`);
  return { count, concurrency, latencyMs, rounds, passthrough };
}

// ---- processes and the temp dir, cleaned up on every way out ----

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-scale-"));
const children = new Set<ChildProcess>();

/** Children run in their own process group, so that /usr/bin/time and the node below it go together. */
function startChild(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; stdio: ("ignore" | "pipe" | number)[] }): ChildProcess {
  const child = spawn(command, args, { cwd: root, env: options.env, stdio: options.stdio, detached: true });
  children.add(child);
  child.on("exit", () => children.delete(child));
  return child;
}

process.on("exit", () => {
  for (const child of children) {
    try {
      process.kill(-(child.pid as number), "SIGTERM");
    } catch {
      // already gone
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));
process.on("SIGHUP", () => process.exit(129));

// ---- the desired state ----

/** Whether `text` is within bmshare's limits of one desired-state file (bytes, and values parsed). */
const fitsOneFile = (bytes: number, values: number) => bytes <= MAX_FILE_BYTES && values <= MAX_VALUES;

/**
 * Writes scaleYaml(count) as one file, or, past the limits of one file, as a folder of files (the
 * same header, the mailshares split between them) — `-f` reads every .yaml of a folder.
 */
function writeFixture(count: number): { target: string; files: number; bytes: number } {
  const text = scaleYaml(count);
  const bytes = Buffer.byteLength(text);
  if (fitsOneFile(bytes, countValueStarts(text, Infinity).count)) {
    const file = path.join(tmp, "mailshares.yaml");
    fs.writeFileSync(file, text);
    return { target: file, files: 1, bytes };
  }
  const lines = text.trimEnd().split("\n");
  if (lines[2] !== "mailshares:") throw new Error("scaleYaml's header changed: expected domain, owner, mailshares:");
  const header = lines.slice(0, 3).join("\n") + "\n";
  const entries: string[] = [];
  for (const line of lines.slice(3)) {
    if (line.startsWith("  - name:")) entries.push("");
    entries[entries.length - 1] += line + "\n";
  }
  // Both measures add up over whole lines, so a part's size is the sum of its entries'.
  const sizeOf = (t: string) => ({ bytes: Buffer.byteLength(t), values: countValueStarts(t, Infinity).count });
  const headerSize = sizeOf(header);
  const parts: string[] = [];
  let part = { text: header, ...headerSize };
  for (const entry of entries) {
    const size = sizeOf(entry);
    if (part.text !== header && !fitsOneFile(part.bytes + size.bytes, part.values + size.values)) {
      parts.push(part.text);
      part = { text: header, ...headerSize };
    }
    part = { text: part.text + entry, bytes: part.bytes + size.bytes, values: part.values + size.values };
  }
  parts.push(part.text);
  const folder = path.join(tmp, "mailshares");
  fs.mkdirSync(folder);
  parts.forEach((p, i) => fs.writeFileSync(path.join(folder, `part-${String(i + 1).padStart(3, "0")}.yaml`), p));
  return { target: folder, files: parts.length, bytes };
}

// ---- the emulator and its access log ----

async function startEmulator(accessLog: string, latencyMs: number): Promise<{ url: string; pid: number }> {
  const child = startChild(process.execPath, [
    "bin/bmshare.js", "emulator", "--port", "0", "--api-key", KEY, "--access-log", accessLog, "--task-step-ms", "1",
    "--latency", String(latencyMs),
  ], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise<{ url: string; pid: number }>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`the emulator did not start within 60 s:\n${out}`)), 60_000);
    const collect = (chunk: Buffer) => {
      out += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], pid: child.pid as number });
      }
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.on("exit", (code) => reject(new Error(`the emulator exited (${code}):\n${out}`)));
  });
}

interface LoggedRequest {
  /** When the emulator sent the answer (ms since the epoch; one clock, one machine). */
  at: number;
  method: string;
  path: string;
  status: string;
}

/** POSTs that only read (BlueMind's search and multi-get endpoints), as in test/cli/engine-support.ts. */
const READ_POST = /\/(_mget|_search|_entry|_childs|_canAccess|_byroles|_roleusers|_rolegroups|_byAdmin)$/;

const isWrite = (r: LoggedRequest) =>
  r.method === "PUT" || r.method === "DELETE" || (r.method === "POST" && !READ_POST.test(r.path) && !r.path.startsWith("/api/auth/"));

/**
 * Reads the emulator's access log command by command. The emulator appends a line when a response
 * has been sent, through a buffered stream: rather than guess when the last line of a command is on
 * disk, each segment ends with a marker request sent after the command, and waits for its line.
 */
class AccessLog {
  private offset = 0;
  private marks = 0;

  constructor(private readonly file: string, private readonly url: string) {}

  async nextSegment(): Promise<LoggedRequest[]> {
    const markerPath = `/bench-scale/mark-${++this.marks}`;
    const marker = Buffer.from(` GET ${markerPath} `);
    await new Promise<void>((resolve, reject) => {
      http.get(this.url + markerPath, (res) => res.resume().on("end", resolve)).on("error", reject);
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const pending = this.readFromOffset();
      const at = pending.indexOf(marker);
      const end = at < 0 ? -1 : pending.indexOf(0x0a, at);
      if (end >= 0) {
        const lineStart = pending.lastIndexOf(0x0a, at) + 1;
        this.offset += end + 1;
        return pending.subarray(0, lineStart).toString("utf8").split("\n").filter(Boolean).map((line) => {
          const [time, method, target, status] = line.split(" ");
          return { at: Date.parse(time), method, path: target.split("?")[0], status };
        });
      }
      if (Date.now() > deadline) throw new Error("the emulator's access log did not show the marker request within 30 s");
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private readFromOffset(): Buffer {
    const fd = fs.openSync(this.file, "r");
    try {
      const size = fs.fstatSync(fd).size;
      const buffer = Buffer.alloc(Math.max(0, size - this.offset));
      let read = 0;
      while (read < buffer.length) {
        const n = fs.readSync(fd, buffer, read, buffer.length - read, this.offset + read);
        if (n === 0) break;
        read += n;
      }
      return buffer.subarray(0, read);
    } finally {
      fs.closeSync(fd);
    }
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const BENCH_NAME = /bench-\d{5}/g;

/** A path with its mailshare, identity and task uids and the generated names collapsed. */
const collapse = (p: string) =>
  p.replace(UUID, "{uid}").replace(BENCH_NAME, "{name}").split("/").map((s) => (/^\d+$/.test(s) ? "{id}" : s)).join("/");

function topPaths(requests: LoggedRequest[], count: number): [string, number][] {
  const byPath = new Map<string, number>();
  for (const r of requests) {
    const key = `${r.method} ${collapse(r.path)}`;
    byPath.set(key, (byPath.get(key) ?? 0) + 1);
  }
  return [...byPath].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, count);
}

// ---- running the CLI ----

interface Measured {
  label: string;
  exit: number;
  wallS: number;
  /** When the process was started and when it had exited (ms since the epoch). */
  startedAt: number;
  endedAt: number;
  cpuS?: number;
  rssMiB?: number;
  /** CPU time the emulator's process spent meanwhile (Linux: /proc), to tell who waited for whom. */
  emulatorCpuS?: number;
  requests?: LoggedRequest[];
  minimal?: MinimalReadsResult;
}

let runs = 0;

/**
 * CPU seconds (user + system) process `pid` has used so far, from /proc/PID/stat (Linux; undefined
 * elsewhere). Its fields 14 and 15 count clock ticks of 1/100 s (USER_HZ, 100 on Linux).
 */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: count from after it.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs `node ARGS` under /usr/bin/time (CPU and peak RSS of the node process), output to files,
 * and the CPU time the emulator (`emulatorPid`) spent meanwhile.
 */
async function runNode(label: string, args: string[], env: NodeJS.ProcessEnv, emulatorPid: number): Promise<Measured & { stdout: string; stderr: string }> {
  const stem = path.join(tmp, `run-${++runs}`);
  const [stdout, stderr, timeFile] = [`${stem}.out`, `${stem}.err`, `${stem}.time`];
  const outFd = fs.openSync(stdout, "w");
  const errFd = fs.openSync(stderr, "w");
  const emulatorBefore = processCpuSeconds(emulatorPid);
  const started = process.hrtime.bigint();
  const startedAt = Date.now();
  const child = startChild(TIME, ["-f", "%U %S %M", "-o", timeFile, process.execPath, ...args], {
    env, stdio: ["ignore", outFd, errFd],
  });
  const exit = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const wallS = Number(process.hrtime.bigint() - started) / 1e9;
  const endedAt = Date.now();
  const emulatorAfter = processCpuSeconds(emulatorPid);
  const emulatorCpuS = emulatorBefore === undefined || emulatorAfter === undefined ? undefined : emulatorAfter - emulatorBefore;
  fs.closeSync(outFd);
  fs.closeSync(errFd);
  // GNU time writes "Command exited with non-zero status N" before the format line: take the last.
  const last = fs.readFileSync(timeFile, "utf8").trim().split("\n").pop() ?? "";
  const [user, sys, rssKiB] = last.split(" ").map(Number);
  const measured = Number.isFinite(user + sys + rssKiB) ? { cpuS: user + sys, rssMiB: rssKiB / 1024 } : {};
  return { label, exit, wallS, startedAt, endedAt, ...measured, emulatorCpuS, stdout, stderr };
}

const runCli = (label: string, args: string[], env: NodeJS.ProcessEnv, emulatorPid: number) =>
  runNode(label, ["bin/bmshare.js", ...args], env, emulatorPid);

/**
 * scripts/minimal-reads.ts as plain JavaScript in the temp dir (it imports only node's modules), so
 * that its process starts as the compiled CLI's does, with no TypeScript compiled on the way.
 */
function writeMinimalReadsScript(names: readonly string[]): { script: string; namesFile: string } {
  const source = fs.readFileSync(path.join(root, "scripts", "minimal-reads.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  const script = path.join(tmp, "minimal-reads.js");
  const namesFile = path.join(tmp, "names.json");
  fs.writeFileSync(script, outputText);
  fs.writeFileSync(namesFile, JSON.stringify(names));
  return { script, namesFile };
}

/**
 * Where a command's wall time went, from the emulator's access log (each line stamped when its
 * answer was sent): before the first answer (node's start, modules, the files read and checked
 * offline, the version read); the server-wide reads up to the last one before the first
 * per-mailshare read (a path with a uid): the domain, the server cross-checks, the bulk lists; from
 * there to the first per-mailshare read (the plan: each resource's check); the per-mailshare reads;
 * after the last answer (output, exit).
 */
interface Phases {
  beforeFirstS: number;
  serverWideS: number;
  toPerMailshareS: number;
  perMailshareS: number;
  afterLastS: number;
}

const isPerMailshare = (r: LoggedRequest) => /\{uid\}/.test(collapse(r.path));

function phasesOf(m: Measured): Phases | undefined {
  const r = m.requests ?? [];
  // Loops, not Math.min(...): a run of 20,000 mailshares logs more answers than a call takes arguments.
  let [first, last, firstPer] = [Infinity, -Infinity, Infinity];
  for (const x of r) {
    first = Math.min(first, x.at);
    last = Math.max(last, x.at);
    if (isPerMailshare(x)) firstPer = Math.min(firstPer, x.at);
  }
  if (firstPer === Infinity) return undefined;
  let lastServerWide = first;
  for (const x of r) if (!isPerMailshare(x) && x.at <= firstPer) lastServerWide = Math.max(lastServerWide, x.at);
  const s = (ms: number) => Math.max(0, ms) / 1000;
  return {
    beforeFirstS: s(first - m.startedAt), serverWideS: s(lastServerWide - first), toPerMailshareS: s(firstPer - lastServerWide),
    perMailshareS: s(last - firstPer), afterLastS: s(m.endedAt - last),
  };
}

const describePhases = (p: Phases | undefined) => p === undefined ? "(no per-mailshare reads logged)"
  : `${p.beforeFirstS.toFixed(2)} s to the first answer, ${p.serverWideS.toFixed(2)} s of server-wide reads, ` +
    `${p.toPerMailshareS.toFixed(2)} s to the first per-mailshare read, ${p.perMailshareS.toFixed(2)} s of per-mailshare reads, ` +
    `${p.afterLastS.toFixed(2)} s after the last answer`;

const tail = (file: string, lines = 15) => fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).map((l) => `    | ${l}`).join("\n");

function printDetail(m: Measured): void {
  const r = m.requests ?? [];
  const writes = r.filter(isWrite).length;
  const statuses = new Map<string, number>();
  for (const x of r) statuses.set(x.status, (statuses.get(x.status) ?? 0) + 1);
  console.log(`\n== ${m.label}: exit ${m.exit}, ${m.wallS.toFixed(2)} s`);
  console.log(`   requests ${r.length} (reads ${r.length - writes}, writes ${writes}); statuses ${[...statuses].sort().map(([s, n]) => `${s}×${n}`).join(" ") || "-"}`);
  if (r.length === 0) return;
  console.log("   top paths (uids collapsed):");
  for (const [p, n] of topPaths(r, 10)) console.log(`   ${String(n).padStart(8)}  ${((100 * n) / r.length).toFixed(1).padStart(5)}%  ${p}`);
}

// ---- the run ----

const fmt = (n: number | undefined, digits = 2) => (n === undefined ? "-" : n.toFixed(digits));

function printTable(count: number, results: Measured[]): void {
  const header = ["command", "exit", "wall s", "cpu s", "peak RSS MiB", "emulator cpu s", "requests", "reads", "writes", "req/mailshare"];
  const rows = results.map((m) => {
    const requests = m.requests?.length;
    const writes = m.requests?.filter(isWrite).length;
    return [
      m.label, String(m.exit), fmt(m.wallS), fmt(m.cpuS), fmt(m.rssMiB, 0), fmt(m.emulatorCpuS),
      requests === undefined ? "-" : String(requests),
      requests === undefined || writes === undefined ? "-" : String(requests - writes),
      writes === undefined ? "-" : String(writes),
      requests === undefined || requests === 0 ? "-" : (requests / count).toFixed(2),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
  for (const row of rows) console.log(line(row));
}

/** Measured request counts against their lower bound and target. */
function printTargets(count: number, results: Measured[]): void {
  const find = (label: string) => results.find((m) => m.label === label)?.requests;
  const plan = find("plan (no-op)");
  const apply = find("apply --yes");
  const checks: { what: string; measured?: number; bound: number; target: number; rule: string }[] = [
    { what: "plan (no-op) requests", measured: plan?.length, bound: 5 * count + 6, target: 1.05 * (5 * count + 6), rule: "1.05 × (5N + 6)" },
    { what: "apply --yes writes", measured: apply?.filter(isWrite).length, bound: 5 * count, target: 1.1 * 5 * count, rule: "1.1 × 5N" },
    { what: "apply --yes requests", measured: apply?.length, bound: 5 * count, target: 7 * count, rule: "7N" },
  ];
  console.log(`
${"target".padEnd(22)}  ${"measured".padStart(8)}  ${"lower bound".padStart(11)}  ${"target".padStart(22)}  verdict`);
  for (const c of checks) {
    const verdict = c.measured === undefined ? "not run" : c.measured <= c.target ? "OK" : "MISSED";
    const target = `≤ ${Math.floor(c.target)} (${c.rule})`;
    console.log(`${c.what.padEnd(22)}  ${String(c.measured ?? "-").padStart(8)}  ${String(c.bound).padStart(11)}  ${target.padStart(22)}  ${verdict}`);
  }
}

interface Step {
  label: string;
  args: string[];
  /** What the command must exit with; plan and drift exit 2 when something is left to change. */
  expect: number;
}

async function main(): Promise<void> {
  const { count, concurrency, latencyMs, rounds, passthrough } = parseBenchArgs(process.argv.slice(2));
  if (!fs.existsSync(TIME)) throw new Error(`${TIME} (GNU time) is needed to measure CPU time and peak RSS of the CLI`);
  const fixture = writeFixture(count);
  const names = Array.from({ length: count }, (_, i) => `bench-${String(i).padStart(5, "0")}`);
  const minimalScript = writeMinimalReadsScript(names);
  const accessLogFile = path.join(tmp, "access.log");
  const { url, pid: emulatorPid } = await startEmulator(accessLogFile, latencyMs);
  const log = new AccessLog(accessLogFile, url);
  await log.nextSegment(); // whatever the emulator logged while starting

  // Default settings: nothing from the caller's BLUEMIND_* variables but what the bench sets.
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BLUEMIND_")));
  Object.assign(env, { BLUEMIND_URL: url, BLUEMIND_API_KEY: KEY });

  console.log(`bmshare scale benchmark: N=${count} mailshares, ${fixture.files} file(s), ${(fixture.bytes / 1024).toFixed(0)} KiB`);
  console.log(`CLI flags passed through: ${passthrough.length ? passthrough.join(" ") : "(none: the CLI's defaults)"}`);
  console.log(`minimal reads at concurrency ${concurrency}; ${rounds} round(s); node ${process.version}, ${os.cpus().length} CPUs; emulator ${url}, latency ${latencyMs} ms per request`);

  const files = ["-f", fixture.target];
  const planStep: Step = { label: "plan (no-op)", args: ["plan", ...files], expect: 0 };
  const before: Step[] = [
    { label: "startup (plan --help)", args: ["plan", "--help"], expect: 0 },
    { label: "apply --yes", args: ["apply", ...files, "--yes"], expect: 0 },
  ];
  const after: Step[] = [
    { label: "drift", args: ["drift", ...files, "--ignore-unmanaged"], expect: 0 },
    // export and report read a whole domain, named here as the files name it.
    { label: "export", args: ["export", "--domain", DOMAIN, "-o", path.join(tmp, "export.yaml")], expect: 0 },
    { label: "report access", args: ["report", "access", "--domain", DOMAIN, "--format", "text", "-o", path.join(tmp, "access.txt")], expect: 0 },
  ];

  /** Runs one CLI step; undefined when it exited otherwise than expected (printed). */
  const runStep = async (step: Step, detail = true): Promise<Measured | undefined> => {
    const args = step.label.startsWith("startup") ? step.args : [...step.args, ...passthrough];
    const run = await runCli(step.label, args, env, emulatorPid);
    const measured: Measured = { ...run, requests: await log.nextSegment() };
    if (step.label.startsWith("startup")) {
      delete measured.requests;
      const cliDefault = /--max-concurrent N[\s\S]*?\(default (\d+)/.exec(fs.readFileSync(run.stdout, "utf8"))?.[1];
      console.log(`CLI default --max-concurrent (from its --help): ${cliDefault ?? "unknown"}`);
      // Whether it runs compiled or from the TypeScript sources changes its start time.
      for (const notice of fs.readFileSync(run.stderr, "utf8").trim().split("\n").filter(Boolean)) console.log(`CLI notice: ${notice}`);
      if (!passthrough.some((a) => a.startsWith("--max-concurrent")) && cliDefault !== undefined && Number(cliDefault) !== concurrency) {
        console.log(`  note: the plan runs at the CLI's default ${cliDefault}, the minimal reads at ${concurrency}`);
      }
    }
    if (detail) printDetail(measured);
    if (run.exit === step.expect) return measured;
    const why = step.label === "plan (no-op)" && run.exit === 2 ? "the plan after apply is not empty" : `expected exit ${step.expect}`;
    console.log(`   FAILED: ${step.label} exited ${run.exit} (${why})\n   stdout:\n${tail(run.stdout)}\n   stderr:\n${tail(run.stderr)}`);
    return undefined;
  };

  /** One minimal read set; undefined when it failed or read other than the whole set (printed). */
  const runMinimalReads = async (detail: boolean): Promise<Measured | undefined> => {
    const label = `minimal reads (c=${concurrency})`;
    const run = await runNode(label, [minimalScript.script, url, DOMAIN, String(concurrency), minimalScript.namesFile], env, emulatorPid);
    const requests = await log.nextSegment();
    let minimal: MinimalReadsResult | undefined;
    try {
      minimal = JSON.parse(fs.readFileSync(run.stdout, "utf8").trim().split("\n").pop() ?? "") as MinimalReadsResult;
    } catch {
      // said below
    }
    const entry: Measured = { ...run, requests, minimal };
    if (detail) printDetail(entry);
    // A yardstick that read less than the whole set would flatter nothing but itself.
    const expected = 5 * count + 6;
    const wrong = run.exit !== 0 ? `exited ${run.exit}`
      : !minimal ? "printed no result"
      : minimal.mailshares !== count ? `found ${minimal.mailshares} of the ${count} generated mailshares in _complete`
      : minimal.requests !== expected || requests.length !== expected ? `sent ${minimal.requests} requests (the access log shows ${requests.length}), not 5N + 6 = ${expected}`
      : null;
    if (wrong === null) return entry;
    console.log(`   FAILED: ${label} ${wrong}\n   stderr:\n${tail(run.stderr)}`);
    return undefined;
  };

  const results: Measured[] = [];
  const finish = () => {
    printTable(count, results);
    printTargets(count, results);
  };
  for (const step of before) {
    const measured = await runStep(step);
    if (!measured) return fail(finish);
    results.push(measured);
  }

  // The no-op plan and the minimal reads in turn; the median round (by ratio) stands for them.
  const paired: { plan: Measured; minimal: Measured; ratio: number }[] = [];
  console.log(`\n== no-op plan and minimal reads, ${rounds} round(s) in turn (round 1's details first)`);
  for (let round = 1; round <= rounds; round++) {
    // Which goes first alternates, so that neither always runs on a machine the other has warmed.
    const planFirst = round % 2 === 1;
    const earlier = planFirst ? await runStep(planStep, round === 1) : await runMinimalReads(round === 1);
    if (!earlier) return fail(finish);
    const later = planFirst ? await runMinimalReads(round === 1) : await runStep(planStep, round === 1);
    if (!later) return fail(finish);
    const [plan, minimal] = planFirst ? [earlier, later] : [later, earlier];
    if (plan.requests?.length !== paired[0]?.plan.requests?.length && round > 1) {
      console.log(`   note: round ${round}'s plan sent ${plan.requests?.length} requests, round 1's ${paired[0].plan.requests?.length}`);
    }
    paired.push({ plan, minimal, ratio: plan.wallS / minimal.wallS });
  }
  for (const [i, p] of paired.entries()) {
    console.log(`   round ${i + 1}: plan ${p.plan.wallS.toFixed(2)} s ÷ minimal reads ${p.minimal.wallS.toFixed(2)} s = ${p.ratio.toFixed(2)}`);
    console.log(`      plan:          ${describePhases(phasesOf(p.plan))}`);
    console.log(`      minimal reads: ${describePhases(phasesOf(p.minimal))}`);
  }
  const median = [...paired].sort((a, b) => a.ratio - b.ratio)[Math.floor((paired.length - 1) / 2)];
  results.push(median.plan, median.minimal);

  for (const step of after) {
    const measured = await runStep(step);
    if (!measured) return fail(finish);
    results.push(measured);
  }
  finish();
  // Both wall times count a node start; the plan's also the CLI's own start (the startup row).
  const ratios = paired.map((p) => p.ratio.toFixed(2)).join(", ");
  console.log(`\nno-op plan ÷ ${median.minimal.label}, median of ${rounds} round(s): wall ${median.plan.wallS.toFixed(2)} s ÷ ${median.minimal.wallS.toFixed(2)} s = ` +
    `${median.ratio.toFixed(2)} (rounds: ${ratios}; target 1.5: ${median.ratio <= 1.5 ? "met" : "MISSED"})`);
  const floor = cpuFloor(median.plan, median.minimal, os.availableParallelism());
  if (floor) console.log(floor);
}

/**
 * What the CPU the median round measured allows on this machine, however the plan overlapped its
 * work: its process and the emulator's, spread evenly over every core, need at least their CPU time
 * ÷ cores of wall time. The emulator's share is the least it spent on the same reads (the script's
 * or the plan's), since part of it follows how long a client keeps it waiting. Undefined when CPU
 * time was not measured (no /proc).
 */
function cpuFloor(plan: Measured, minimal: Measured, cores: number): string | undefined {
  const { cpuS: planCpu, emulatorCpuS: planEmulator } = plan;
  const { cpuS: scriptCpu, emulatorCpuS: scriptEmulator } = minimal;
  if (planCpu === undefined || planEmulator === undefined || scriptCpu === undefined || scriptEmulator === undefined) return undefined;
  const busy = (cpu: number, emulator: number, wall: number) => ((100 * (cpu + emulator)) / (cores * wall)).toFixed(0);
  const emulator = Math.min(planEmulator, scriptEmulator);
  const floorS = (planCpu + emulator) / cores;
  // The plan's CPU at which a plan keeping every core busy all the time would just meet 1.5.
  const allowed = 1.5 * minimal.wallS * cores - emulator;
  return `CPU on ${cores} core(s): plan ${planCpu.toFixed(2)} s + emulator ${planEmulator.toFixed(2)} s ` +
    `(${busy(planCpu, planEmulator, plan.wallS)} % of the cores), minimal reads ${scriptCpu.toFixed(2)} s + emulator ${scriptEmulator.toFixed(2)} s ` +
    `(${busy(scriptCpu, scriptEmulator, minimal.wallS)} %)\n` +
    `With the lesser of the emulator's two, a plan of this CPU takes at least ${floorS.toFixed(2)} s however it ` +
    `overlaps its work (a ratio of ${(floorS / minimal.wallS).toFixed(2)}); for 1.5 its CPU must be at most ${allowed.toFixed(2)} s, ` +
    `every core busy throughout`;
}

/** A failed command: what ran so far is printed, and the run exits 1. */
function fail(finish: () => void): void {
  finish();
  process.exit(1);
}

main().then(() => process.exit(0), (err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
