// The main job as a user runs it (`npm start` is `node bin/bmshare.js start`): one child process that
// applies the example to its own emulator, shows an empty second plan and where to look next, and
// with --keep-running serves the result until Ctrl-C.
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { ROOT } from "./engine-support";

describe("bmshare start (npm start)", () => {
  it("applies examples/mailshares.yaml to a fresh emulator, shows an empty second plan, and keeps running until Ctrl-C", async () => {
    const started = Date.now();
    const env = { ...process.env, CI: "true", BLUEMIND_URL: undefined, BLUEMIND_API_KEY: undefined };
    const child = spawn(process.execPath, ["bin/bmshare.js", "start", "--keep-running"], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (stdout.includes("press Ctrl-C to stop it.")) {
            clearInterval(timer);
            resolve();
          }
        }, 50);
        void exited.then((code) => {
          clearInterval(timer);
          reject(new Error(`exited ${code} early:\n${stdout}\n${stderr}`));
        });
      });
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(30_000);

      expect(stdout).toMatch(/^BlueMind emulator started at http:\/\/127\.0\.0\.1:\d+ with the ACME organisation/);
      expect(stdout).toContain("The plan for examples/mailshares.yaml:\n\n+ acme.test/paris-office  create  [examples/mailshares.yaml:157:5]\n");
      expect(stdout).toContain("Plan: 31 to create, 0 to update, 0 to delete, 0 unchanged.\n");
      expect(stdout).toContain("\nApply complete: 31 applied, 0 failed, 0 not attempted.\n");
      expect(stdout).toContain("\nA second plan, now that the server matches the file: 0 to create, 0 to update, 0 to delete, 31 unchanged.\n");

      // The suggested curl works while the emulator runs.
      const curl = /curl -s -H "X-BM-ApiKey: (\S+)" (\S+)/.exec(stdout);
      expect(curl).not.toBeNull();
      const listed = await fetch(curl![2], { headers: { "X-BM-ApiKey": curl![1] } });
      expect(listed.status).toBe(200);
      expect((await listed.json()).map((i: any) => i.value.name).sort()).toEqual(["noreply", "paris-office", "reception", "sales-desk", "support", "templates"]);
      expect(stdout).toContain(" plan   -f examples/mailshares.yaml");
      expect(stdout).toContain(" drift  -f examples/mailshares.yaml");
      expect(stderr).toBe("");
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).toBe(0);
    expect(stdout.endsWith("emulator stopped\n")).toBe(true);
  }, 60_000);
});
