// What keeps several teams and console admins safe in one domain: a run deletes only what its own
// files' owners declared; a change made on the server after the plan is refused, not overwritten
// (between apply's plan and its writes, and between `plan --out` and `apply --plan`); a saved plan
// is applied exactly or not at all; and a write whose answer was lost is accounted for truly.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runApplyCommand } from "../../cli/apply";
import { runPlanCommand } from "../../cli/plan";
import { runDriftCommand } from "../../cli/drift";
import { mailshareUid } from "../../providers/ids";
import { startLossyProxy } from "../support/lossy-proxy";
import { TEST_KEY } from "../support/emulator";
import { ROOT, startHarness, type Harness } from "./engine-support";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const liveNames = async () => (await h.emu.api("GET", "/api/mailshares/acme.test/_complete")).json.map((i: any) => i.value.name).sort();

/** A GitOps repository (a folder with `.git`) holding the given files. */
function repository(files: Record<string, string>): { dir: string; file(name: string): string; write(name: string, text: string): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-teams-"));
  fs.mkdirSync(path.join(dir, ".git"));
  const write = (name: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  };
  for (const [name, text] of Object.entries(files)) write(name, text);
  return { dir, file: (name) => path.join(dir, name), write };
}

const TEAM_A = "domain: acme.test\nmailshares:\n  - { name: support-a, email: support-a@acme.test, deletionPolicy: delete }\n";
const TEAM_B = "domain: acme.test\nmailshares:\n  - { name: templates, email: templates@acme.test, deletionPolicy: delete }\n";

describe("several teams in one domain", () => {
  it("a team's apply never deletes what another team's files declare, even with --allow-delete", async () => {
    const repo = repository({ "team-a/mailshares.yaml": TEAM_A, "team-b/mailshares.yaml": TEAM_B });
    const both = await h.run(runApplyCommand, ["-f", repo.file("team-a/mailshares.yaml"), "-f", repo.file("team-b/mailshares.yaml"), "--yes"]);
    expect(both.status, both.stdout + both.stderr).toBe(0);

    const a = await h.run(runApplyCommand, ["-f", repo.file("team-a/mailshares.yaml"), "--yes", "--allow-delete"]);
    expect(a.status, a.stdout + a.stderr).toBe(0);
    expect(a.stdout).toContain("  acme.test/templates: declared by files of another owner (team-b/mailshares.yaml), not given to this run: left alone\n");
    expect(a.stdout).toContain("Plan: 0 to create, 0 to update, 0 to delete, 5 unchanged.\n");
    expect(await liveNames()).toEqual(["noreply", "support-a", "templates"]);
  });

  it("a team deletes what it no longer declares; the rename note speaks only of its own mailshares", async () => {
    const repo = repository({ "team-a/mailshares.yaml": TEAM_A, "team-b/mailshares.yaml": TEAM_B });
    expect((await h.run(runApplyCommand, ["-f", path.join(repo.dir, "team-a"), "-f", path.join(repo.dir, "team-b"), "--yes"])).status).toBe(0);

    // Team A adds a mailshare while team B's is undeclared for this run: no rename note about it.
    repo.write("team-a/mailshares.yaml", `${TEAM_A}  - { name: support-new, email: support-new@acme.test }\n`);
    const a = await h.run(runPlanCommand, ["-f", repo.file("team-a/mailshares.yaml"), "--allow-delete"]);
    expect(a.status).toBe(2);
    expect(a.stdout).toMatch(/acme\.test\/templates: declared by files of another owner \(team-b\/mailshares\.yaml\), not given to this run: left alone\n/);
    expect(a.stdout).not.toContain("rename");

    // Team B renames its mailshare in its file: the old one is deleted (its owner is this run's), with the note.
    repo.write("team-b/mailshares.yaml", TEAM_B.replace("name: templates, email: templates@", "name: templates-new, email: templates-new@"));
    const b = await h.run(runApplyCommand, ["-f", repo.file("team-b/mailshares.yaml"), "--yes", "--allow-delete"]);
    expect(b.status, b.stdout + b.stderr).toBe(0);
    expect(b.stdout).toContain("- Mailshare acme.test/templates: no longer declared by its owner team-b/mailshares.yaml, created by bmshare with deletionPolicy: delete, and --allow-delete given: deleted with its mail (if a mailshare declared as new replaces it, that is a rename");
    expect(b.stdout).toContain("applied       Mailshare acme.test/templates: deleted\n");
    expect(await liveNames()).toEqual(["noreply", "support-a", "templates-new"]);
  });

  it("a file whose owner: names another team's file that is still there deletes nothing of that team's", async () => {
    const repo = repository({ "team-b/mailshares.yaml": TEAM_B });
    expect((await h.run(runApplyCommand, ["-f", repo.file("team-b/mailshares.yaml"), "--yes"])).status).toBe(0);
    repo.write("evil/e.yaml", "owner: team-b/mailshares.yaml\ndomain: acme.test\nmailshares: []\n");
    const r = await h.run(runApplyCommand, ["-f", repo.file("evil"), "--yes", "--allow-delete"]);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("acme.test/templates: its owner team-b/mailshares.yaml is the path of a file this run was not given");
    expect(await liveNames()).toContain("templates");
    // A work tree of its own inside the repository does not hide the claimed file.
    fs.mkdirSync(repo.file("evil/.git"));
    const nested = await h.run(runApplyCommand, ["-f", repo.file("evil"), "--yes", "--allow-delete"]);
    expect(nested.stdout).toContain("acme.test/templates: its owner team-b/mailshares.yaml is the path of a file this run was not given");
    expect(await liveNames()).toContain("templates");
    fs.rmSync(repo.file("evil/.git"), { recursive: true });
    // Once that file is gone (moved into evil/, say), its owner may be taken over, deletions included.
    fs.rmSync(repo.file("team-b/mailshares.yaml"));
    const taken = await h.run(runApplyCommand, ["-f", repo.file("evil"), "--yes", "--allow-delete"]);
    expect(taken.stdout).toContain("- Mailshare acme.test/templates: no longer declared by its owner team-b/mailshares.yaml");
    expect(await liveNames()).not.toContain("templates");
  });

  it("an explicit owner: key names the owner whatever the file is called, and moving a mailshare between owners is an update", async () => {
    const repo = repository({ "a.yaml": `owner: platform\n${TEAM_A}` });
    expect((await h.run(runApplyCommand, ["-f", repo.file("a.yaml"), "--yes"])).status).toBe(0);
    const settings = await h.emu.api("GET", `/api/containers/_manage/${encodeURIComponent(`mailbox:acls-${mailshareUid("acme.test", "support-a")}`)}/_settings`);
    expect(settings.json["bmshare.owner"]).toBe("platform");

    repo.write("b.yaml", `owner: messaging\n${TEAM_A}`);
    const moved = await h.run(runPlanCommand, ["-f", repo.file("b.yaml")]);
    expect(moved.status).toBe(2);
    expect(moved.stdout).toContain("        ~ owner: platform → messaging\n");
    // Deleting from the old owner's files no longer reaches it once the new owner applied.
    expect((await h.run(runApplyCommand, ["-f", repo.file("b.yaml"), "--yes"])).status).toBe(0);
    repo.write("a.yaml", "owner: platform\ndomain: acme.test\nmailshares: []\n");
    const old = await h.run(runApplyCommand, ["-f", repo.file("a.yaml"), "--yes", "--allow-delete"]);
    expect(old.status).toBe(0);
    expect(old.stdout).toContain("acme.test/support-a: declared by files of another owner (messaging), not given to this run: left alone\n");
    expect(await liveNames()).toContain("support-a");
  });
});

const SUPPORT = `domain: acme.test
mailshares:
  - name: support
    email: support@acme.test
    shares:
      - { user: alice@acme.test, level: manage }
    filters:
      - name: spam
        conditions: [{ header: X-Spam-Flag, op: is, value: "YES" }]
        actions: [{ moveTo: Junk }]
    identities:
      - { name: Support, displayName: Support, email: support@acme.test, signature: Support }
`;

/** The console's edits: a share to frank and a filter rule, each a whole-list write of its own. */
async function consoleEdits(): Promise<void> {
  const uid = mailshareUid("acme.test", "support");
  const container = encodeURIComponent(`mailbox:acls-${uid}`);
  const acl = (await h.emu.api("GET", `/api/containers/_manage/${container}/_acl`)).json;
  const frank = (await h.emu.api("GET", "/api/users/acme.test/byLogin/frank")).json.uid;
  expect((await h.emu.api("PUT", `/api/containers/_manage/${container}/_acl`, { body: [...acl, { subject: frank, verb: "Read" }] })).status).toBe(200);
  const filter = (await h.emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json;
  const rule = { ...filter.rules[0], id: null, name: "console rule", conditions: filter.rules[0].conditions };
  expect((await h.emu.api("POST", `/api/mailboxes/acme.test/${uid}/_filter`, { body: { ...filter, rules: [...filter.rules, rule] } })).status).toBe(200);
}

async function consoleEditsKept(): Promise<void> {
  const uid = mailshareUid("acme.test", "support");
  const acl = (await h.emu.api("GET", `/api/containers/_manage/${encodeURIComponent(`mailbox:acls-${uid}`)}/_acl`)).json;
  const frank = (await h.emu.api("GET", "/api/users/acme.test/byLogin/frank")).json.uid;
  expect(acl.some((e: any) => e.subject === frank)).toBe(true);
  const filter = (await h.emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json;
  expect(filter.rules.map((r: any) => r.name)).toContain("console rule");
}

describe("a change made on the server after the plan", () => {
  it("is refused and kept by apply, which writes the rest and exits 1; a new plan shows it", async () => {
    const file = repository({ "m.yaml": SUPPORT }).file("m.yaml");
    expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
    const changed = SUPPORT.replace("level: manage }", "level: manage }\n      - { user: bob@acme.test, level: read }")
      .replace("value: \"YES\" }]", "value: \"yes\" }]").replace("signature: Support }", "signature: Support desk }");
    fs.writeFileSync(file, changed);
    // The console edits happen while apply waits at its confirmation, after its plan.
    const r = await h.run(runApplyCommand, ["-f", file], { isTTY: true, prompt: async () => (await consoleEdits(), "y") });
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/REFUSED +MailshareAcl acme\.test\/support\/acl \(update\): changed on the server since the plan \(shares\[user:frank@acme\.test\]\): not written; run bmshare plan again to see the new state\n/);
    expect(r.stdout).toMatch(/REFUSED +MailshareFilters acme\.test\/support\/filters \(update\): changed on the server since the plan \(filters\[console rule\]\)/);
    expect(r.stdout).toContain("applied       MailshareIdentity acme.test/support/identity/Support: updated\n");
    expect(r.stdout).toContain("\nApply incomplete: 1 applied, 2 refused, 0 failed, 0 not attempted.\n");
    await consoleEditsKept();

    const again = await h.run(runPlanCommand, ["-f", file]);
    expect(again.status).toBe(2);
    expect(again.stdout).toMatch(/- shares\[user:frank@acme\.test\]: /);
    expect(again.stdout).toMatch(/- filters\[console rule\]/);
  });
});

describe("saved plans", () => {
  const planOut = async (file: string, out: string) => {
    const r = await h.run(runPlanCommand, ["-f", file, "--out", out]);
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe(`note: plan saved to ${out}: apply it with bmshare apply --plan ${out}\n`);
  };

  it("apply --plan applies exactly the reviewed plan, refuses per resource what changed since, and re-applying it is a no-op", async () => {
    const repo = repository({ "m.yaml": SUPPORT });
    expect((await h.run(runApplyCommand, ["-f", repo.file("m.yaml"), "--yes"])).status).toBe(0);
    repo.write("m.yaml", SUPPORT.replace("level: manage }", "level: manage }\n      - { user: bob@acme.test, level: read }")
      .replace("value: \"YES\" }]", "value: \"yes\" }]").replace("signature: Support }", "signature: Support desk }"));
    const saved = path.join(repo.dir, "plan.json");
    await planOut(repo.file("m.yaml"), saved);
    const text = fs.readFileSync(saved, "utf8");
    expect(text).not.toContain(TEST_KEY);
    // No absolute path of this machine: files are relative to the folder the plan was made in.
    expect(text).not.toMatch(/"\/tmp\//);

    // The files change after the review: the saved plan, not the files, is applied.
    repo.write("m.yaml", SUPPORT.replace("signature: Support }", "signature: Something else }"));
    await consoleEdits();
    h.clearLog();
    const r = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/REFUSED +MailshareAcl acme\.test\/support\/acl \(update\): changed on the server since the plan/);
    expect(r.stdout).toMatch(/REFUSED +MailshareFilters acme\.test\/support\/filters \(update\): changed on the server since the plan/);
    expect(r.stdout).toContain("applied       MailshareIdentity acme.test/support/identity/Support: updated\n");
    expect(h.writes().filter((w) => w.includes("_acl") || w.includes("_filter"))).toEqual([]);
    await consoleEditsKept();
    const identity = (await h.emu.api("GET", `/api/mailboxes/acme.test/identity/${mailshareUid("acme.test", "support")}`)).json;
    expect(JSON.stringify(identity)).toContain("Support desk");

    // A second apply of the same plan writes nothing: done already, or refused again.
    h.clearLog();
    const twice = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
    expect(twice.stdout).toContain("applied       MailshareIdentity acme.test/support/identity/Support: already on the server as planned\n");
    expect(h.writes()).toEqual([]);
  });

  it("applied again after the mailshare it creates was edited, keeps the edit (the parts are checked once it exists)", async () => {
    const repo = repository({ "m.yaml": SUPPORT });
    const saved = path.join(repo.dir, "plan.json");
    await planOut(repo.file("m.yaml"), saved);
    expect((await h.run(runApplyCommand, ["--plan", saved, "--yes"])).status).toBe(0);
    await consoleEdits();
    h.clearLog();
    const again = await h.run(runApplyCommand, ["--plan", saved, "--yes"]);
    expect(again.status, again.stdout).toBe(1);
    expect(again.stdout).toContain("applied       Mailshare acme.test/support: already on the server as planned\n");
    expect(again.stdout).toMatch(/REFUSED +MailshareAcl acme\.test\/support\/acl \(create\): changed on the server since the plan/);
    expect(again.stdout).toMatch(/REFUSED +MailshareFilters acme\.test\/support\/filters \(create\): changed on the server since the plan/);
    // The create is its own check: BlueMind refuses it (the mailshare exists), and nothing else is sent.
    expect(h.writes()).toEqual([`PUT /api/mailshares/acme.test/${mailshareUid("acme.test", "support")}`]);
    await consoleEditsKept();
  });

  it("refuses a plan edited after review, made for another server, or that is not a plan, before sending anything", async () => {
    const repo = repository({ "m.yaml": SUPPORT });
    const saved = path.join(repo.dir, "plan.json");
    await planOut(repo.file("m.yaml"), saved);
    const edited = path.join(repo.dir, "edited.json");
    fs.writeFileSync(edited, fs.readFileSync(saved, "utf8").replace('"level": "manage"', '"level": "read"'));
    const garbage = path.join(repo.dir, "garbage.json");
    fs.writeFileSync(garbage, "\u0000\u0001 not json");

    h.clearLog();
    const tampered = await h.run(runApplyCommand, ["--plan", edited, "--yes"]);
    expect(tampered.status).toBe(1);
    expect(tampered.stderr).toBe(`bmshare apply: ${edited}: the plan's digest does not match its content: it was edited or damaged after it was made; plan again\nnothing was changed\n`);
    const notAPlan = await h.run(runApplyCommand, ["--plan", garbage, "--yes"]);
    expect(notAPlan.stderr).toContain("not a saved plan (not JSON)");
    const elsewhere = await h.run(runApplyCommand, ["--plan", saved, "--yes"], { env: { BLUEMIND_URL: "http://127.0.0.1:1", BLUEMIND_API_KEY: TEST_KEY } });
    expect(elsewhere.status).toBe(1);
    expect(elsewhere.stderr).toContain(`the plan was made against ${h.emu.url}, not http://127.0.0.1:1`);
    const both = await h.run(runApplyCommand, ["--plan", saved, "-f", repo.file("m.yaml"), "--yes"]);
    expect(both.stderr).toContain("give --plan or -f, not both");
    expect(h.requests()).toEqual([]);
    expect(await liveNames()).toEqual(["noreply"]);
  });

  it("works as CI uses it: plan --out in one process, apply --plan in another, from the repository root", async () => {
    const repo = repository({ "mailshares/acme.yaml": SUPPORT });
    const env = { ...process.env, BLUEMIND_URL: h.emu.url, BLUEMIND_API_KEY: TEST_KEY, CI: "true" };
    const cli = (args: string[]) => new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, "bin", "bmshare.js"), ...args], { cwd: repo.dir, env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c) => (stdout += c));
      child.stderr.on("data", (c) => (stderr += c));
      child.once("exit", (code) => resolve({ code, stdout, stderr }));
    });
    const planned = await cli(["plan", "-f", "mailshares", "--out", "plan.json", "--markdown"]);
    expect(planned.code, planned.stderr).toBe(2);
    const applied = await cli(["apply", "--plan", "plan.json", "--yes"]);
    expect(applied.code, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain("Apply complete: 6 applied, 0 failed, 0 not attempted.");
    expect(await liveNames()).toEqual(["noreply", "support"]);
  }, 120_000);
});

describe("a write whose answer was lost", () => {
  it("is reported as applied when the read-back shows it landed, and a lost consolidation is not started twice", async () => {
    const file = repository({
      "m.yaml": "domain: acme.test\nmailshares:\n  - name: lossy\n    email: lossy@acme.test\n    maintenance: { consolidateIndex: \"2026-12\" }\n",
    }).file("m.yaml");
    const uid = mailshareUid("acme.test", "lossy");
    const proxy = await startLossyProxy(h.emu.url, (method, p) =>
      (method === "PUT" && p === `/api/mailshares/acme.test/${uid}`) || p.endsWith(`/${uid}/_consolidate`), 2);
    try {
      const env = { BLUEMIND_URL: proxy.url, BLUEMIND_API_KEY: TEST_KEY };
      const r = await h.run(runApplyCommand, ["-f", file, "--yes"], { env });
      expect(proxy.lost).toEqual([`PUT /api/mailshares/acme.test/${uid}`, `POST /api/mgmt/mailbox/acme.test/${uid}/_consolidate`]);
      expect(r.stdout).toContain("applied       Mailshare acme.test/lossy: created\n");
      expect(r.stdout).toContain("applied       MailshareMaintenance acme.test/lossy/maintenance/consolidateIndex: created\n");
      expect(r.stdout).toContain("the server's answer was lost, so whether it started is not known");
      expect(r.status, r.stdout + r.stderr).toBe(0);
      h.clearLog();
      const again = await h.run(runPlanCommand, ["-f", file], { env });
      expect(again.status, again.stdout).toBe(0);
      expect(h.writes()).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe("drift when the server cross-checks cannot be made", () => {
  it("classifies the mailshares concerned as unreadable and goes on with the others", async () => {
    const file = repository({
      "m.yaml": "domain: acme.test\nmailshares:\n  - { name: fine, email: fine@acme.test }\n  - name: shared\n    shares: [{ group: support-team, level: read }]\n",
    }).file("m.yaml");
    expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
    // Group lookups fail from now on (a key without directory rights would do the same).
    const proxy = await startLossyProxy(h.emu.url, (_m, p) => p.startsWith("/api/groups/"), 1000);
    try {
      const r = await h.run(runDriftCommand, ["-f", file], { env: { BLUEMIND_URL: proxy.url, BLUEMIND_API_KEY: TEST_KEY } });
      expect(r.status, r.stdout + r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^unreadable +acme\.test\/shared \(Mailshare\): could not be checked against the server: /m);
      expect(r.stdout).not.toMatch(/acme\.test\/fine/);
      expect(r.stdout).toContain("0 changed, 0 missing, 1 unmanaged, 1 unreadable");
    } finally {
      await proxy.close();
    }
  });
});
