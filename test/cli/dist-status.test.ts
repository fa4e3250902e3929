// The stale-dist rule (bin/dist-status.js) and what follows from it (bin/load-project.js): a project
// module runs from dist/ only while every file the build read is as it was; otherwise from its
// TypeScript source, with a notice. Checked on a small project of its own in a temporary folder,
// loaded in child processes (ts-node registers itself process-wide).
import { describe, it, expect, beforeEach, afterEach } from "vitest";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const nativeRequire = createRequire(path.join(ROOT, "package.json"));
const { distStatus, buildStamp, STAMP } = nativeRequire("./bin/dist-status.js");
const CHILD_TIMEOUT = 90_000;

let dir: string;
const made: string[] = [];
afterEach(() => made.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A project with `m.ts` and its "compiled" dist/m.js, stamped as a build that started after both were written. */
function project(): void {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-dist-"));
  made.push(dir);
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: { module: "commonjs", target: "ES2022" } }));
  fs.writeFileSync(path.join(dir, "m.ts"), 'export const from: string = "sources";\n');
  fs.mkdirSync(path.join(dir, "dist"));
  fs.writeFileSync(path.join(dir, "dist", "m.js"), '"use strict";\nexports.from = "dist";\n');
  stamp(Date.now() + 1000);
}

function stamp(startedAt: number): void {
  fs.writeFileSync(path.join(dir, "dist", STAMP), JSON.stringify(buildStamp(dir, ["m.ts", "tsconfig.json"], startedAt)));
}

/** Loads `m` the way bin/bmshare.js does, in a child process: where it came from and the notices. */
function load(): Promise<{ from: string; notices: string }> {
  const script = `const { loadProjectModule } = require(${JSON.stringify(path.join(ROOT, "bin", "load-project.js"))});
    const notice = (reason) => process.stderr.write("notice: " + reason + "\\n");
    process.stdout.write(loadProjectModule(${JSON.stringify(dir)}, "m", notice).from);`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve({ from: stdout, notices: stderr });
    });
  });
}

describe("the stale-dist rule", { timeout: CHILD_TIMEOUT }, () => {
  beforeEach(project);

  it("runs dist/ while every file the build read is unchanged", async () => {
    expect(distStatus(dir)).toEqual({ fresh: true });
    expect(await load()).toEqual({ from: "dist", notices: "" });
  });

  it("runs the sources, with a notice, once a source is edited", async () => {
    fs.appendFileSync(path.join(dir, "m.ts"), "// edited\n");
    expect(distStatus(dir)).toEqual({ fresh: false, reason: "dist/ is older than the sources (m.ts changed)" });
    expect(await load()).toEqual({ from: "sources", notices: "notice: dist/ is older than the sources (m.ts changed)\n" });
  });

  it("counts a file restored with an older time, a file deleted, and a config edited as changes", () => {
    const file = path.join(dir, "m.ts");
    const { mtime } = fs.statSync(file);
    fs.writeFileSync(file, 'export const from: string = "sourceS";\n');
    fs.utimesSync(file, mtime, new Date(mtime.getTime() - 60_000));
    expect(distStatus(dir).reason).toBe("dist/ is older than the sources (m.ts changed)");
    project();
    fs.rmSync(path.join(dir, "m.ts"));
    expect(distStatus(dir).reason).toBe("dist/ is older than the sources (m.ts is gone)");
    project();
    fs.appendFileSync(path.join(dir, "tsconfig.json"), "\n");
    expect(distStatus(dir).reason).toBe("dist/ is older than the sources (tsconfig.json changed)");
  });

  it("counts a file modified while the build ran as changed, so the next build is not skipped", () => {
    stamp(fs.statSync(path.join(dir, "m.ts")).mtimeMs);
    expect(distStatus(dir)).toEqual({ fresh: false, reason: "dist/ is older than the sources (m.ts changed)" });
  });

  it("runs dist/ of an installed package, which ships neither the sources nor the tsconfig files", async () => {
    fs.rmSync(path.join(dir, "m.ts"));
    expect(distStatus(dir).reason).toBe("dist/ is older than the sources (m.ts is gone)");
    fs.rmSync(path.join(dir, "tsconfig.json"));
    expect(distStatus(dir)).toEqual({ fresh: true, installed: true });
    expect(await load()).toEqual({ from: "dist", notices: "" });
  });

  it("runs the sources when dist/ was never built or its stamp is damaged", async () => {
    fs.writeFileSync(path.join(dir, "dist", STAMP), "{");
    expect(distStatus(dir)).toEqual({ fresh: false, reason: "dist/ is not built" });
    fs.rmSync(path.join(dir, "dist"), { recursive: true });
    expect(await load()).toEqual({ from: "sources", notices: "notice: dist/ is not built\n" });
  });
});

describe("bin/bmshare.js without a fresh dist/", { timeout: CHILD_TIMEOUT }, () => {
  it("runs the TypeScript sources through ts-node and says so in one line", async () => {
    // The project's files, without its dist/ (symbolic links: nothing is copied or built).
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-nodist-"));
    made.push(copy);
    for (const entry of fs.readdirSync(ROOT)) {
      if (entry !== "dist" && !entry.startsWith("dist.") && entry !== "bin") fs.symlinkSync(path.join(ROOT, entry), path.join(copy, entry));
    }
    fs.cpSync(path.join(ROOT, "bin"), path.join(copy, "bin"), { recursive: true });
    const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [path.join(copy, "bin", "bmshare.js"), "--help"], { cwd: copy, encoding: "utf8" }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
      });
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("bmshare: dist/ is not built: running the TypeScript sources (slower start; `npm run build` compiles them)\n");
    expect(r.stdout).toMatch(/^usage: bmshare <command>/);
  });
});
