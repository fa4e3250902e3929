// The request limits end to end, counting the requests the emulator handles at once:
// `--max-concurrent` is a ceiling that is never exceeded, injected 503s make the limiter narrow
// (and every read is retried to success), and without a `--parallel` cap the apply pool follows
// the limiter past its start of 4. Each test first puts the process's limiter back where a fresh
// run finds it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runApplyCommand } from "../../cli/apply";
import { runPlanCommand } from "../../cli/plan";
import { sharedLimiter } from "../../bluemind";
import { probeConcurrency } from "../support/concurrency";
import { EXAMPLE, startHarness, tempYaml, type Harness } from "./engine-support";
import { TEST_KEY } from "../support/emulator";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
  sharedLimiter({ initialConcurrent: 4 });
});
afterEach(async () => {
  await h.close();
});

/** The harness's quick retries, more of them, and no limits of the harness's own: the flags' apply. */
const clientOptions = (log: string[]) => ({
  retry: { retries: 12, baseDelayMs: 1, maxDelayMs: 4 },
  limits: {},
  logger: { debug: (line: string) => log.push(line) },
});

const mailshares = (count: number) => tempYaml(["domain: acme.test", "mailshares:",
  ...Array.from({ length: count }, (_, i) => `  - { name: pool-${i}, email: pool-${i}@acme.test }`)].join("\n") + "\n");

describe("request limits", () => {
  it("refuses a ceiling that is not a whole number of requests, before any request", async () => {
    for (const given of ["0", "2.5", "-1", "many"]) {
      const r = await h.run(runPlanCommand, ["-f", EXAMPLE, `--max-concurrent=${given}`]);
      expect(r.status, given).toBe(1);
      expect(r.stderr).toContain(`--max-concurrent must be a whole number of requests, at least 1, found "${given}"`);
      expect(r.stderr).not.toMatch(/RangeError|at .*\.ts:/);
    }
    expect(h.requests()).toEqual([]);
  });

  it("never exceeds --max-concurrent 2 at the server, and narrows on injected 503s", async () => {
    // Seed 3: the 2nd and 4th requests fail, then about one in five, never more than 4 in a row.
    h.emu.emulator.setFaults({ failRate: 0.2, failStatus: 503, failSeed: 3, latencyMs: 2 });
    const probe = probeConcurrency(h.emu.emulator);
    const log: string[] = [];
    const r = await h.run(runPlanCommand, ["-f", EXAMPLE, "--max-concurrent", "2"], { clientOptions: clientOptions(log) });
    probe.stop();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("Plan: 31 to create, 0 to update, 0 to delete, 0 unchanged.");
    expect(probe.max).toBeLessThanOrEqual(2);
    expect(log.some((line) => /^limiter: 2 → 1 requests in flight after overloaded /.test(line))).toBe(true);
    expect(sharedLimiter().maxConcurrent).toBe(2);
  });

  it("says each retry as it happens, so a struggling server does not leave the command silent", async () => {
    h.emu.emulator.setFaults({ failRate: 0.2, failStatus: 503, failSeed: 3 });
    const r = await h.run(runPlanCommand, ["-f", EXAMPLE], { clientOptions: { retry: { retries: 12, baseDelayMs: 1, maxDelayMs: 4 }, limits: {} } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^warning: \S+ GET \/api\/\S+: 503; retry 1\/12 in \d+ ms$/m);
    expect(r.stderr).not.toContain(TEST_KEY);
  });

  it("lets the apply pool follow the limiter past 4 with --max-concurrent 16, never above it", async () => {
    h.emu.emulator.setFaults({ latencyMs: 20 }); // requests overlap at the emulator
    const probe = probeConcurrency(h.emu.emulator);
    const log: string[] = [];
    const r = await h.run(runApplyCommand, ["-f", mailshares(24), "--yes", "--max-concurrent", "16"], { clientOptions: clientOptions(log) });
    probe.stop();
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("to 24 mailshares (up to 16 at a time)");
    expect(log).toContain("limiter: 4 → 8 requests in flight");
    expect(probe.max).toBeGreaterThan(4);
    expect(probe.max).toBeLessThanOrEqual(16);
  });
});
