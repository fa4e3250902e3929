// `bmshare validate` as a user runs it: a child process from the repository root; exit codes and the
// `file:line:col: path: message` output, every error on its own line, no stack traces.
import { describe, it, expect } from "vitest";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { runValidateCommand } from "../../cli/validate";
import { seedDirectory } from "./fake-directory";

const ROOT = path.resolve(__dirname, "..", "..");

function validate(args: string[], env: Record<string, string | undefined> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const childEnv = { ...process.env, BLUEMIND_URL: undefined, BLUEMIND_API_KEY: undefined, ...env } as NodeJS.ProcessEnv;
  return new Promise((resolve) => {
    execFile(process.execPath, ["bin/bmshare.js", "validate", ...args], { cwd: ROOT, encoding: "utf8", env: childEnv }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
  });
}

// A child process starts ts-node and the whole CLI (several seconds, more on a busy machine): these
// tests wait for it to exit, with room to spare.
const CHILD_TIMEOUT = 90_000;

describe("bmshare validate (child process)", { timeout: CHILD_TIMEOUT }, () => {
  it("exits 0 with a one-line summary for valid files and folders, noting skipped server checks", async () => {
    const r = await validate(["-f", "examples/mailshares.yaml", "-f", "examples/split", "examples/minimal.yaml"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("valid: 8 mailshares in 4 files (acme.test); schema and offline cross-checks passed\n");
    expect(r.stderr).toBe("note: server cross-checks skipped: no server connection configured (--url or BLUEMIND_URL)\n");
  });

  it("exits 1 with every error of every file (a mailshare declared in both included), one per line, in file order", async () => {
    const r = await validate(["-f", "test/desired/invalid/unknown-key.yaml", "-f", "test/desired/invalid/share-level-typo.yaml", "--offline"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).not.toContain("note:");
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toEqual([
      'test/desired/invalid/unknown-key.yaml:5:5: mailshares[0].displayname: unknown key "displayname" (did you mean "displayName"?)',
      'test/desired/invalid/unknown-key.yaml:6:5: mailshares[0].emial: unknown key "emial" (did you mean "email"?)',
      expect.stringMatching(/^test\/desired\/invalid\/unknown-key\.yaml:7:5: mailshares\[0\]\.colour: unknown key "colour"; expected one of: name, /),
      'test/desired/invalid/share-level-typo.yaml:4:11: mailshares[0].name: mailshare "support" of acme.test is already declared at test/desired/invalid/unknown-key.yaml:4:11: declare each mailshare once',
      'test/desired/invalid/share-level-typo.yaml:6:31: mailshares[0].shares[0].level: expected one of read, write, manage (the console\'s "admin" level is manage), found "wirte" (did you mean "write"?)',
      'test/desired/invalid/share-level-typo.yaml:7:32: mailshares[0].shares[1].level: expected one of read, write, manage (the console\'s "admin" level is manage), found "admin"',
      "6 errors in 2 files",
    ]);
  });

  it("exits 1 without a stack trace on a usage error and a missing file", async () => {
    const [noFile, missing] = await Promise.all([validate([]), validate(["-f", "nowhere.yaml", "--offline"])]);
    expect(noFile.status).toBe(1);
    expect(noFile.stderr).toMatch(/^bmshare validate: give at least one file or folder with -f\nusage: bmshare validate/);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe("nowhere.yaml:1:1: (document): no such file or folder\n1 error in 1 file\n");
    for (const r of [noFile, missing]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("runValidateCommand (in process)", () => {
  async function run(argv: string[], deps: Parameters<typeof runValidateCommand>[1] = {}) {
    let stdout = "";
    let stderr = "";
    const status = await runValidateCommand(argv, {
      env: {}, ...deps, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t),
    });
    return { status, stdout, stderr };
  }

  it("says nothing about server checks with --offline, and is honest when a URL is set but no client is wired", async () => {
    const offline = await run(["-f", "examples/minimal.yaml", "--offline"], { env: { BLUEMIND_URL: "http://bm.test" } });
    expect(offline).toEqual({ status: 0, stderr: "", stdout: "valid: 1 mailshare in 1 file (acme.test); schema and offline cross-checks passed\n" });
    const unwired = await run(["-f", "examples/minimal.yaml"], { env: { BLUEMIND_URL: "http://bm.test" } });
    expect(unwired.status).toBe(0);
    expect(unwired.stderr).toBe("note: server cross-checks skipped: this build has no BlueMind client for them\n");
  });

  it("runs the server cross-checks through the connector, with the connection from options or environment", async () => {
    const connections: unknown[] = [];
    const connect = async (c: unknown) => {
      connections.push(c);
      return seedDirectory();
    };
    const ok = await run(["-f", "examples/mailshares.yaml", "--url", "https://bm.example", "--insecure"], { connect, env: { BLUEMIND_API_KEY: "K" } });
    expect(ok).toEqual({ status: 0, stderr: "", stdout: "valid: 5 mailshares in 1 file (acme.test); schema, cross-checks and server checks passed\n" });
    expect(connections).toHaveLength(1);
    expect(connections[0]).toMatchObject({ url: "https://bm.example", apiKey: "K", insecure: true });
    const file = path.join(__dirname, "fixtures", "taken-name.yaml");
    const bad = await run(["-f", file], { connect, env: { BLUEMIND_URL: "https://bm.example", BLUEMIND_API_KEY: "K" } });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      `${file}:4:11: mailshares[0].name: name "sales" is already used by group sales: mailbox names are unique across users, groups and mailshares\n1 error in 1 file\n`);
  });
});
