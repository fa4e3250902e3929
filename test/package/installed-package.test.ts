// The package as a platform team gets it: `npm pack`, the tarball installed into an empty folder
// outside this repository, `bmshare init` there, then validate, plan, apply and a second, empty plan
// against the emulator started from the installed package — all through `npx bmshare`, with no
// TypeScript toolchain installed. Also: the scaffold's index.ts type-checks against the package's
// declarations, and its program runs under Pulumi's mocks.
//
// Offline by construction: every npm command runs with `--offline` (npm's cache only, never the
// network). The install folder gets a lock file made from this repository's package-lock.json (its
// runtime packages, as `npm ci` cached them) plus the tarball, so `npm ci --offline` needs no
// registry metadata. Slow (a type-checked build, an install): one file, generous timeouts.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PolicyHost } from "../support/policy-host";

const ROOT = path.resolve(__dirname, "..", "..");
const PKG = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
const TARBALL = `${PKG.name}-${PKG.version}.tgz`;
const SLOW = 15 * 60_000;
const KEY = "installed-package-key";

/** npm never asks the network; nothing else of this test leaves 127.0.0.1. */
const ENV: NodeJS.ProcessEnv = {
  ...process.env,
  npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false",
  BLUEMIND_URL: undefined, BLUEMIND_API_KEY: undefined, BLUEMIND_DOMAIN: undefined, CI: "true", NO_COLOR: "1",
};

let work: string;
let repo: string;
let init: Run;

interface Run { code: number | null; stdout: string; stderr: string }

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const child = spawn(command, args, { cwd, env: { ...ENV, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

async function ok(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<Run> {
  const r = await run(command, args, cwd, env);
  if (r.code !== 0) throw new Error(`${command} ${args.join(" ")} (in ${cwd}) exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** The files npm packs, built in a copy: `npm pack`'s prepare must not rebuild the dist/ other tests run. */
function copyOfProject(): string {
  const copy = path.join(work, "source");
  const skip = new Set(["node_modules", "dist", ".git", ".bmshare-data"]);
  fs.cpSync(ROOT, copy, { recursive: true, filter: (src) => !(skip.has(path.basename(src)) || path.basename(src).startsWith("dist.")) });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(copy, "node_modules"));
  return copy;
}

/** An empty project depending on the tarball, locked to the runtime packages of this repository's lock file. */
function installFolder(): string {
  const dir = path.join(work, "acme-mail");
  fs.mkdirSync(dir);
  const spec = `file:../${TARBALL}`;
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
  const packages: Record<string, unknown> = {
    "": { name: "acme-mail", dependencies: { [PKG.name]: spec } },
    [`node_modules/${PKG.name}`]: {
      version: PKG.version, resolved: spec,
      integrity: `sha512-${createHash("sha512").update(fs.readFileSync(path.join(work, TARBALL))).digest("base64")}`,
      license: PKG.license, dependencies: PKG.dependencies, bin: PKG.bin, engines: PKG.engines,
    },
  };
  for (const [where, entry] of Object.entries<any>(lock.packages)) {
    if (where.startsWith("node_modules/") && !entry.dev && !entry.devOptional) packages[where] = entry;
  }
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "acme-mail", private: true, dependencies: { [PKG.name]: spec } }, null, 2));
  fs.writeFileSync(path.join(dir, "package-lock.json"), JSON.stringify({ name: "acme-mail", lockfileVersion: 3, requires: true, packages }, null, 2));
  return dir;
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-package-"));
  expect(path.relative(ROOT, work).startsWith(".."), "the install folder is outside the repository").toBe(true);
  await ok("npm", ["pack", "--pack-destination", work], copyOfProject());
  repo = installFolder();
  await ok("npm", ["ci", "--offline", "--no-audit", "--no-fund"], repo);
  init = await ok("npx", ["--offline", "bmshare", "init", "--domain", "acme.test"], repo);
}, SLOW);

// Removing an installed node_modules takes a while on a busy machine.
afterAll(async () => {
  if (work) await fs.promises.rm(work, { recursive: true, force: true });
}, SLOW);

/** `npx bmshare emulator` from the install folder, once it says where it listens. */
async function startInstalledEmulator(): Promise<{ url: string; child: ChildProcess }> {
  // Its own process group: npx runs bmshare as a child of its own, and both must stop.
  const child = spawn("npx", ["--offline", "bmshare", "emulator", "--port", "0", "--api-key", KEY], {
    cwd: repo, env: ENV, stdio: ["ignore", "pipe", "pipe"], detached: true,
  });
  let seen = "";
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (c) => {
      seen += c;
      const m = /BlueMind emulator listening on (http:\/\/\S+)/.exec(seen);
      if (m) resolve(m[1]);
    });
    child.stderr!.on("data", (c) => (seen += c));
    child.once("exit", (code) => reject(new Error(`the emulator exited ${code} before listening:\n${seen}`)));
  });
  return { url, child };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(-child.pid!, "SIGTERM");
  return exited;
}

describe("the installed package", { timeout: SLOW }, () => {
  it("ships the compiled code, declarations, schemas, seeds and pipelines, and no TypeScript sources or toolchain", () => {
    const installed = path.join(repo, "node_modules", PKG.name);
    for (const file of [
      "dist/cli/main.js", "dist/program/index.js", "dist/program/index.d.ts", "dist/providers/index.d.ts", "dist/emulator/emulator.js",
      "schemas/mailshares.schema.json", "emulator/seeds/default.yaml", "examples/ci/github-bmshare.yml", "templates/init/index.ts",
    ]) expect(fs.existsSync(path.join(installed, file)), file).toBe(true);
    expect(fs.existsSync(path.join(installed, "cli", "main.ts"))).toBe(false);
    for (const tool of ["typescript", "ts-node"]) expect(fs.existsSync(path.join(repo, "node_modules", tool)), tool).toBe(false);
  });

  it("npx bmshare: --version, init, then validate, plan, apply and an empty plan against its own emulator", async () => {
    expect((await ok("npx", ["--offline", "bmshare", "--version"], repo)).stdout).toBe(`${PKG.version}\n`);

    expect(init.stdout).toContain("wrote mailshares/acme.test.yaml, bmshare.policy.yaml, ");
    expect(fs.readFileSync(path.join(repo, ".github", "workflows", "mailshares.yml"), "utf8"))
      .toBe(fs.readFileSync(path.join(ROOT, "examples", "ci", "github-bmshare.yml"), "utf8"));
    // The modeline resolves inside node_modules.
    const modeline = fs.readFileSync(path.join(repo, "mailshares", "acme.test.yaml"), "utf8").split("\n")[0];
    const schema = path.resolve(repo, "mailshares", modeline.replace("# yaml-language-server: $schema=", ""));
    expect(JSON.parse(fs.readFileSync(schema, "utf8")).title).toBeTruthy();
    const policyModeline = fs.readFileSync(path.join(repo, "bmshare.policy.yaml"), "utf8").split("\n")[0];
    const policySchema = path.resolve(repo, policyModeline.replace("# yaml-language-server: $schema=", ""));
    expect(JSON.parse(fs.readFileSync(policySchema, "utf8")).title).toBe("bmshare policy (bmshare.policy.yaml)");

    const { url, child } = await startInstalledEmulator();
    try {
      const server = { BLUEMIND_URL: url, BLUEMIND_API_KEY: KEY };
      const bmshare = (...args: string[]) => run("npx", ["--offline", "bmshare", ...args], repo, server);
      const validate = await bmshare("validate", "-f", "mailshares/");
      expect(validate.code, validate.stderr).toBe(0);
      expect(validate.stdout).toContain("valid: 1 mailshare in 1 file (acme.test)");
      // The starter policy at the root applies (advisory: it blocks nothing below).
      expect(validate.stdout).toContain("; policy bmshare.policy.yaml: 1 advisory policy violation\n");

      const plan = await bmshare("plan", "-f", "mailshares/");
      expect(plan.code, plan.stderr).toBe(2);
      expect(plan.stdout).toContain("team-inbox");

      const apply = await bmshare("apply", "-f", "mailshares/", "--yes");
      expect(apply.code, apply.stderr).toBe(0);
      expect(apply.stdout).toMatch(/Apply complete: \d+ applied, 0 failed, 0 not attempted\./);

      const again = await bmshare("plan", "-f", "mailshares/");
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).toMatch(/0 to create, 0 to update, 0 to delete, \d+ unchanged/);
      for (const r of [validate, plan, apply, again]) expect(r.stderr).not.toContain("TypeScript sources");
    } finally {
      await stop(child);
    }
  });

  it("npx bmshare start: the demo runs from the installed package (its emulator, the example, a second plan)", async () => {
    const start = await run("npx", ["--offline", "bmshare", "start"], repo);
    expect(start.code, start.stdout + start.stderr).toBe(0);
    expect(start.stdout).toMatch(/0 to create, 0 to update, 0 to delete, \d+ unchanged/);
  });

  it("the scaffold's index.ts type-checks against the package's declarations, and its program declares the mailshares", async () => {
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const check = await run(process.execPath, [tsc, "-p", path.join(repo, "tsconfig.json"), "--noEmit"], repo);
    expect(check.code, check.stdout + check.stderr).toBe(0);

    // What `pulumi up` runs, under the SDK's mocks: the package's program function from the installed package.
    const script = `
      const pulumi = require("@pulumi/pulumi");
      const types = [];
      pulumi.runtime.setMocks({ newResource: (a) => { types.push(a.type); return { id: a.name, state: a.inputs }; }, call: () => ({}) }, "acme-mail", "test");
      require("bluemind-mailshares").mailsharesProgram().then((out) => {
        // Once every registration has been answered, nothing is left to run.
        process.once("beforeExit", () => process.stdout.write(JSON.stringify({ summary: out.summary, types: [...new Set(types)].sort() })));
      });`;
    const r = await ok(process.execPath, ["-e", script], repo);
    const out = JSON.parse(r.stdout);
    expect(out.summary).toBe("1 mailshares (acme.test), 5 resources");
    expect(out.types).toContain("pulumi-nodejs:dynamic/bluemind:Mailshare");
  });

  it("a team's policy pack runs from the installed package, as docs/policy.md shows it", async () => {
    fs.writeFileSync(path.join(repo, "bmshare.policy.yaml"), "rules:\n  manage-share: { level: mandatory }\n");
    const pack = path.join(repo, "policy-pack");
    fs.mkdirSync(pack);
    fs.writeFileSync(path.join(pack, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    fs.writeFileSync(path.join(pack, "package.json"), JSON.stringify({ name: "acme-mailshare-policy", version: "1.0.0", main: "index.js" }));
    fs.writeFileSync(path.join(pack, "index.js"), 'require("bluemind-mailshares/policy").servePolicyPack({ policyFile: "../bmshare.policy.yaml" });\n');
    const host = await PolicyHost.start(pack);
    try {
      expect((await host.info()).policies.map((p) => `${p.name} ${p.level}`)).toEqual(["manage-share mandatory"]);
      const found = await host.analyze("MailshareAcl", "acme.test/team-inbox/acl", { domain: "acme.test", mailshare: "u", shares: [] });
      expect(found.map((d) => `${d.level} ${d.policy}`)).toEqual(["mandatory manage-share"]);
    } finally {
      await host.stop();
    }
  });
});
