// What `bmshare` loads to start, as a user runs it: child processes of bin/bmshare.js with a
// preloaded probe that lists every CommonJS module they loaded. The CLI runs the compiled dist/
// (never ts-node), never loads the Pulumi SDK (only Pulumi programs do, through
// providers/resources.ts), and each command loads its own modules only. Module counts, not
// timings: a busy machine does not make these fail; each test waits for its processes to exit.
import { describe, it, expect, beforeAll } from "vitest";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import buildDistIfStale from "../support/fresh-dist";

const ROOT = path.resolve(__dirname, "..", "..");
const PROBE = path.join(ROOT, "test", "fixtures", "module-probe.js");
const CHILD_TIMEOUT = 120_000;

interface Run { code: number | null; stdout: string; stderr: string; modules: string[] }

/** `node --require PROBE bin/bmshare.js ...args`, from the project root, until it exits. */
function bmshare(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-modules-")), "modules.txt");
  const childEnv = { ...process.env, BLUEMIND_URL: undefined, BLUEMIND_API_KEY: undefined, CI: "true", ...env, BMSHARE_MODULE_PROBE: out };
  const child = spawn(process.execPath, ["--require", PROBE, path.join(ROOT, "bin", "bmshare.js"), ...args], {
    cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  return new Promise((resolve) => child.once("exit", (code) => {
    const modules = fs.existsSync(out) ? fs.readFileSync(out, "utf8").split("\n").filter(Boolean).filter((m) => m !== PROBE) : [];
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
    resolve({ code, stdout, stderr, modules });
  }));
}

/** The npm packages `modules` come from (`yaml`, `@pulumi/pulumi`). */
function packages(modules: string[]): Set<string> {
  const names = new Set<string>();
  for (const m of modules) {
    const at = m.lastIndexOf("/node_modules/");
    if (at < 0) continue;
    const [scope, name] = m.slice(at + "/node_modules/".length).split("/");
    names.add(scope.startsWith("@") ? `${scope}/${name}` : scope);
  }
  return names;
}

/** The project's own modules, relative to the root (`dist/cli/main.js`). */
const project = (modules: string[]) => modules.filter((m) => !m.includes("/node_modules/")).map((m) => path.relative(ROOT, m));
const FORBIDDEN = ["@pulumi/pulumi", "ts-node", "typescript"];

// A source edited since the last build (by a run in parallel) would make the CLI run ts-node.
beforeAll(() => buildDistIfStale(), CHILD_TIMEOUT);

describe("bmshare's start (child processes, modules loaded)", { timeout: CHILD_TIMEOUT }, () => {
  it("--help and --version load the compiled entry point and where the package is, nothing else", async () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version;
    const [help, v] = await Promise.all([bmshare(["--help"]), bmshare(["--version"])]);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^usage: bmshare <command>/);
    expect(help.stdout).toContain(`\nbmshare ${version} (bluemind-mailshares), Node.js ${process.versions.node}\n`);
    expect(help.stderr).toBe("");
    expect(v).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: "" });
    for (const r of [help, v]) {
      expect(project(r.modules).sort()).toEqual(["bin/bmshare.js", "bin/dist-status.js", "bin/load-project.js", "dist/cli/main.js", "dist/project-dir.js"]);
      expect(packages(r.modules)).toEqual(new Set());
    }
  });

  it("validate --offline loads the desired-state modules, ajv's runtime and js-yaml: no Pulumi, no REST client, no TypeScript", async () => {
    const r = await bmshare(["validate", "-f", "examples/mailshares.yaml", "--offline"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("valid: 5 mailshares in 1 file");
    for (const p of [...FORBIDDEN, "@grpc/grpc-js"]) expect(packages(r.modules), p).not.toContain(p);
    // A valid file is read the fast way only (desired/fast-parse.ts): the position-keeping reader stays unloaded.
    expect(packages(r.modules)).toContain("js-yaml");
    expect(packages(r.modules)).not.toContain("yaml");
    // The schema's validators were compiled by the build: ajv's compiler stays unloaded (only its runtime helpers load).
    expect(project(r.modules)).toContain("dist/desired/schema-precompiled.js");
    expect(r.modules.filter((m) => /\/ajv\/dist\/(compile|core|2020)\b/.test(m))).toEqual([]);
    expect(project(r.modules).filter((m) => !m.startsWith("bin/") && !m.startsWith("dist/")), "all project code from dist/").toEqual([]);
    expect(project(r.modules).filter((m) => m.startsWith("dist/bluemind/"))).toEqual([]);
    expect(r.modules.length).toBeLessThan(300); // 202 when written (the Pulumi SDK alone is ~900)
  });

  it("every command's --help loads that command's modules, none of them the Pulumi SDK or ts-node", async () => {
    const commands = ["validate", "export", "report", "maintain", "plan", "apply", "drift", "start", "emulator", "init"];
    const runs = await Promise.all(commands.map((c) => bmshare([c, "--help"])));
    runs.forEach((r, i) => {
      expect(r.code, `${commands[i]}: ${r.stderr}`).toBe(0);
      expect(r.stdout, commands[i]).toContain(`bmshare ${commands[i]}`);
      for (const p of FORBIDDEN) expect(packages(r.modules), `${commands[i]} loads ${p}`).not.toContain(p);
    });
    // Lazy commands: the emulator's help loads no provider, validate's no emulator.
    const loaded = (c: string) => project(runs[commands.indexOf(c)].modules);
    expect(loaded("emulator").filter((m) => m.startsWith("dist/providers/"))).toEqual([]);
    expect(loaded("validate").filter((m) => m.startsWith("dist/emulator/"))).toEqual([]);
  });

  it("start — an emulator, the example applied by the providers, a second plan — never loads the Pulumi SDK", async () => {
    const r = await bmshare(["start"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Apply complete: 31 applied, 0 failed, 0 not attempted.");
    for (const p of FORBIDDEN) expect(packages(r.modules), p).not.toContain(p);
    expect(project(r.modules)).toContain("dist/providers/registry.js");
  });
});
