// The README's CLI examples run as written after the setup lines it shows: its `sh` blocks, from
// "The `bmshare` CLI" to "Scale" and the emulator's, run by bash in an empty folder, in order, with
// `npx bmshare` being this checkout's CLI. The emulators the README starts in the background are
// started here instead, in this process (on free ports, not the README's), so that nothing races
// their start. A command may end with 0 or 2 (changes found), never with 1; lines the README says
// need a terminal are skipped.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../emulator/emulator";

const ROOT = path.resolve(__dirname, "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

/** The `sh` blocks of the README between two headings. */
function shBlocks(from: string, to: string): string[] {
  const start = README.indexOf(from);
  const end = README.indexOf(to, start);
  expect(start, from).toBeGreaterThan(0);
  expect(end, to).toBeGreaterThan(start);
  return [...README.slice(start, end).matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

/** An emulator line of the README (`npx bmshare emulator … &`): its port and key. */
const EMULATOR_LINE = /^npx bmshare emulator (?:--port (\d+) )?--api-key (\S+) &.*$/gm;

let emulators: RunningEmulator[] = [];
afterAll(async () => {
  await Promise.all(emulators.map((e) => e.close()));
});

describe("the README's CLI examples", () => {
  let script = "";
  beforeAll(async () => {
    script = [...shBlocks("## The `bmshare` CLI", "### Scale"), ...shBlocks("## The BlueMind API emulator", "| option |")].join("\n");
    for (const [line, port = "8090", key] of [...script.matchAll(EMULATOR_LINE)]) {
      const emulator = await startEmulator({ port: 0, apiKey: key, taskStepMs: 1 });
      emulators.push(emulator);
      script = script.replace(line, `# (the test's emulator for: ${line})`).replaceAll(`127.0.0.1:${port}`, new URL(emulator.url).host);
    }
  });

  it("start their own emulators and use one way to run the CLI", () => {
    expect(emulators.length).toBe(2);
    const commands = script.split("\n").filter((l) => /^\s*(bmshare|node|npx)\b/.test(l));
    expect(commands.length).toBeGreaterThan(15);
    for (const c of commands) expect(c).toMatch(/^npx bmshare /);
  });

  it("run as written, in order, each ending with 0 or 2", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-readme-"));
    const cli = path.join(ROOT, "bin", "bmshare.js");
    const prelude = [
      "set -e",
      // `npx bmshare …` is the installed CLI; exit 2 (changes found) is an answer, not a failure.
      `npx() { [ "$1" = bmshare ] || exit 90; shift; local rc=0; node ${JSON.stringify(cli)} "$@" || rc=$?; echo "exit $rc: bmshare $*"; [ $rc -eq 0 ] || [ $rc -eq 2 ] || exit 91; }`,
    ];
    const body = script.split("\n").map((l) => (/# .*\(on a terminal\)/.test(l) ? `# skipped: ${l}` : l));
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn("bash", ["-c", [...prelude, ...body].join("\n")], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (status) => resolve({ status, stdout, stderr }));
    });
    expect(run.status, `${run.stdout.slice(-3000)}\n${run.stderr.slice(-3000)}`).toBe(0);
    const exits = [...run.stdout.matchAll(/^exit (\d): bmshare (.*)$/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(exits).toContain("2 plan -f mailshares/");
    expect(exits).toContain("0 apply --plan plan.json --yes");
    // Right after the apply: no drift, though the seeded hand-made mailshare is listed.
    expect(exits).toContain("0 drift -f mailshares/");
    expect(run.stdout).toContain("unmanaged   acme.test/noreply (Mailshare): not declared in the files: left alone");
    expect(run.stdout).toContain("+ shares[user:alice@acme.test]: manage");
    expect(exits.filter((e) => e.startsWith("0 maintain support"))).toHaveLength(3);
    expect(exits).toContain("0 report access --expand-groups -o access.html");
    expect(fs.existsSync(path.join(dir, "access.html"))).toBe(true);
    expect(run.stdout).toContain('"uid":"');
  }, 300_000);
});
