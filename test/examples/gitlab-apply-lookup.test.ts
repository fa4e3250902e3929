// The GitLab apply job of examples/ci/gitlab-bmshare.yml finds the plan reviewed on the merge
// request a commit came from, and nothing else. Its script runs here against a fake GitLab API: a
// plain merge request pipeline (on the request's last commit) and a merged results pipeline (on a
// merge of that commit into the target branch) both give their plan; a pipeline of an older commit
// gives none.
import { afterEach, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "..", "..");
const ci = parse(fs.readFileSync(path.join(ROOT, "examples/ci/gitlab-bmshare.yml"), "utf8"));
/** The apply job's `node -e` script that downloads the reviewed plan. */
const lookup = /node -e '([^']*)'/.exec((ci.apply.script as string[]).join("\n"))![1];

const [MERGED, LAST, OLDER, TARGET] = ["m0", "c2", "c1", "t9"].map((s) => s.repeat(20));

interface Fixture { pipelines: { id: number; sha: string; ref: string; status: string }[]; commits: Record<string, string[]> }

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A fake GitLab API for merge request !7, merged as MERGED, whose last commit is LAST; its token must be sent. */
async function gitlab(fixture: Fixture): Promise<string> {
  server = http.createServer((req, res) => {
    const url = new URL(req.url!, "http://x");
    const json = (value: unknown) => res.end(JSON.stringify(value));
    if (req.headers["private-token"] !== "glpat-test") return void res.writeHead(401).end();
    const p = url.pathname.replace("/api/v4/projects/42", "");
    if (p === `/repository/commits/${MERGED}/merge_requests`) return json([{ iid: 7, state: "merged", sha: LAST }]);
    if (p === "/merge_requests/7/pipelines") return json(fixture.pipelines);
    const commit = /^\/repository\/commits\/(\w+)$/.exec(p);
    if (commit && fixture.commits[commit[1]]) return json({ id: commit[1], parent_ids: fixture.commits[commit[1]] });
    const jobs = /^\/pipelines\/(\d+)\/jobs$/.exec(p);
    if (jobs) return json([{ id: Number(jobs[1]) * 10, name: "plan" }]);
    const artifact = /^\/jobs\/(\d+)\/artifacts\/bmshare-plan.json$/.exec(p);
    if (artifact) return void res.end(`{"plan of job": ${artifact[1]}}`);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v4`;
}

/** Runs the job's script in a fresh folder: its exit code, output, and the plan it wrote (or null). */
async function runLookup(api: string): Promise<{ code: number | null; output: string; plan: string | null }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-gitlab-"));
  const child = spawn(process.execPath, ["-e", lookup], {
    cwd: dir, env: { PATH: process.env.PATH, CI_API_V4_URL: api, CI_PROJECT_ID: "42", CI_COMMIT_SHA: MERGED, GITLAB_API_TOKEN: "glpat-test" },
  });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const file = path.join(dir, "bmshare-plan.json");
  const plan = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
  fs.rmSync(dir, { recursive: true, force: true });
  return { code, output, plan };
}

describe("the GitLab apply job's lookup of the reviewed plan", () => {
  it("takes the newest successful pipeline of the request's last commit", async () => {
    const api = await gitlab({
      pipelines: [
        { id: 3, sha: LAST, ref: "refs/merge-requests/7/head", status: "failed" },
        { id: 2, sha: LAST, ref: "refs/merge-requests/7/head", status: "success" },
        { id: 1, sha: OLDER, ref: "refs/merge-requests/7/head", status: "success" },
      ],
      commits: {},
    });
    const r = await runLookup(api);
    expect(r.code, r.output).toBe(0);
    expect(r.plan).toBe('{"plan of job": 20}');
    expect(r.output).toContain("applying the plan of merge request !7 (job 20)");
  });

  it("takes a merged results pipeline, whose merge commit has the last commit as a parent", async () => {
    const api = await gitlab({
      pipelines: [{ id: 5, sha: "e5".repeat(20), ref: "refs/merge-requests/7/merge", status: "success" }],
      commits: { ["e5".repeat(20)]: [TARGET, LAST] },
    });
    const r = await runLookup(api);
    expect(r.code, r.output).toBe(0);
    expect(r.plan).toBe('{"plan of job": 50}');
  });

  it("refuses when only an older commit was planned, merged results or not", async () => {
    const api = await gitlab({
      pipelines: [
        { id: 6, sha: "e6".repeat(20), ref: "refs/merge-requests/7/merge", status: "success" },
        { id: 4, sha: OLDER, ref: "refs/merge-requests/7/head", status: "success" },
      ],
      commits: { ["e6".repeat(20)]: [TARGET, OLDER] },
    });
    const r = await runLookup(api);
    expect(r.code).toBe(1);
    expect(r.output).toContain(`no successful plan of merge request !7 at its last commit ${LAST}`);
    expect(r.plan).toBeNull();
  });
});
