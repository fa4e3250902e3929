// Colour: on a terminal only, off with --no-color or NO_COLOR, forced by FORCE_COLOR; standard output
// and standard error decided each for its own stream; Markdown and JSON never coloured.
import { spawn } from "node:child_process";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { colorWanted } from "../../cli/style";
import { runPlanCommand } from "../../cli/plan";
import { runApplyCommand } from "../../cli/apply";
import { runDriftCommand } from "../../cli/drift";
import { TEST_KEY } from "../support/emulator";
import { EXAMPLE, ROOT, editedExample, startHarness, tempYaml, type Harness } from "./engine-support";

const ESC = "\x1b[";
const GREEN = "\x1b[32m";
const RED = "\x1b[31m";
const YELLOW = "\x1b[33m";

describe("when colour is wanted", () => {
  const wanted = (isTTY: boolean, env: NodeJS.ProcessEnv = {}, noColorFlag = false) => colorWanted({ isTTY, env, noColorFlag });

  it("on a terminal, not when the output is a file or a pipe", () => {
    expect(wanted(true)).toBe(true);
    expect(wanted(false)).toBe(false);
    expect(wanted(true, { TERM: "dumb" })).toBe(false);
  });

  it("never with --no-color, whatever the environment says", () => {
    expect(wanted(true, {}, true)).toBe(false);
    expect(wanted(true, { FORCE_COLOR: "1" }, true)).toBe(false);
  });

  it("never when NO_COLOR is set to anything but the empty string", () => {
    expect(wanted(true, { NO_COLOR: "1" })).toBe(false);
    expect(wanted(true, { NO_COLOR: "false" })).toBe(false);
    expect(wanted(true, { NO_COLOR: "" })).toBe(true);
  });

  it("always with FORCE_COLOR (even without a terminal, over NO_COLOR, as Node reads it), never with FORCE_COLOR=0", () => {
    expect(wanted(false, { FORCE_COLOR: "1" })).toBe(true);
    expect(wanted(false, { FORCE_COLOR: "" })).toBe(true);
    expect(wanted(false, { FORCE_COLOR: "3", NO_COLOR: "1" })).toBe(true);
    expect(wanted(true, { FORCE_COLOR: "0" })).toBe(false);
    expect(wanted(true, { FORCE_COLOR: "false" })).toBe(false);
  });
});

describe("the installed command, in a child process", () => {
  const bad = () => tempYaml("domain: acme.test\nmailshares:\n  - name: box\n    displayname: Box\n");
  const run = (env: NodeJS.ProcessEnv) => new Promise<{ status: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, "bin", "bmshare.js"), "validate", "--offline", "-f", bad()], {
      env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stderr }));
  });

  it("colours its errors on a pipe only with FORCE_COLOR, and not with NO_COLOR", async () => {
    const forced = await run({ FORCE_COLOR: "1" });
    expect(forced.status).toBe(1);
    expect(forced.stderr).toContain(`${RED}`);
    expect(forced.stderr).toMatch(/unknown key "displayname"/);
    for (const env of [{}, { NO_COLOR: "1" }]) {
      const plain = await run(env);
      expect(plain.status).toBe(1);
      expect(plain.stderr).toMatch(/unknown key "displayname"/);
      expect(plain.stderr).not.toContain(ESC);
    }
  });
});

describe("coloured output of the commands", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ BLUEMIND_URL: h.emu.url, BLUEMIND_API_KEY: TEST_KEY, ...extra });
  const terminal = { stdout: true, stderr: true };

  it("a plan on a terminal: what is added in green, diff lines too; none when piped", async () => {
    const tty = await h.run(runPlanCommand, ["-f", EXAMPLE], { terminal });
    expect(tty.stdout).toContain(`${GREEN}+ shares[user:frank]: write`);
    expect(tty.stdout).toContain(`${GREEN}+- name: spam`);
    const piped = await h.run(runPlanCommand, ["-f", EXAMPLE]);
    expect(piped.stdout).not.toContain(ESC);
    expect(tty.stdout.replace(/\x1b\[\d+m/g, "")).toBe(piped.stdout);
  });

  it("off on a terminal with --no-color or NO_COLOR; on without a terminal with FORCE_COLOR", async () => {
    expect((await h.run(runPlanCommand, ["-f", EXAMPLE, "--no-color"], { terminal })).stdout).not.toContain(ESC);
    expect((await h.run(runPlanCommand, ["-f", EXAMPLE], { terminal, env: env({ NO_COLOR: "1" }) })).stdout).not.toContain(ESC);
    expect((await h.run(runPlanCommand, ["-f", EXAMPLE], { env: env({ FORCE_COLOR: "1" }) })).stdout).toContain(GREEN);
    expect((await h.run(runPlanCommand, ["-f", EXAMPLE, "--no-color"], { env: env({ FORCE_COLOR: "1" }) })).stdout).not.toContain(ESC);
  });

  it("never in Markdown or JSON, even forced", async () => {
    for (const format of ["--markdown", "--json"]) {
      const r = await h.run(runPlanCommand, ["-f", EXAMPLE, format], { terminal, env: env({ FORCE_COLOR: "1" }) });
      expect(r.status).toBe(2);
      expect(r.stdout).not.toContain(ESC);
    }
  });

  it("errors in red on a terminal's standard error, decided apart from standard output", async () => {
    const bad = tempYaml("domain: acme.test\nmailshares:\n  - name: box\n    displayname: Box\n");
    const r = await h.run(runPlanCommand, ["-f", bad], { terminal: { stdout: false, stderr: true } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${RED.replace("[", "\\[")}.*mailshares\\.yaml:4:5: mailshares\\[0\\]\\.displayname: unknown key`, "m"));
    const piped = await h.run(runPlanCommand, ["-f", bad], { terminal: { stdout: true, stderr: false } });
    expect(piped.stderr).not.toContain(ESC);
  });

  it("apply's results and a drift's classes", async () => {
    const applied = await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes"], { terminal });
    expect(applied.status).toBe(0);
    expect(applied.stdout).toContain(`${GREEN}applied      `);
    expect(applied.stdout).toContain(`${GREEN}Apply complete:`);
    const file = editedExample([["displayName: Support desk", "displayName: Support"]]);
    const drift = await h.run(runDriftCommand, ["-f", file], { terminal });
    expect(drift.status).toBe(2);
    expect(drift.stdout).toContain(`${YELLOW}changed    `);
    expect(drift.stdout).toContain(`${YELLOW}~ displayName: Support desk → Support`);
  });
});
