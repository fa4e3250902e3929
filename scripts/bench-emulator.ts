// Benchmark: simple GETs per second against the emulator on loopback.
// The emulator runs in its own process (as `bmshare emulator` does); this process is the load
// generator, with keep-alive connections. Bounded in time; prints what it measured.
//   npm run bench:emulator -- [--seconds 5] [--connections 16]
// With `--mailshares N` the emulator starts with N extra mailshares (a seed file) and the bench
// measures, per kind, the latency of lookups by uid, by name and by address of a mailshare created
// after them, then of creates: flat figures at N=10 and N=10000 mean a request does not scan the domain.
//   npm run bench:emulator -- --mailshares 10000 [--seconds 5] [--connections 16] [--creates 200]
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { defaultSeed, type Seed } from "../emulator/seed";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" }, connections: { type: "string", default: "16" },
    mailshares: { type: "string" }, creates: { type: "string", default: "200" },
  },
});
const seconds = Math.min(60, Number(values.seconds));
const connections = Math.min(256, Number(values.connections));
const extraMailshares = values.mailshares === undefined ? null : Math.min(100_000, Math.max(0, Number(values.mailshares)));
const creates = Math.min(10_000, Math.max(0, Number(values.creates)));
const KEY = "bench-key";
const root = path.resolve(__dirname, "..");

/** Starts `bmshare emulator` on a free port (with a seed file when given); resolves to its URL. */
async function startEmulatorProcess(seedFile?: string): Promise<{ url: string; stop: () => void }> {
  const args = ["bin/bmshare.js", "emulator", "--port", "0", "--api-key", KEY, ...(seedFile ? ["--seed", seedFile] : [])];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`emulator exited (${code})`)));
  });
  return { url, stop: () => child.kill("SIGTERM") };
}

interface Request {
  method: "GET" | "POST" | "PUT";
  path: string;
  body?: unknown;
}

function client(url: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const send = (r: Request) =>
    new Promise<number>((resolve, reject) => {
      const body = r.body === undefined ? undefined : JSON.stringify(r.body);
      const headers: Record<string, string> = { "X-BM-ApiKey": KEY };
      if (body !== undefined) headers["Content-Type"] = "application/json";
      const req = http.request(url + r.path, { method: r.method, agent, headers }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

type Send = (r: Request) => Promise<number>;

interface Measured {
  latencies: number[];
  statuses: Map<number, number>;
}

/** Sends the requests round-robin over every connection until the deadline; latencies per request. */
async function measure(send: Send, requests: Request[], windowSeconds: number): Promise<{ per: Measured[]; elapsed: number }> {
  const per: Measured[] = requests.map(() => ({ latencies: [], statuses: new Map() }));
  const deadline = Date.now() + windowSeconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: connections }, async (_, c) => {
    for (let i = c; Date.now() < deadline; i++) {
      const k = i % requests.length;
      const t0 = process.hrtime.bigint();
      const status = await send(requests[k]);
      per[k].latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      per[k].statuses.set(status, (per[k].statuses.get(status) ?? 0) + 1);
    }
  }));
  return { per, elapsed: Number(process.hrtime.bigint() - started) / 1e9 };
}

function percentiles(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2);
  return `p50 ${pct(50)}  p90 ${pct(90)}  p99 ${pct(99)}  max ${sorted[sorted.length - 1].toFixed(2)}`;
}

function statusLine(statuses: Map<number, number>): string {
  return [...statuses].map(([s, n]) => `${s}×${n}`).join(" ");
}

/** The original mode: throughput of a mix of simple GETs. */
async function benchThroughput(): Promise<void> {
  const emu = await startEmulatorProcess();
  const { send, close } = client(emu.url);
  const requests: Request[] = [
    "/api/mailshares/acme.test/_complete",
    `/api/mailshares/acme.test/${encodeURIComponent("missing")}/complete`,
    "/api/domains/acme.test",
    "/api/auth/ping",
  ].map((p) => ({ method: "GET", path: p }));
  // Warm-up, then the measured window.
  for (let i = 0; i < 200; i++) await send(requests[i % requests.length]);
  const { per, elapsed } = await measure(send, requests, seconds);
  emu.stop();
  close();
  const latencies = per.flatMap((m) => m.latencies);
  const statuses = new Map<number, number>();
  for (const m of per) for (const [s, n] of m.statuses) statuses.set(s, (statuses.get(s) ?? 0) + n);
  console.log(`requests:     ${latencies.length} in ${elapsed.toFixed(2)} s over ${connections} keep-alive connections`);
  console.log(`throughput:   ${Math.round(latencies.length / elapsed)} GET/s`);
  console.log(`latency (ms): ${percentiles(latencies)}`);
  console.log(`statuses:     ${statusLine(statuses)}`);
  console.log(`paths:        ${requests.map((r) => r.path).join(", ")}`);
}

/** The default seed plus `count` mailshares of acme.test (`scale-00000@acme.test`, …). */
function seedWithMailshares(count: number): Seed {
  const seed = defaultSeed();
  const acme = seed.domains!.find((d) => d.name === "acme.test")!;
  const width = Math.max(5, String(count).length);
  for (let i = 0; i < count; i++) {
    const name = `scale-${String(i).padStart(width, "0")}`;
    (acme.mailshares ??= []).push({ name, displayName: `Scale ${i}`, email: `${name}@acme.test` });
  }
  return seed;
}

const PROBE_UID = "bench-probe";

/** The mailshare every lookup looks for: created last, with an alias and an all-domains address. */
const probeBody = {
  name: "bench-probe", routing: "internal",
  emails: [
    { address: "bench-probe@acme.test", isDefault: true, allAliases: false },
    { address: "bench-probe-alias@acme.test", isDefault: false, allAliases: false },
    { address: "bench-probe-all@acme.test", isDefault: false, allAliases: true },
  ],
};

/** The lookups measured, by kind. */
const LOOKUPS: { kind: string; label: string; request: Request }[] = [
  { kind: "by uid", label: "IMailshare.getComplete", request: { method: "GET", path: `/api/mailshares/acme.test/${PROBE_UID}/complete` } },
  { kind: "by uid", label: "IMailboxes.getComplete", request: { method: "GET", path: `/api/mailboxes/acme.test/${PROBE_UID}/complete` } },
  { kind: "by uid", label: "IDirectory.findByEntryUid", request: { method: "GET", path: `/api/directory/acme.test/entry-uid/${PROBE_UID}` } },
  { kind: "by uid", label: "IDirectory.getMultiple", request: { method: "POST", path: "/api/directory/acme.test/_mget", body: [PROBE_UID] } },
  { kind: "by name", label: "IMailboxes.byName", request: { method: "GET", path: "/api/mailboxes/acme.test/_byname?name=bench-probe" } },
  { kind: "by name", label: "IMailboxes.byName (miss)", request: { method: "GET", path: "/api/mailboxes/acme.test/_byname?name=absent" } },
  { kind: "by email", label: "IMailboxes.byEmail (alias)", request: { method: "GET", path: "/api/mailboxes/acme.test/_byemail?email=bench-probe-alias@acme.test" } },
  { kind: "by email", label: "IDirectory.getByEmail (all domains)", request: { method: "GET", path: "/api/directory/acme.test/_byEmail/bench-probe-all@acme-corp.test" } },
  { kind: "by email", label: "IMailboxes.byEmail (miss)", request: { method: "GET", path: "/api/mailboxes/acme.test/_byemail?email=absent@acme.test" } },
];

/** `--mailshares N`: lookup latency of one mailshare among N + 1, then create latency. */
async function benchLookups(count: number): Promise<void> {
  const seedFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-bench-")), "seed.yaml");
  // JSON is YAML: the seed loader reads it as is.
  fs.writeFileSync(seedFile, JSON.stringify(seedWithMailshares(count)));
  const startedAt = Date.now();
  const emu = await startEmulatorProcess(seedFile);
  const startup = (Date.now() - startedAt) / 1000;
  const { send, close } = client(emu.url);
  try {
    const created = await send({ method: "PUT", path: `/api/mailshares/acme.test/${PROBE_UID}`, body: probeBody });
    if (created !== 200) throw new Error(`creating the probe mailshare answered ${created}`);
    const requests = LOOKUPS.map((l) => l.request);
    for (let i = 0; i < 200; i++) await send(requests[i % requests.length]);
    const { per, elapsed } = await measure(send, requests, seconds);
    const total = per.reduce((n, m) => n + m.latencies.length, 0);
    console.log(`mailshares:   ${count} seeded + the probe (emulator ready in ${startup.toFixed(1)} s)`);
    console.log(`requests:     ${total} lookups in ${elapsed.toFixed(2)} s over ${connections} keep-alive connections (${Math.round(total / elapsed)}/s)`);
    for (const kind of [...new Set(LOOKUPS.map((l) => l.kind))]) {
      const of = LOOKUPS.flatMap((l, i) => (l.kind === kind ? [per[i]] : []));
      console.log(`${`${kind}:`.padEnd(13)} latency (ms) ${percentiles(of.flatMap((m) => m.latencies))}`);
    }
    for (const [i, l] of LOOKUPS.entries()) {
      console.log(`  ${l.label.padEnd(36)} ${percentiles(per[i].latencies)}  ${statusLine(per[i].statuses)}`);
    }
    // Creates one after the other: each one validates its name and addresses against the domain.
    const createLatencies: number[] = [];
    const createStatuses = new Map<number, number>();
    for (let i = 0; i < creates; i++) {
      const name = `bench-new-${i}`;
      const t0 = process.hrtime.bigint();
      const status = await send({
        method: "PUT", path: `/api/mailshares/acme.test/${name}`,
        body: { name, routing: "internal", emails: [{ address: `${name}@acme.test`, isDefault: true, allAliases: false }] },
      });
      createLatencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      createStatuses.set(status, (createStatuses.get(status) ?? 0) + 1);
    }
    if (creates > 0) {
      console.log(`${"create:".padEnd(13)} latency (ms) ${percentiles(createLatencies)}  ${statusLine(createStatuses)} (${creates} sequential PUTs)`);
    }
  } finally {
    emu.stop();
    close();
    fs.rmSync(path.dirname(seedFile), { recursive: true, force: true });
  }
}

(extraMailshares === null ? benchThroughput() : benchLookups(extraMailshares)).catch((err) => {
  console.error(err);
  process.exit(1);
});
