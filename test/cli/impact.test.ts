// A plan's impact in people and data: each share change as its effect on people with groups
// expanded, what a deletion takes with it (mail from BlueMind's quota usage, its message count from
// the search index, identities, filter rules, the mailbox's forwarding apart from the rules that
// forward), and mail that starts leaving the organisation — in text, Markdown and JSON, summed up
// over the plan at the end of the text plan and above the Markdown plan's table.
import * as fs from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validatePlanJson as validatePlan } from "../support/plan-schema";
import { runPlanCommand } from "../../cli/plan";
import { runApplyCommand } from "../../cli/apply";
import { mailshareUid } from "../../providers/ids";
import { table } from "../../emulator/table";
import { BlueMindClient } from "../../bluemind";
import { TEST_KEY } from "../support/emulator";
import { startHarness, tempYaml, type Harness } from "./engine-support";


let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.clearLog());

const help = (shares: string, extra = "") => `domain: acme.test
mailshares:
  - name: help
    email: help@acme.test
    shares:
${shares}
${extra}`;

describe("share changes, groups expanded", () => {
  it("says who goes from one level to another and how many members of each group", async () => {
    const file = tempYaml(help("      - { user: frank, level: write }\n      - { user: alice, level: manage }\n      - { group: staff, level: read }"));
    expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
    h.clearLog();
    fs.writeFileSync(file, help("      - { user: frank, level: read }\n      - { user: alice, level: manage }\n      - { group: support-team, level: read }"));

    const text = await h.run(runPlanCommand, ["-f", file]);
    expect(text.status).toBe(2);
    const impact = text.stdout.slice(text.stdout.indexOf("    impact:\n"));
    // bob and carol read through support-team what they read through staff: their access is unchanged.
    expect(impact.split("\n").slice(0, 7)).toEqual([
      "    impact:",
      "        6 members of staff lose read",
      "        3 members of support-team gain read",
      "        dave@acme.test: read → none (via group staff)",
      "        erin@acme.test: read → none (via group staff)",
      "        frank@acme.test: write → read (direct)",
      "",
    ]);

    const json = JSON.parse((await h.run(runPlanCommand, ["-f", file, "--json"])).stdout);
    expect(validatePlan(json), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(json.mailshares[0].impact.groups).toEqual([
      { group: "staff", members: 6, before: "read", after: "none" },
      { group: "support-team", members: 3, before: "none", after: "read" },
    ]);
    expect(json.mailshares[0].impact.people).toContainEqual({ user: "frank@acme.test", before: "write", after: "read", via: "direct" });

    const markdown = (await h.run(runPlanCommand, ["-f", file, "--markdown"])).stdout;
    expect(markdown).toContain("**Impact**\n\n- 6 members of staff lose read\n- 3 members of support-team gain read\n");
    expect(markdown).toContain("- frank@acme.test: write → read (direct)\n");
    // Above the table, in people: what a reviewer reads first.
    const summary = "#### Impact\n\n- **Access**: 2 people lose access, 1 changes level (on 1 mailshare)\n\n";
    expect(markdown).toContain(summary);
    expect(markdown.indexOf(summary)).toBeLessThan(markdown.indexOf("| | mailshare | action | what changes |"));
    expect(text.stdout).toContain("\nImpact:\n  access: 2 people lose access, 1 changes level (on 1 mailshare)\n\nPlan: ");
    expect(h.writes()).toEqual([]);
  });
});

describe("mail that starts leaving the organisation", () => {
  it("names each outside address, its domain and how mail gets there, new first, and what already went out", async () => {
    const shares = "      - { user: alice, level: manage }";
    const file = tempYaml(help(shares, "    forwarding: { to: [partner@crm.example.com] }\n"));
    expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
    fs.writeFileSync(file, help(shares, "    forwarding: { to: [partner@crm.example.com, boss@gmail.com] }\n" +
      "    autoReply: { subject: Away, message: Back soon }\n" +
      "    filters:\n      - { name: invoices, actions: [{ forwardTo: [ap@ledger.example.net], keepCopy: false }] }\n" +
      "      - { name: copies, actions: [{ forwardTo: [records@acme.test, audit@acme-corp.test] }] }\n"));
    const r = await h.run(runPlanCommand, ["-f", file]);
    const impact = r.stdout.slice(r.stdout.indexOf("    impact:\n")).split("\n").slice(0, 5);
    expect(impact).toEqual([
      "    impact:",
      "        the auto-reply starts answering every sender, outside the organisation too",
      "        starts sending mail outside the organisation to boss@gmail.com (the mailbox's forwarding)",
      "        starts sending mail outside the organisation to ap@ledger.example.net (filter rule \"invoices\", redirect: no copy kept)",
      "        still sends mail outside the organisation to partner@crm.example.com (the mailbox's forwarding), as before",
    ]);
    // The summary names only what starts with this plan.
    expect(r.stdout).toContain("\nImpact:\n  mail starting to leave the organisation: 2 outside addresses start receiving mail; 1 auto-reply starts answering outside senders\n" +
      "    acme.test/help: the auto-reply answers every sender\n" +
      "    acme.test/help → boss@gmail.com (the mailbox's forwarding)\n" +
      "    acme.test/help → ap@ledger.example.net (filter rule \"invoices\", redirect: no copy kept)\n\nPlan: ");

    const json = JSON.parse((await h.run(runPlanCommand, ["-f", file, "--json"])).stdout);
    expect(validatePlan(json), JSON.stringify(validatePlan.errors)).toBe(true);
    expect(json.mailshares[0].impact.outside).toEqual([
      { address: null, domain: null, kind: "auto-reply", rule: null, starts: "now" },
      { address: "boss@gmail.com", domain: "gmail.com", kind: "forwarding", rule: null, starts: "now" },
      { address: "ap@ledger.example.net", domain: "ledger.example.net", kind: "rule-redirect", rule: "invoices", starts: "now" },
      { address: "partner@crm.example.com", domain: "crm.example.com", kind: "forwarding", rule: null, starts: "before" },
    ]);

    const markdown = (await h.run(runPlanCommand, ["-f", file, "--markdown"])).stdout;
    expect(markdown).toContain("- **Mail starting to leave the organisation**: 2 outside addresses start receiving mail; 1 auto-reply starts answering outside senders\n" +
      "  - `acme.test/help`: the auto-reply answers every sender\n" +
      "  - `acme.test/help` → `boss@gmail.com` (the mailbox's forwarding)\n" +
      "  - `acme.test/help` → `ap@ledger.example.net` (filter rule \"invoices\", redirect: no copy kept)\n");
  });
});

const archive = `domain: acme.test
mailshares:
  - name: archive
    email: archive@acme.test
    quota: 5 GiB
    deletionPolicy: delete
    shares: [{ group: managers, level: manage }]
    forwarding: { to: [records@acme.test] }
    filters:
      - { name: read, actions: [{ markAsRead: true }] }
      - { name: ledger, actions: [{ forwardTo: [books@ledger.example.net] }] }
    identities:
      - { name: Archive, email: archive@acme.test }
`;

/** Creates the archive mailshare holding `kib` of mail in `messages` messages, then drops it from the file. */
async function archiveToDelete(kib: number, messages: number | null, yaml = archive): Promise<string> {
  const file = tempYaml(yaml);
  expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
  // The emulator stores no messages: what the mailbox holds is set as its quota usage and index count.
  const uid = mailshareUid("acme.test", "archive");
  (h.emu.emulator.store.state.mailUsage ??= table<number>())[uid] = kib;
  const counts = (h.emu.emulator.store.state.mailMessages ??= table<number>());
  if (messages === null) delete counts[uid];
  else counts[uid] = messages;
  fs.writeFileSync(file, "domain: acme.test\nmailshares: []\n");
  h.clearLog();
  return file;
}

describe("what a deletion takes with it", () => {
  it("shows the mail it holds and its message count, its identities, filter rules, and its forwarding apart from the rules that forward", async () => {
    const file = await archiveToDelete(2_097_152, 18_230);
    const r = await h.run(runPlanCommand, ["-f", file, "--allow-delete"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("    impact:\n        1 member of managers loses manage\n        alice@acme.test: manage → none (via group managers)\n" +
      "        deleting it loses 2 GiB of mail (18,230 messages) of a 5 GiB quota, 1 identity, 2 filter rules, " +
      "the mailbox's forwarding to records@acme.test, filter rule \"ledger\" forwarding to books@ledger.example.net\n");
    expect(r.stdout).toContain("\nImpact:\n  mail lost: 1 mailshare deleted with 2 GiB of mail (18,230 messages)\n" +
      "    acme.test/archive: 2 GiB of mail (18,230 messages)\n  access: 1 person loses access (on 1 mailshare)\n\nPlan: ");
    // One request more than the quota for the count: the mailshare's search, whatever its folders.
    expect(h.requests().filter((q) => q.includes("/api/mail_folders_container/"))).toEqual([
      `POST /api/mail_folders_container/subtree_acme_test!${mailshareUid("acme.test", "archive")}/_search`,
    ]);

    const json = JSON.parse((await h.run(runPlanCommand, ["-f", file, "--allow-delete", "--json"])).stdout);
    expect(validatePlan(json), JSON.stringify(validatePlan.errors)).toBe(true);
    const deleted = json.mailshares.find((m: { name: string }) => m.name === "archive");
    expect(deleted.impact.loss).toEqual({
      usedKiB: 2_097_152, quotaKiB: 5_242_880, messages: 18_230, messagesNote: null, identities: 1, filters: 2,
      forwarding: ["records@acme.test"], ruleForwards: [{ rule: "ledger", to: ["books@ledger.example.net"], keepCopy: true }],
    });

    const markdown = (await h.run(runPlanCommand, ["-f", file, "--allow-delete", "--markdown"])).stdout;
    expect(markdown).toContain("#### Impact\n\n- **Mail lost**: 1 mailshare deleted with 2 GiB of mail (18,230 messages)\n" +
      "  - `acme.test/archive`: 2 GiB of mail (18,230 messages)\n- **Access**: 1 person loses access (on 1 mailshare)\n");
    expect(h.writes()).toEqual([]);
  });

  it("says why there is no message count rather than showing 0: an index that counts none of a mailbox's mail, a key that may not read it", async () => {
    // Shared with bob only: alice, a domain administrator, holds no share that reads it.
    const file = await archiveToDelete(4_096, null, archive.replace("{ group: managers, level: manage }", "{ user: bob, level: read }"));
    const json = JSON.parse((await h.run(runPlanCommand, ["-f", file, "--allow-delete", "--json"])).stdout);
    const loss = json.mailshares.find((m: { name: string }) => m.name === "archive").impact.loss;
    expect(loss).toMatchObject({ usedKiB: 4_096, messages: null, messagesNote: expect.stringMatching(/^the search index counts none although the mailbox holds mail/) });

    // A domain administrator's session: its roles manage the mailshare but do not read its mail.
    const admin = new BlueMindClient({ url: h.emu.url, apiKey: TEST_KEY });
    const alice = (await admin.auth.su("alice@acme.test")).authKey!;
    const asAlice = await h.run(runPlanCommand, ["-f", file, "--allow-delete"], { env: { BLUEMIND_URL: h.emu.url, BLUEMIND_API_KEY: alice } });
    expect(asAlice.status, asAlice.stderr).toBe(2);
    expect(asAlice.stdout).toContain("        deleting it loses 4 MiB of mail of a 5 GiB quota, 1 identity, 2 filter rules, ");
    expect(asAlice.stdout).toContain("        message count not shown: this API key may not read the mailshare's mail (BlueMind asks for Read on it, which a domain administrator's roles do not give)\n");
    expect(asAlice.stdout).toContain("  mail lost: 1 mailshare deleted with 4 MiB of mail\n    acme.test/archive: 4 MiB of mail\n");
    expect(JSON.parse((await h.run(runPlanCommand, ["-f", file, "--allow-delete", "--json"], { env: { BLUEMIND_URL: h.emu.url, BLUEMIND_API_KEY: alice } })).stdout)
      .mailshares.find((m: { name: string }) => m.name === "archive").impact.loss.messagesNote).toMatch(/^this API key may not read the mailshare's mail/);
    await admin.close();
  });
});
