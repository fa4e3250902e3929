// `bmshare maintain NAME --op ...`: runs a maintenance task on a mailshare, follows it line by line,
// then prints its log and outcome; exit 0 on Success, 1 on InError.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startTestEmulator, mailshareBody, TEST_KEY, type TestEmulator } from "../support/emulator";
import { runMaintainCommand } from "../../cli/maintain";
import { stableUid } from "../../emulator/seed";

const ROOT = path.resolve(__dirname, "..", "..");
const NOREPLY = stableUid("acme.test", "mailshares", "noreply");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command in-process; `onLog` sees standard error as it is written (to act mid-task). */
async function maintain(emu: TestEmulator, argv: string[], onLog?: (text: string) => void): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await runMaintainCommand(argv, {
    env: { BLUEMIND_URL: emu.url, BLUEMIND_API_KEY: TEST_KEY, BLUEMIND_MAX_RPS: "0", BLUEMIND_DOMAIN: "acme.test" },
    stdout: (t) => (stdout += t),
    stderr: (t) => {
      stderr += t;
      onLog?.(t);
    },
    pollMs: 5,
  });
  return { code, stdout, stderr };
}

describe("maintain on a quick server", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator();
  }, 30_000);
  afterAll(async () => {
    await emu?.close();
  });

  it("consolidates the index: progress as it comes, then the log and Success", async () => {
    const { code, stdout, stderr } = await maintain(emu, ["noreply", "--op", "consolidate-index"]);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^consolidate-index of mailshare noreply \(acme\.test\): task \S+$/);
    expect(lines).toContain(`  Re-indexing folder noreply of noreply@acme.test (uid: ${NOREPLY}): 0 message(s)`);
    expect(lines[lines.length - 1]).toBe("outcome: Success");
    expect(stderr).toMatch(/^consolidating the search index: mailshare noreply of acme\.test, task \S+\n/);
    expect(stderr).toContain(`\n  Re-indexing folder noreply of noreply@acme.test (uid: ${NOREPLY}): 0 message(s)\n`);
  });

  it("checks without changing anything, and repair fixes what check found", async () => {
    // Out of band: the mailshare lost its identities store (a half-failed creation, say).
    delete emu.emulator.store.state.identities[NOREPLY];
    const check = await maintain(emu, ["noreply", "--op", "check"]);
    expect(check.code).toBe(0);
    // BlueMind's repair log (verbose): "Repair <uid>@<domain> in N steps", then each operation.
    expect(check.stdout).toMatch(/^check of mailshare noreply \(acme\.test\): task repair-[^\n]+@acme\.test\n {2}Repair [^\n]+@acme\.test in \d+ steps\n {2}\[1\/\d+\] Starting operation mailboxExists\n/);
    expect(check.stdout).toContain(`  Entry noreply@acme.test (uid: ${NOREPLY}) misses its identities container(s)\n`);
    // The repair task's result is empty in BlueMind: nothing to print.
    expect(check.stdout).not.toContain("result:");
    expect(check.stdout).toMatch(/outcome: Success\n$/);
    expect(emu.emulator.store.state.identities[NOREPLY]).toBeUndefined();

    const repair = await maintain(emu, ["noreply", "--op", "repair"]);
    expect(repair.code).toBe(0);
    expect(repair.stdout).toContain(`  [containers]: : Re-created the identities container(s) of noreply@acme.test (uid: ${NOREPLY})\n`);
    const after = await maintain(emu, ["noreply", "--op", "check"]);
    expect(after.stdout).not.toContain("misses its");
    expect(after.stdout).toMatch(/outcome: Success\n$/);
  });

  it("refuses bad usage and unknown mailshares with one clear line", async () => {
    expect(await maintain(emu, ["noreply"])).toMatchObject({ code: 1, stderr: "bmshare maintain: give the operation: --op consolidate-index|check|repair\nrun bmshare maintain --help for the options\n" });
    expect((await maintain(emu, ["noreply", "--op", "reindex"])).stderr).toBe("bmshare maintain: unknown operation \"reindex\" (expected one of consolidate-index, check, repair)\nrun bmshare maintain --help for the options\n");
    expect((await maintain(emu, ["--op", "check"])).stderr).toMatch(/^bmshare maintain: name the mailshare: bmshare maintain NAME --op OPERATION\n/);
    const unknown = await maintain(emu, ["nope", "--op", "check"]);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toMatch(/^bmshare maintain: no mailshare named nope in acme\.test \(it has: noreply\)\n$/);
  });

  it("runs as a command (child process)", async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, [path.join(ROOT, "bin", "bmshare.js"), "maintain", "noreply", "--op", "check"], {
      cwd: ROOT, env: { ...process.env, BLUEMIND_URL: emu.url, BLUEMIND_API_KEY: TEST_KEY, BLUEMIND_DOMAIN: "acme.test" },
    });
    expect(stdout).toMatch(/outcome: Success\n$/);
  }, 30_000);
});

describe("maintain on a slow server (tasks that take a while)", () => {
  let emu: TestEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator({ taskStepMs: 40 });
  }, 30_000);
  afterAll(async () => {
    await emu?.close();
  });

  it("follows a check or repair already running to its end, then runs its own", async () => {
    const started = await emu.api("POST", `/api/directory/acme.test/${NOREPLY}/mgmt/_maintenance/repair`, {
      body: { opIdentifiers: null, dry: true, logToCoreLog: false, verbose: false },
    });
    expect(started.status).toBe(200);
    const { code, stdout, stderr } = await maintain(emu, ["noreply", "--op", "repair"]);
    const taskId = `repair-${NOREPLY}@acme.test`;
    expect(stderr).toMatch(new RegExp(`^a check or repair of this mailshare is already running \\(task ${taskId}\\): following it to its end first\n`));
    expect(stderr).toContain(`\ntask ${taskId} ended Success; now starting the repair\nvalidating and repairing: mailshare noreply of acme.test, task ${taskId}\n  Repair ${NOREPLY}@acme.test in 12 steps\n`);
    expect(code).toBe(0);
    // The log printed is the repair's, not the earlier check's.
    // The earlier check was not verbose (it logged no steps): the steps printed are the repair's.
    expect(stdout).toMatch(/^repair of mailshare noreply \(acme\.test\): task repair-\S+\n {2}Repair \S+ in 12 steps\n/);
    expect(stdout).toMatch(/outcome: Success\n$/);
  });

  it("stops following after --timeout, saying the task goes on", async () => {
    const { code, stdout, stderr } = await maintain(emu, ["noreply", "--op", "check", "--timeout", "0.1"]);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^check of mailshare noreply \(acme\.test\): task repair-/);
    expect(stderr).toMatch(/\nbmshare maintain: task repair-\S+ still runs after 0\.1 s \(last state InProgress\): it goes on on the server; give a longer --timeout to follow it to its end\n$/);
  });

  it("exits 1 with the task's error when it ends InError", async () => {
    const uid = "doomed-share";
    expect((await emu.api("PUT", `/api/mailshares/acme.test/${uid}`, { body: mailshareBody("doomed") })).status).toBe(200);
    let deleting: Promise<unknown> | undefined;
    const run = await maintain(emu, ["doomed", "--op", "check"], (text) => {
      // Deleted in the console while the check runs: the next step cannot find the entry.
      if (!deleting && text.startsWith("  ")) deleting = emu.api("DELETE", `/api/mailshares/acme.test/${uid}`);
    });
    await deleting;
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`\\n {2}Unknown error: entry ${uid} not found in domain acme\\.test\\n[\\s\\S]*outcome: InError: Unknown error: entry ${uid} not found in domain acme\\.test\\n$`));
  });
});
