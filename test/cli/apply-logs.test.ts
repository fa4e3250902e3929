// What apply shows of the tasks it follows (maintenance, moves, deletes): each task's log is counted
// under its result, and shown line by line only with --verbose; a failed task still says why.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runApplyCommand } from "../../cli/apply";
import { EXAMPLE, editedExample, startHarness, type Harness } from "./engine-support";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("task logs in apply's output", () => {
  it("are folded to a count under the task's result, and shown whole with --verbose", async () => {
    const r = await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}· acme\.test\/support\/maintenance\/repair: validating and repairing the mailbox of mailshare .*: task repair-.* started$/m);
    expect(r.stdout).toMatch(/^ {6}done \(\d+ log lines\)\napplied {7}MailshareMaintenance acme\.test\/support\/maintenance\/repair: created\n {6}\(\d+ task log lines not shown: --verbose shows them\)$/m);
    expect(r.stdout).not.toContain("Starting operation");

    const again = editedExample([["repair: INC-4711", "repair: INC-4712"]]);
    const verbose = await h.run(runApplyCommand, ["-f", again, "--yes", "--verbose"]);
    expect(verbose.status, verbose.stderr).toBe(0);
    expect(verbose.stdout).toMatch(/\[1\/\d+\] Starting operation mailboxExists/);
    expect(verbose.stdout).not.toContain("not shown: --verbose");
  });
});
