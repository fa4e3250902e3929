// `plan --markdown` as a pull-request comment: within GitHub's 65,536 characters however many
// mailshares change, every changed mailshare named in the summary table, unchanged ones counted,
// each mailshare's details collapsed, and a note saying what was left out and where the whole plan is.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlanCommand } from "../../cli/plan";
import { runApplyCommand } from "../../cli/apply";
import { scaleYaml } from "../../scripts/scale-fixture";
import { startHarness, tempYaml, type Harness } from "./engine-support";

const GITHUB_LIMIT = 65_536;
const COUNT = 60;

let h: Harness;
let file: string;
beforeAll(async () => {
  h = await startHarness();
  file = tempYaml(scaleYaml(COUNT));
});
afterAll(async () => {
  await h.close();
});

const names = (text: string) => [...text.matchAll(/^\| \+ \| `acme\.test\/([^`]+)` \|/gm)].map((m) => m[1]);

describe(`plan --markdown of ${COUNT} new mailshares`, () => {
  it("stays under GitHub's limit, names every changed mailshare in the table, and says what did not fit", async () => {
    const whole = await h.run(runPlanCommand, ["-f", file, "--markdown", "--markdown-limit", "0"]);
    expect(whole.status).toBe(2);
    // The whole plan would not fit: the case the budget is for.
    expect(whole.stdout.length).toBeGreaterThan(GITHUB_LIMIT);
    const declared = [...scaleYaml(COUNT).matchAll(/^ {2}- name: (\S+)$/gm)].map((m) => m[1]).sort();
    expect(declared).toHaveLength(COUNT);

    const r = await h.run(runPlanCommand, ["-f", file, "--markdown"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("");
    expect(r.stdout.length).toBeLessThan(GITHUB_LIMIT);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(60_000);
    expect(names(r.stdout).sort()).toEqual(declared);
    // Details collapsed per mailshare, as many as fit, then the note naming what is left out.
    const sections = [...r.stdout.matchAll(/^<details><summary>/gm)].length;
    expect(sections).toBeGreaterThan(0);
    expect(sections).toBeLessThan(COUNT);
    expect(r.stdout).toContain(`left out are the details of ${COUNT - sections} mailshares.`);
    expect(r.stdout).toContain("`--markdown-full FILE`");
    expect(r.stdout).toMatch(/<\/details>\n/);
    expect(h.writes()).toEqual([]);
  });

  it("writes the whole plan with --markdown-full FILE and names that file in the comment's note", async () => {
    const full = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-md-")), "plan-full.md");
    const r = await h.run(runPlanCommand, ["-f", file, "--markdown", "--markdown-full", full]);
    expect(r.status).toBe(2);
    expect(r.stdout.length).toBeLessThan(GITHUB_LIMIT);
    expect(r.stdout).toContain(`The whole plan is in \`${full}\` (kept with this pipeline's artifacts).`);
    const written = fs.readFileSync(full, "utf8");
    expect([...written.matchAll(/^<details><summary>/gm)]).toHaveLength(COUNT);
    expect(written).not.toContain("too long for one comment");
  });

  it("a small limit still names every changed mailshare it can, and counts the rest", async () => {
    const r = await h.run(runPlanCommand, ["-f", file, "--markdown", "--markdown-limit", "4000"]);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(4000);
    const listed = names(r.stdout).length;
    expect(listed).toBeGreaterThan(0);
    expect(r.stdout).toContain(`left out are ${COUNT - listed} changed mailshares not listed in the table, the details of ${COUNT} mailshares`);
  });

  it("keeps a name holding | inside its table cell (GitHub splits cells on it even in code)", async () => {
    const file = tempYaml("domain: acme.test\nmailshares:\n  - name: a|b\n");
    const r = await h.run(runPlanCommand, ["-f", file, "--markdown"]);
    expect(r.status, r.stderr).toBe(2);
    const row = r.stdout.split("\n").find((line) => line.includes("acme.test/a"))!;
    expect(row).toContain("acme.test/a\\|b");
    expect(row.split(/(?<!\\)\|/).length - 2).toBe(4); // four cells
  });

  it("refuses a limit too small to hold the summary, and the Markdown flags without --markdown", async () => {
    const small = await h.run(runPlanCommand, ["-f", file, "--markdown", "--markdown-limit", "100"]);
    expect(small.status).toBe(1);
    expect(small.stderr).toMatch(/^bmshare plan: --markdown-limit must be 0 \(no limit\) or a whole number of bytes from 4000, found "100"/);
    const alone = await h.run(runPlanCommand, ["-f", file, "--markdown-full", "x.md"]);
    expect(alone.status).toBe(1);
    expect(alone.stderr).toMatch(/--markdown-limit and --markdown-full go with --markdown/);
  });

  it("once applied, lists only what changes and counts the unchanged mailshares", async () => {
    expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
    const edited = tempYaml(fs.readFileSync(file, "utf8").replace(/^(  - name: (\S+)\n(?:    .*\n)*?    displayName: ).*$/m, "$1Renamed desk"));
    const r = await h.run(runPlanCommand, ["-f", edited, "--markdown"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^\| ~ \| `acme\.test\/[^`]+` \| update \| Mailshare \|$/m);
    expect(r.stdout).toContain(`${COUNT - 1} unchanged mailshares`);
    expect(r.stdout).toMatch(/```diff\n- displayName: .*\n\+ displayName: Renamed desk\n```/);
    expect(r.stdout).not.toContain("too long for one comment");
  });
});
