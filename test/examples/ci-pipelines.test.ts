// The CI pipelines of examples/ci/ (what `bmshare init` writes, and what the README points to) as
// a platform team would run them: valid YAML, shell and JavaScript that parse, real actions, bmshare
// options that exist, keys only where they are needed — GitHub secrets in the steps that use them,
// GitLab merge requests on the read-only key, the write key on the default branch only — and the
// plan comment updated in place through its hidden marker.
import { describe, it, expect } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const CI = path.join(ROOT, "examples", "ci");
const load = (file: string) => parse(fs.readFileSync(path.join(CI, file), "utf8"));

const GITHUB = ["github-bmshare.yml", "github-pulumi.yml"];
const GITLAB = ["gitlab-bmshare.yml", "gitlab-pulumi.yml"];
/** Actions and the major versions they publish (checked by hand when an example moves to another). */
const KNOWN_ACTIONS = new Set(["actions/checkout@v4", "actions/setup-node@v4", "actions/upload-artifact@v4", "pulumi/actions@v6"]);

/** Every string in `node` with its path (`jobs.plan.steps.3.env.BLUEMIND_API_KEY`). */
function strings(node: unknown, at: string[] = []): { path: string[]; value: string }[] {
  if (typeof node === "string") return [{ path: at, value: node }];
  if (node === null || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([k, v]) => strings(v, [...at, k]));
}

/** `bash -n`: the script parses. */
function expectShell(script: string, where: string): void {
  const r = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
  expect(r.status, `${where}: ${r.stderr}`).toBe(0);
}

/** The JavaScript of each `node -e '…'` in `script`, checked by `node --check`. */
function expectNodeScripts(script: string, where: string): number {
  const scripts = [...script.matchAll(/node -e '([^']*)'/g)].map((m) => m[1]);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-ci-"));
  try {
    scripts.forEach((js, i) => {
      const file = path.join(dir, `${i}.js`);
      fs.writeFileSync(file, js);
      const r = spawnSync(process.execPath, ["--check", file], { encoding: "utf8" });
      expect(r.status, `${where}: ${r.stderr}`).toBe(0);
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return scripts.length;
}

const helpCache = new Map<string, string>();
/** Each `bmshare <command> --flag` in `script` names a flag that command's --help documents. */
function expectBmshareOptions(script: string, where: string): void {
  for (const [, command, rest] of script.matchAll(/npx bmshare (\w+)([^\n|>;&]*)/g)) {
    if (!helpCache.has(command)) {
      helpCache.set(command, execFileSync(process.execPath, [path.join(ROOT, "bin", "bmshare.js"), command, "--help"], { encoding: "utf8" }));
    }
    for (const [flag] of rest.matchAll(/--[a-z-]+/g)) expect(helpCache.get(command), `${where}: bmshare ${command} ${flag}`).toContain(flag);
  }
}

describe("GitHub workflows", () => {
  for (const file of GITHUB) {
    describe(file, () => {
      const wf = load(file);
      const jobs = Object.entries<any>(wf.jobs);

      it("gives secrets to steps only, never to the workflow or a job", () => {
        expect(wf.permissions).toEqual({});
        const secretUses = strings(wf).filter((s) => s.value.includes("secrets."));
        expect(secretUses.length).toBeGreaterThan(0);
        for (const use of secretUses) expect(use.path.join("."), use.value).toMatch(/^jobs\.[\w-]+\.steps\.\d+\.env\.\w+$/);
      });

      it("gives the write key only to the job of the production environment, run on push to main", () => {
        for (const [name, job] of jobs) {
          const usesWriteKey = strings(job).some((s) => s.value.includes("secrets.BLUEMIND_API_KEY"));
          if (usesWriteKey) {
            expect(job.environment, name).toBe("production");
            expect(job.if, name).toBe("github.event_name == 'push'");
          }
          if (String(job.if).includes("pull_request")) expect(usesWriteKey, name).toBe(false);
        }
        expect(wf.on.push.branches).toEqual(["main"]);
      });

      it("uses actions that exist, and shell and bmshare options that parse", () => {
        for (const [name, job] of jobs) {
          job.steps.forEach((step: any, i: number) => {
            if (step.uses) expect(KNOWN_ACTIONS, `${name} step ${i}`).toContain(step.uses);
            if (step.run) {
              expectShell(step.run, `${name} step ${i}`);
              expectBmshareOptions(step.run, `${name} step ${i}`);
              expect(step.run, "no expression inside a script (values go through env)").not.toContain("${{");
            }
          });
        }
      });
    });
  }

  it("the CLI pipeline: plan on the pull request, one comment updated in place, the reviewed plan applied, drift as an issue", () => {
    const { on, jobs } = load("github-bmshare.yml");
    expect(Object.keys(on).sort()).toEqual(["pull_request", "push", "schedule", "workflow_dispatch"]);
    const run = (job: any) => job.steps.map((s: any) => s.run ?? "").join("\n");

    expect(run(jobs.plan)).toContain("npx bmshare plan -f mailshares/ --markdown --markdown-full bmshare-plan-full.md --out bmshare-plan.json");
    const upload = jobs.plan.steps.find((s: any) => s.uses?.startsWith("actions/upload-artifact"));
    expect(upload.with.name).toBe("bmshare-plan");
    const comment = jobs.plan.steps.find((s: any) => s.name?.startsWith("Comment"));
    expect(comment.run).toContain("marker='<!-- bmshare-plan -->'");
    expect(comment.run).toMatch(/select\(\.body \| startswith\(\\"\$marker\\"\)\)/);
    expect(comment.run).toContain('--method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id"');
    expect(jobs.plan.permissions).toEqual({ contents: "read", "pull-requests": "write" });

    expect(run(jobs.apply)).toContain("gh run download \"$run\" --name bmshare-plan");
    expect(run(jobs.apply)).toContain("npx bmshare apply --plan bmshare-plan.json --yes");
    expect(run(jobs.apply)).not.toMatch(/apply -f/);

    expect(jobs.drift.if).toContain("schedule");
    expect(run(jobs.drift)).toContain("npx bmshare drift -f mailshares/");
    expect(run(jobs.drift)).toContain("gh issue create");
    expect(run(jobs.drift)).toContain("gh issue edit");
    expect(jobs.drift.permissions).toEqual({ contents: "read", issues: "write" });
  });
});

describe("GitLab pipelines", () => {
  for (const file of GITLAB) {
    describe(file, () => {
      const ci = load(file);
      const jobs = Object.entries<any>(ci).filter(([, v]) => v && typeof v === "object" && Array.isArray(v.script));
      const script = (job: any) => job.script.join("\n");

      it("installs without running install scripts (a key may be set)", () => {
        expect(ci.default.before_script[0]).toMatch(/^npm ci --ignore-scripts/);
      });

      it("runs merge-request jobs on the read-only key, set before anything talks to the server", () => {
        const mrJobs = jobs.filter(([, job]) => job.rules.some((r: any) => r.if.includes("merge_request_event")));
        expect(mrJobs.length).toBe(1);
        for (const [name, job] of mrJobs) {
          expect(job.script[0], name).toBe('export BLUEMIND_API_KEY="$BLUEMIND_READ_API_KEY"');
        }
      });

      it("applies only on a push to the default branch, one at a time", () => {
        const writers = jobs.filter(([, job]) => !script(job).includes('export BLUEMIND_API_KEY="$BLUEMIND_READ_API_KEY"') || /apply --plan|pulumi up/.test(script(job)));
        expect(writers.map(([name]) => name)).toEqual([file === "gitlab-bmshare.yml" ? "apply" : "up"]);
        for (const [name, job] of writers) {
          expect(job.rules, name).toEqual([expect.objectContaining({ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH && $CI_PIPELINE_SOURCE == "push"' })]);
          expect(job.resource_group, name).toBeTruthy();
        }
      });

      it("has shell, JavaScript and bmshare options that parse, and updates its note in place", () => {
        let nodeScripts = 0;
        for (const [name, job] of jobs) {
          expectShell([...ci.default.before_script, ...job.script].join("\n"), name);
          expectBmshareOptions(script(job), name);
          nodeScripts += expectNodeScripts(script(job), name);
        }
        expect(nodeScripts).toBeGreaterThan(0);
        const noteJob = jobs.find(([, job]) => script(job).includes("/notes"))![1];
        expect(script(noteJob)).toMatch(/const marker = "<!-- bmshare-[\w-]+ -->";/);
        expect(script(noteJob)).toContain('method: "PUT"');
      });
    });
  }

  it("the CLI pipeline: the plan of the merge request saved, that plan applied, drift as an issue on a schedule", () => {
    const ci = load("gitlab-bmshare.yml");
    expect(ci.plan.script.join("\n")).toContain("npx bmshare plan -f mailshares/ --markdown --markdown-full bmshare-plan-full.md --out bmshare-plan.json");
    expect(ci.plan.artifacts.paths).toContain("bmshare-plan.json");
    expect(ci.apply.script.join("\n")).toContain("/jobs/${job.id}/artifacts/bmshare-plan.json");
    expect(ci.apply.script.join("\n")).toContain("npx bmshare apply --plan bmshare-plan.json --yes");
    expect(ci.drift.rules).toEqual([{ if: '$CI_PIPELINE_SOURCE == "schedule"' }]);
    expect(ci.drift.script.join("\n")).toContain("labels=mailshares-drift&state=opened");
  });
});
