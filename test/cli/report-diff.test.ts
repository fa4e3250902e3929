// `bmshare report access --diff BEFORE.json`: who gained and lost access between an earlier report
// and now, for auditors; an earlier report that cannot be compared is refused before the server is asked.
// `--plan FILE`: who would gain and lose access if a saved plan were applied, what apply would refuse
// listed apart; a saved plan edited after it was made is refused before the server is asked.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runApplyCommand } from "../../cli/apply";
import { runReportCommand } from "../../cli/report";
import { runPlanCommand } from "../../cli/plan";
import { startHarness, tempYaml, type Harness } from "./engine-support";
import { tempDir } from "../policy/support";

let h: Harness;
const env = () => ({ BLUEMIND_URL: h.emu.url, BLUEMIND_API_KEY: "test-admin0-key", BLUEMIND_DOMAIN: "acme.test" });
const file = (shares: string) => `domain: acme.test\nmailshares:\n  - name: desk\n    email: desk@acme.test\n    shares:\n${shares}\n`;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe("report access --diff", () => {
  it("lists who gained, lost and changed access since the earlier report", async () => {
    const yaml = tempYaml(file("      - { user: frank, level: write }\n      - { user: alice, level: manage }\n      - { user: erin, level: read }"));
    expect((await h.run(runApplyCommand, ["-f", yaml, "--yes"])).status).toBe(0);
    const before = path.join(tempDir(), "before.json");
    expect((await h.run(runReportCommand, ["access", "--expand-groups", "--format", "json", "-o", before], { env: env() })).status).toBe(0);
    // alice keeps manage through managers; frank goes down to read; erin is gone; dave comes in.
    fs.writeFileSync(yaml, file("      - { user: frank, level: read }\n      - { group: managers, level: manage }\n      - { user: dave, level: write }"));
    expect((await h.run(runApplyCommand, ["-f", yaml, "--yes"])).status).toBe(0);

    h.clearLog();
    const text = await h.run(runReportCommand, ["access", "--expand-groups", "--mailshare", "desk", "--diff", before], { env: env() });
    expect(text.status).toBe(0);
    expect(text.stdout).toBe(`Access changes to the mailshares of acme.test since ${before} (${JSON.parse(fs.readFileSync(before, "utf8")).generatedAt})

Gained access:
  dave@acme.test on desk: write

Lost access:
  erin@acme.test on desk: read

Level changed:
  frank@acme.test on desk: write → read

1 gained, 1 lost, 1 changed.
`);
    const json = JSON.parse((await h.run(runReportCommand, ["access", "--expand-groups", "--mailshare", "desk", "--diff", before, "--format", "json"], { env: env() })).stdout);
    expect(json.changes).toEqual([
      { subject: "dave@acme.test", kind: "user", mailshare: "desk", change: "gained", before: "none", after: "write" },
      { subject: "erin@acme.test", kind: "user", mailshare: "desk", change: "lost", before: "read", after: "none" },
      { subject: "frank@acme.test", kind: "user", mailshare: "desk", change: "changed", before: "write", after: "read" },
    ]);
    expect(h.writes()).toEqual([]);
  });

  it("counts access to a mailshare deleted since as lost", async () => {
    const two = tempYaml(`domain: acme.test\nmailshares:\n  - name: keep\n    shares: [{ user: bob, level: read }]\n` +
      `  - name: old\n    deletionPolicy: delete\n    shares: [{ user: alice, level: manage }, { group: sales, level: write }]\n`);
    expect((await h.run(runApplyCommand, ["-f", two, "--yes"])).status).toBe(0);
    const before = path.join(tempDir(), "before.json");
    expect((await h.run(runReportCommand, ["access", "--expand-groups", "--format", "json", "-o", before], { env: env() })).status).toBe(0);
    fs.writeFileSync(two, `domain: acme.test\nmailshares:\n  - name: keep\n    shares: [{ user: bob, level: read }]\n`);
    expect((await h.run(runApplyCommand, ["-f", two, "--yes", "--allow-delete"])).status).toBe(0);
    const json = JSON.parse((await h.run(runReportCommand, ["access", "--expand-groups", "--diff", before, "--format", "json"], { env: env() })).stdout);
    const lostOnOld = json.changes.filter((c: { mailshare: string }) => c.mailshare === "old");
    expect(lostOnOld.length).toBeGreaterThanOrEqual(2);
    expect(lostOnOld.every((c: { change: string; after: string }) => c.change === "lost" && c.after === "none")).toBe(true);
    expect(lostOnOld).toContainEqual({ subject: "alice@acme.test", kind: "user", mailshare: "old", change: "lost", before: "manage", after: "none" });
  });

  it("refuses an earlier report made another way, before asking the server anything", async () => {
    const dir = tempDir();
    const notJson = path.join(dir, "x.json");
    fs.writeFileSync(notJson, "{");
    h.clearLog();
    const r = await h.run(runReportCommand, ["access", "--diff", notJson], { env: env() });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`bmshare report: ${notJson}: not JSON: give the output of bmshare report access --format json\n`);
    expect(h.requests()).toEqual([]);
    const grouped = path.join(dir, "g.json");
    expect((await h.run(runReportCommand, ["access", "--format", "json", "-o", grouped], { env: env() })).status).toBe(0);
    const mixed = await h.run(runReportCommand, ["access", "--expand-groups", "--diff", grouped], { env: env() });
    expect(mixed.stderr).toBe(`bmshare report: ${grouped} was made without --expand-groups: compare it with a report made the same way\n`);
  });
});

describe("report access --plan", () => {
  const desk = (shares: string) => `  - name: desk\n    email: desk@acme.test\n    shares:\n${shares}\n`;
  const old = "  - name: old\n    deletionPolicy: delete\n    shares: [{ user: alice, level: manage }, { user: erin, level: read }]\n";
  const files = (...mailshares: string[]) => `domain: acme.test\nmailshares:\n${mailshares.join("")}`;
  /** The server as it was, then a plan saved against it (without BLUEMIND_DOMAIN: the plan's domain is the default). */
  async function savedPlan(): Promise<{ yaml: string; saved: string }> {
    const yaml = tempYaml(files(desk("      - { user: frank, level: write }\n      - { user: alice, level: manage }\n      - { user: erin, level: read }"), old));
    expect((await h.run(runApplyCommand, ["-f", yaml, "--yes"])).status).toBe(0);
    fs.writeFileSync(yaml, files(desk("      - { user: frank, level: read }\n      - { group: managers, level: manage }\n      - { user: dave, level: write }"),
      "  - name: fresh\n    shares: [{ user: carol, level: read }]\n"));
    const saved = path.join(tempDir(), "plan.json");
    const plan = await h.run(runPlanCommand, ["-f", yaml, "--allow-delete", "--out", saved]);
    expect(plan.status, plan.stderr).toBe(2);
    return { yaml, saved };
  }
  const noDomain = () => ({ BLUEMIND_URL: h.emu.url, BLUEMIND_API_KEY: "test-admin0-key" });

  it("lists who would gain and lose access once the plan is applied: new sharing lists, new and deleted mailshares, groups expanded", async () => {
    const { saved } = await savedPlan();
    h.clearLog();
    const text = await h.run(runReportCommand, ["access", "--expand-groups", "--plan", saved], { env: noDomain() });
    expect(text.stderr).toBe("");
    expect(text.status).toBe(0);
    const header = text.stdout.split("\n")[0];
    expect(header).toMatch(new RegExp(`^Access changes to the mailshares of acme\\.test if ${saved.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} is applied \\(the server as read at \\d{4}-`));
    // alice keeps manage on desk through managers; old goes with everyone's access to it; fresh is new.
    expect(text.stdout.slice(header.length)).toBe(`

Gained access:
  carol@acme.test on fresh: read
  dave@acme.test on desk: write

Lost access:
  alice@acme.test on old: manage
  erin@acme.test on desk: read
  erin@acme.test on old: read

Level changed:
  frank@acme.test on desk: write → read

2 gained, 3 lost, 1 changed.
`);
    const json = JSON.parse((await h.run(runReportCommand, ["access", "--expand-groups", "--plan", saved, "--format", "json", "--mailshare", "fresh"], { env: noDomain() })).stdout);
    expect(json.changes).toEqual([{ subject: "carol@acme.test", kind: "user", mailshare: "fresh", change: "gained", before: "none", after: "read" }]);
    expect(json.after.plan).toBe(saved);
    expect(json.refused).toEqual([]);
    // Reads only: the plan is not applied.
    expect(h.writes()).toEqual([]);
  });

  it("does not count what apply would refuse, because the server changed since the plan, and names it", async () => {
    const { saved } = await savedPlan();
    // Someone shares desk with bob after the plan was reviewed, from other files (so old's owner changes too).
    const byHand = tempYaml(files(desk("      - { user: frank, level: write }\n      - { user: alice, level: manage }\n      - { user: erin, level: read }\n      - { user: bob, level: read }"), old));
    expect((await h.run(runApplyCommand, ["-f", byHand, "--yes"])).status).toBe(0);
    const json = JSON.parse((await h.run(runReportCommand, ["access", "--plan", saved, "--format", "json"], { env: noDomain() })).stdout);
    // Only the new mailshare counts: desk's sharing list and old's deletion would be refused.
    expect(json.changes).toEqual([{ subject: "carol@acme.test", kind: "user", mailshare: "fresh", change: "gained", before: "none", after: "read" }]);
    expect(json.refused).toEqual([
      { mailshare: "desk", resource: "acme.test/desk/acl", detail: expect.stringMatching(/^changed on the server since the plan \(shares\[user:bob@acme\.test\]\)/) },
      { mailshare: "old", resource: "acme.test/old", detail: expect.stringMatching(/^changed on the server since the plan \(owner\)/) },
    ]);
    const text = (await h.run(runReportCommand, ["access", "--plan", saved], { env: noDomain() })).stdout;
    expect(text).toContain("\nNot counted: apply would refuse these changes of the plan (changed on the server since it was made):\n  acme.test/desk/acl: changed on the server since the plan (shares");
  });

  it("refuses a plan edited after it was made, and --diff with --plan, before asking the server anything", async () => {
    const { saved } = await savedPlan();
    fs.writeFileSync(saved, fs.readFileSync(saved, "utf8").replace('"level": "read"', '"level": "manage"'));
    h.clearLog();
    const edited = await h.run(runReportCommand, ["access", "--plan", saved], { env: noDomain() });
    expect(edited.status).toBe(1);
    expect(edited.stderr).toBe(`bmshare report: ${saved}: the plan's digest does not match its content: it was edited or damaged after it was made; plan again\n`);
    const both = await h.run(runReportCommand, ["access", "--plan", saved, "--diff", saved], { env: noDomain() });
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/give --diff BEFORE\.json or --plan PLAN, not both/);
    expect(h.requests()).toEqual([]);
  });
});
