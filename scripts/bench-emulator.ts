// Benchmark: simple GETs per second against the emulator on loopback.
// The emulator runs in its own process (as `bmshare emulator` does); this process is the load
// generator, with keep-alive connections. Bounded in time; prints what it measured.
//   npm run bench:emulator -- [--seconds 5] [--connections 16]
import { spawn } from "node:child_process";
import * as http from "node:http";
import * as path from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "5" }, connections: { type: "string", default: "16" } },
});
const seconds = Math.min(60, Number(values.seconds));
const connections = Math.min(256, Number(values.connections));
const KEY = "bench-key";
const root = path.resolve(__dirname, "..");

async function main(): Promise<void> {
  const child = spawn(process.execPath, ["bin/bmshare.js", "emulator", "--port", "0", "--api-key", KEY], {
    cwd: root, stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (c) => {
      out += c;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`emulator exited (${code})`)));
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const paths = [
    "/api/mailshares/acme.test/_complete",
    `/api/mailshares/acme.test/${encodeURIComponent("missing")}/complete`,
    "/api/domains/acme.test",
    "/api/auth/ping",
  ];
  const get = (p: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.get(url + p, { agent, headers: { "X-BM-ApiKey": KEY } }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
    });

  // Warm-up, then the measured window.
  for (let i = 0; i < 200; i++) await get(paths[i % paths.length]);
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const deadline = Date.now() + seconds * 1000;
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: connections }, async (_, c) => {
    for (let i = c; Date.now() < deadline; i++) {
      const t0 = process.hrtime.bigint();
      const status = await get(paths[i % paths.length]);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  }));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  child.kill("SIGTERM");
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(2);
  console.log(`requests:     ${latencies.length} in ${elapsed.toFixed(2)} s over ${connections} keep-alive connections`);
  console.log(`throughput:   ${Math.round(latencies.length / elapsed)} GET/s`);
  console.log(`latency (ms): p50 ${pct(50)}  p90 ${pct(90)}  p99 ${pct(99)}  max ${latencies[latencies.length - 1].toFixed(2)}`);
  console.log(`statuses:     ${[...statuses].map(([s, n]) => `${s}×${n}`).join(" ")}`);
  console.log(`paths:        ${paths.join(", ")}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
