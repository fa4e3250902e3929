// `plan --markdown` as a pull-request comment: within GitHub's 65,536 characters however many
// mailshares change, every changed mailshare named in the summary table, unchanged ones counted,
// each mailshare's details collapsed, and a note saying what was left out and where the whole plan is;
// above the table, the plan's impact, cut to the budget however many mailshares it deletes.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlanCommand } from "../../cli/plan";
import { runApplyCommand } from "../../cli/apply";
import { scaleYaml } from "../../scripts/scale-fixture";
import { startHarness, tempYaml, type Harness } from "./engine-support";
import { DEFAULT_MARKDOWN_LIMIT, planMarkdown } from "../../cli/engine/markdown";
import { planText } from "../../cli/engine/render";
import type { MailsharePlan, Plan } from "../../cli/engine/model";
import { PLAIN } from "../../cli/style";
import { accessLine } from "../../cli/engine/impact-summary";

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
    // The unmanaged list comes last, so it may be cut too: how much fits depends on the length of
    // the "Declared at" paths, which are relative to the working folder.
    expect(r.stdout).toMatch(new RegExp(`left out are the details of ${COUNT - sections} mailshares(, 1 unmanaged object)?\\.`));
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

describe("the impact summary of a plan deleting 200 mailshares", () => {
  const N = 200;
  /** 200 deletions, biggest mail first at del-000, each losing its one reader; two start forwarding outside. */
  const plan = (): Plan => ({
    files: ["mailshares/acme.test.yaml"], owners: ["mailshares/acme.test.yaml"], policies: [], violations: [],
    unmanaged: { mailshares: [], identities: [] }, unreadable: [],
    summary: { create: 0, update: 2, delete: N, unchanged: 0 },
    mailshares: [
      ...Array.from({ length: N }, (_, i): MailsharePlan => {
        const name = `del-${String(i).padStart(3, "0")}`;
        return {
          domain: "acme.test", name, uid: `uid-${i}`, declaredAt: null, adopted: false, action: "delete",
          resources: [{ kind: "Mailshare", name: `acme.test/${name}`, id: `uid-${i}`, action: "delete", reason: "no longer declared", changes: [], diffs: [], inputs: {}, live: null }],
          impact: {
            people: [{ user: `reader-${i}@acme.test`, before: "read", after: "none", via: "direct" }], groups: [], outside: [],
            loss: { usedKiB: (N - i) * 1024, quotaKiB: null, messages: (N - i) * 10, messagesNote: null, identities: 0, filters: 0, forwarding: [], ruleForwards: [] },
          },
        };
      }),
      ...["desk", "help"].map((name): MailsharePlan => ({
        domain: "acme.test", name, uid: name, declaredAt: null, adopted: false, action: "update",
        resources: [{ kind: "MailshareFilters", name: `acme.test/${name}/filters`, id: name, action: "update", reason: "forwarding", changes: [], diffs: [], inputs: {}, live: null }],
        impact: {
          people: [{ user: "boss@acme.test", before: "read", after: "manage", via: "direct" }], groups: [], loss: null,
          outside: [{ address: `${name}@gmail.com`, domain: "gmail.com", kind: "forwarding", rule: null, starts: "now" }],
        },
      })),
    ],
  });
  const ctx = { cwd: process.cwd(), style: PLAIN };
  // 200 × 201 / 2 MiB and ten messages per MiB.
  const headline = "- **Mail lost**: 200 mailshares deleted with 19.6 GiB of mail (201,000 messages)\n";

  it("stays within the comment's budget, totals first, the biggest deletions listed and the rest counted", () => {
    const md = planMarkdown(plan(), ctx, { limit: DEFAULT_MARKDOWN_LIMIT });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(DEFAULT_MARKDOWN_LIMIT);
    const impact = md.slice(md.indexOf("#### Impact\n\n"), md.indexOf("| | mailshare | action | what changes |"));
    expect(impact).toBe(`#### Impact\n\n${headline}` +
      Array.from({ length: 10 }, (_, i) => `  - \`acme.test/del-00${i}\`: ${N - i} MiB of mail (${((N - i) * 10).toLocaleString("en")} messages)\n`).join("") +
      "  - … and 190 more (in each mailshare's details, and in `plan --json`)\n" +
      "- **Mail starting to leave the organisation**: 2 outside addresses start receiving mail\n" +
      "  - `acme.test/desk` → `desk@gmail.com` (the mailbox's forwarding)\n  - `acme.test/help` → `help@gmail.com` (the mailbox's forwarding)\n" +
      "- **Access**: 200 people lose access, 1 changes level; 1 gains manage (on 202 mailshares)\n\n");
  });

  it("keeps every headline in the smallest comment, listing fewer entries", () => {
    const md = planMarkdown(plan(), ctx, { limit: 4_000 });
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(4_000);
    expect(md).toContain(headline);
    expect(md).toMatch(/\n {2}- … and 1\d\d more \(in each mailshare's details, and in `plan --json`\)\n- \*\*Mail starting to leave the organisation\*\*: /);
    expect(md).toContain("- **Access**: 200 people lose access, 1 changes level; 1 gains manage (on 202 mailshares)\n");
  });

  it("ends the text plan with the same summary, 20 entries a part", () => {
    const text = planText(plan(), ctx);
    const summary = text.slice(text.indexOf("\nImpact:\n"));
    expect(summary.split("\n").slice(0, 4)).toEqual(["", "Impact:", "  mail lost: 200 mailshares deleted with 19.6 GiB of mail (201,000 messages)", "    acme.test/del-000: 200 MiB of mail (2,000 messages)"]);
    expect(summary).toContain("    acme.test/del-019: 181 MiB of mail (1,810 messages)\n    … and 180 more\n  mail starting to leave the organisation: ");
    expect(summary.endsWith("  access: 200 people lose access, 1 changes level; 1 gains manage (on 202 mailshares)\n\nPlan: 0 to create, 2 to update, 200 to delete, 0 unchanged.\n")).toBe(true);
  });
});

describe("the access line of the impact summary", () => {
  it("counts people, saying 'people' once, and who gets more than they had", () => {
    const none = { gain: 0, lose: 0, change: 0, gainManage: 0, gainWrite: 0, mailshares: 1 };
    expect(accessLine({ ...none, gain: 12, lose: 3, gainManage: 1, mailshares: 4 })).toBe("12 people gain access, 3 lose it; 1 gains manage (on 4 mailshares)");
    expect(accessLine({ ...none, change: 2, gainWrite: 2 })).toBe("2 people change level; 2 gain write (send as) (on 1 mailshare)");
    expect(accessLine({ ...none, lose: 1, change: 1 })).toBe("1 person loses access, 1 changes level (on 1 mailshare)");
  });
});
