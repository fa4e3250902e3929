// `bmshare report access`: the user × mailshare matrix from the live ACLs, as text, Markdown, JSON and
// a self-contained, printable HTML page whose cells must match the sharing lists.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import { runReportCommand } from "../../cli/report";
import { renderHtml, COLUMNS_PER_TABLE } from "../../cli/report/html";
import { LEVEL_MEANINGS, type AccessReport } from "../../cli/report/access";
import { useSettings } from "../../providers/runtime";
import { PROVIDERS } from "../../providers/registry";
import { declareMailshare } from "../../providers/declarations";
import { mailshareUid } from "../../providers/ids";
import { loadDesiredState } from "../../desired/load";
import { stableUid } from "../../emulator/seed";

const ROOT = path.resolve(__dirname, "..", "..");
const NOW = new Date(Date.UTC(2026, 10, 28, 14, 5, 0));
let emu: TestEmulator;
let tmp: string;

beforeAll(async () => {
  emu = await startTestEmulator();
  useSettings({ url: emu.url, apiKey: TEST_KEY, domain: "acme.test" }, "flags");
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-report-"));
  // The mailshares and sharing lists of the examples, through the providers.
  const loaded = await loadDesiredState([path.join(ROOT, "examples", "mailshares.yaml")]);
  expect(loaded.errors).toEqual([]);
  for (const m of loaded.mailshares) {
    for (const d of declareMailshare(m).filter((d) => d.kind === "Mailshare" || d.kind === "MailshareAcl")) {
      const checked = await PROVIDERS[d.kind].check!({}, d.inputs);
      expect(checked.failures ?? []).toEqual([]);
      await PROVIDERS[d.kind].create(checked.inputs);
    }
  }
}, 60_000);
afterAll(async () => {
  await emu?.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function report(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runReportCommand(argv, {
    env: { BLUEMIND_URL: emu.url, BLUEMIND_API_KEY: TEST_KEY, BLUEMIND_MAX_RPS: "0", BLUEMIND_DOMAIN: "acme.test" },
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    now: () => NOW,
  });
  return { code, stdout, stderr };
}

// ---------------------------------------------------------------------------------------------
// A small HTML reader: a tag walk that also checks every element is closed in order.

interface Element {
  tag: string;
  attrs: Record<string, string>;
  children: (Element | string)[];
  parent: Element | null;
}

const VOID = new Set(["meta", "br", "hr", "img", "link", "input", "col", "wbr"]);
const unescape = (t: string) => t.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"").replace(/&#39;/g, "'").replace(/&amp;/g, "&");

function parseHtml(html: string): Element {
  const root: Element = { tag: "#root", attrs: {}, children: [], parent: null };
  let current = root;
  const token = /<!--[\s\S]*?-->|<!DOCTYPE[^>]*>|<\/([a-z0-9]+)\s*>|<([a-z0-9]+)((?:\s+[a-z-]+(?:="[^"]*")?)*)\s*>|([^<]+)/gi;
  let consumed = 0;
  for (const m of html.matchAll(token)) {
    expect(m.index, `unparsable HTML at ${html.slice(consumed, consumed + 40)}`).toBe(consumed);
    consumed += m[0].length;
    if (m[1]) {
      expect(current.tag, `</${m[1]}> closes <${current.tag}>`).toBe(m[1].toLowerCase());
      current = current.parent!;
    } else if (m[2]) {
      const attrs = Object.fromEntries([...(m[3] ?? "").matchAll(/([a-z-]+)(?:="([^"]*)")?/gi)].map((a) => [a[1], unescape(a[2] ?? "")]));
      const element: Element = { tag: m[2].toLowerCase(), attrs, children: [], parent: current };
      current.children.push(element);
      if (!VOID.has(element.tag)) current = element;
    } else if (m[4]) {
      current.children.push(unescape(m[4]));
    }
  }
  expect(consumed).toBe(html.length);
  expect(current.tag, "every element is closed").toBe("#root");
  return root;
}

function all(root: Element, test: (e: Element) => boolean): Element[] {
  const found: Element[] = [];
  const walk = (e: Element) => {
    if (test(e)) found.push(e);
    for (const c of e.children) if (typeof c !== "string") walk(c);
  };
  walk(root);
  return found;
}

const textOf = (e: Element): string => e.children.map((c) => (typeof c === "string" ? c : textOf(c))).join("");

/** subject → mailshare → level, from the tables of the page. */
function matrixOf(root: Element): Record<string, Record<string, string>> {
  const matrix: Record<string, Record<string, string>> = {};
  for (const table of all(root, (e) => e.tag === "table")) {
    const columns = all(table, (e) => e.tag === "th" && e.attrs.scope === "col" && "data-mailshare" in e.attrs).map((e) => e.attrs["data-mailshare"]);
    for (const row of all(table, (e) => e.tag === "tr" && "data-subject" in e.attrs)) {
      const cells = all(row, (e) => e.tag === "td");
      expect(cells.map((c) => c.attrs["data-mailshare"])).toEqual(columns);
      for (const c of cells) {
        if (c.attrs["data-level"] === "") continue;
        (matrix[row.attrs["data-subject"]] ??= {})[c.attrs["data-mailshare"]] = c.attrs["data-level"];
        expect(textOf(c).startsWith(c.attrs["data-level"])).toBe(true);
      }
    }
  }
  return matrix;
}

// What examples/mailshares.yaml shares (users named by address, as the report names them).
const DECLARED: Record<string, Record<string, string>> = {
  "alice@acme.test": { "paris-office": "manage", reception: "manage", support: "manage" },
  "bob@acme.test": { "paris-office": "write" },
  "dave@acme.test": { "sales-desk": "manage" },
  "erin@acme.test": { support: "read" },
  "frank@acme.test": { support: "write" },
  managers: { "sales-desk": "read", support: "read", templates: "manage" },
  sales: { "sales-desk": "write" },
  staff: { reception: "read", templates: "read" },
  "support-team": { support: "write", templates: "write" },
};

describe("report access", () => {
  it("prints the matrix as text, users then groups, with the levels' meaning", async () => {
    const { code, stdout, stderr } = await report(["access"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe([
      "Access to the mailshares of acme.test",
      `server ${emu.url}; 6 mailshares; groups shown as groups (--expand-groups lists their members)`,
      "",
      "                      noreply  paris-office  reception  sales-desk  support  templates",
      "alice@acme.test       -        manage        manage     -           manage   -",
      "bob@acme.test         -        write         -          -           -        -",
      "dave@acme.test        -        -             -          manage      -        -",
      "erin@acme.test        -        -             -          -           read     -",
      "frank@acme.test       -        -             -          -           write    -",
      "managers (group)      -        -             -          read        read     manage",
      "sales (group)         -        -             -          write       -        -",
      "staff (group)         -        -             read       -           -        read",
      "support-team (group)  -        -             -          -           write    write",
      "",
      "levels:",
      "  read    read the mail",
      "  write   also file, flag and delete messages, and send as the mailshare",
      "  manage  everything, including changing the sharing (the console's \"admin\")",
      "  custom  BlueMind rights the levels cannot express, named by their verbs (set outside bmshare)",
      "",
    ].join("\n"));
  });

  it("expands groups into their members, saying where each right comes from (the highest wins)", async () => {
    const { stdout } = await report(["access", "--expand-groups", "--mailshare", "support", "--mailshare", "templates"]);
    expect(stdout).toContain([
      "                 support                 templates",
      "alice@acme.test  manage                  manage via managers",
      "bob@acme.test    write via support-team  write via support-team",
      "carol@acme.test  write via support-team  write via support-team",
      "dave@acme.test   -                       read via staff",
      "erin@acme.test   read                    read via staff",
      "frank@acme.test  write                   write via support-team",
    ].join("\n"));
  });

  it("gives JSON with a versioned shape and every grant of a cell", async () => {
    const { stdout } = await report(["access", "--format", "json", "--expand-groups"]);
    const r = JSON.parse(stdout) as AccessReport;
    expect(r).toMatchObject({ version: 1, generatedAt: "2026-11-28T14:05:00.000Z", server: emu.url, domain: "acme.test", groupsExpanded: true });
    expect(r.levels).toEqual(LEVEL_MEANINGS);
    expect(r.mailshares.map((m) => m.name)).toEqual(["noreply", "paris-office", "reception", "sales-desk", "support", "templates"]);
    expect(r.mailshares.find((m) => m.name === "support")).toEqual({
      name: "support", uid: mailshareUid("acme.test", "support"), email: "support@acme.test", displayName: "Support desk",
    });
    const alice = r.subjects.find((s) => s.name === "alice@acme.test")!;
    expect(alice).toMatchObject({ kind: "user", displayName: "Alice Martin", uid: stableUid("acme.test", "users", "alice") });
    expect(alice.access.templates).toEqual({
      level: "manage", grants: [{ level: "manage", via: { group: "managers" } }, { level: "read", via: { group: "staff" } }],
    });
    expect(alice.access.support).toEqual({ level: "manage", grants: [{ level: "manage", via: "direct" }, { level: "read", via: { group: "managers" } }] });
    expect(r.subjects.every((s) => s.kind === "user")).toBe(true);
    expect(stdout).not.toContain(TEST_KEY);
  });

  it("gives Markdown ready to paste", async () => {
    const { stdout } = await report(["access", "--format", "markdown", "--mailshare", "sales-desk"]);
    expect(stdout).toBe([
      "## Access to the mailshares of acme.test",
      "",
      `server \`${emu.url}\`; 1 mailshare; groups shown as groups (--expand-groups lists their members)`,
      "",
      "| user or group | sales-desk |",
      "|---|---|",
      "| dave@acme.test — Dave Miller | manage |",
      "| managers (group) | read |",
      "| sales (group) | write |",
      "",
      "Levels:",
      "",
      "- **read**: read the mail",
      "- **write**: also file, flag and delete messages, and send as the mailshare",
      "- **manage**: everything, including changing the sharing (the console's \"admin\")",
      "- **custom**: BlueMind rights the levels cannot express, named by their verbs (set outside bmshare)",
      "",
    ].join("\n"));
  });

  it("writes one self-contained, printable HTML page whose cells match the sharing lists", async () => {
    const file = path.join(tmp, "access.html");
    const { code, stderr } = await report(["access", "-o", file]);
    expect(code).toBe(0);
    expect(stderr).toBe(`access report of 6 mailshares of acme.test (html) written to ${file}\n`);
    const html = fs.readFileSync(file, "utf8");
    const page = parseHtml(html);

    expect(matrixOf(page)).toEqual(DECLARED);
    // Self-contained: no script, no external stylesheet, font, image or link.
    expect(all(page, (e) => ["script", "link", "img", "iframe", "object"].includes(e.tag))).toEqual([]);
    expect(all(page, (e) => "src" in e.attrs || "href" in e.attrs)).toEqual([]);
    const css = all(page, (e) => e.tag === "style").map(textOf).join("\n");
    expect(css).not.toMatch(/@import|url\(/);
    // Printing on A4: page size, the header repeated on each page, rows kept whole.
    expect(css).toContain("@page { size: A4 landscape;");
    expect(css).toMatch(/@media print \{[\s\S]*\.matrix thead \{ display: table-header-group; \}[\s\S]*\.matrix tr \{ break-inside: avoid;/);
    // Generation time and server, never the key.
    const meta = textOf(all(page, (e) => e.tag === "p" && e.attrs.class === "meta")[0]);
    expect(meta).toContain(`Server ${emu.url} · generated 2026-11-28 14:05 UTC · 6 mailshares, 9 users and groups with access`);
    expect(all(page, (e) => e.tag === "time")[0].attrs.datetime).toBe("2026-11-28T14:05:00.000Z");
    expect(html).not.toContain(TEST_KEY);
    // A legend of the levels.
    expect(all(page, (e) => e.tag === "dt").map(textOf)).toEqual(["read", "write", "manage", "custom"]);
    // The column headers say which mailshare; the row headers who.
    const support = all(page, (e) => e.tag === "th" && e.attrs["data-mailshare"] === "support")[0];
    expect(textOf(support)).toBe("supportSupport desksupport@acme.test");
    const teamRow = all(page, (e) => e.tag === "tr" && e.attrs["data-subject"] === "support-team")[0];
    expect(teamRow.attrs["data-kind"]).toBe("group");
  });

  it("shows in HTML where an expanded right comes from", async () => {
    const { stdout } = await report(["access", "--format", "html", "--expand-groups", "--mailshare", "templates"]);
    const page = parseHtml(stdout);
    const cell = all(page, (e) => e.tag === "tr" && e.attrs["data-subject"] === "alice@acme.test")[0].children
      .find((c) => typeof c !== "string" && c.tag === "td") as Element;
    expect(cell.attrs).toMatchObject({ class: "manage", "data-level": "manage", title: "manage: via group managers; read: via group staff" });
    expect(textOf(cell)).toBe("managevia managers");
    expect(all(page, (e) => e.tag === "style").map(textOf).join("")).toContain("@page { size: A4;");
  });

  it("cuts a wide matrix into parts of a few mailshares, each on its own printed page", () => {
    const mailshares = Array.from({ length: COLUMNS_PER_TABLE + 2 }, (_, i) => ({ name: `box-${String(i + 1).padStart(2, "0")}`, uid: `u${i}`, email: null, displayName: `box-${i + 1}` }));
    const synthetic: AccessReport = {
      version: 1, generatedAt: NOW.toISOString(), server: "https://mail.example.com", domain: "example.com", groupsExpanded: false,
      levels: LEVEL_MEANINGS, mailshares,
      subjects: [
        { kind: "user", name: "ann@example.com", displayName: null, uid: "a", access: { "box-01": { level: "read", grants: [{ level: "read", via: "direct" }] } } },
        { kind: "group", name: "ops <&>", displayName: null, uid: "g", access: { "box-10": { level: "custom(Manage)", grants: [{ level: "custom(Manage)", via: "direct" }] } } },
      ],
    };
    const page = parseHtml(renderHtml(synthetic));
    const parts = all(page, (e) => e.tag === "section" && e.attrs.class === "part");
    expect(parts.map((p) => textOf(all(p, (e) => e.tag === "h2")[0]))).toEqual(["Mailshares 1–8 of 10", "Mailshares 9–10 of 10"]);
    // Each part lists only who has access to its mailshares.
    expect(parts.map((p) => all(p, (e) => e.tag === "tr" && "data-subject" in e.attrs).map((r) => r.attrs["data-subject"]))).toEqual([["ann@example.com"], ["ops <&>"]]);
    expect(matrixOf(page)).toEqual({ "ann@example.com": { "box-01": "read" }, "ops <&>": { "box-10": "custom(Manage)" } });
    expect(all(page, (e) => e.tag === "td" && e.attrs["data-level"] === "custom(Manage)")[0].attrs.class).toBe("custom");
  });

  it("shows rights the levels cannot express as custom levels, as the ACL provider reads them", async () => {
    const bob = stableUid("acme.test", "users", "bob");
    const alice = stableUid("acme.test", "users", "alice");
    const container = `mailbox:acls-${mailshareUid("acme.test", "paris-office")}`;
    // Bob keeps Write but no longer SendAs (BlueMind keeps exactly what is sent for a subject that had Write).
    const put = await emu.api("PUT", `/api/containers/_manage/${container}/_acl`, { body: [{ subject: alice, verb: "All" }, { subject: bob, verb: "Write" }] });
    expect(put.status).toBe(200);
    const { stdout } = await report(["access", "--mailshare", "paris-office"]);
    expect(stdout).toContain("alice@acme.test  manage\nbob@acme.test    custom(Write)\n");
  });

  it("refuses bad usage with one clear line", async () => {
    expect(await report(["access", "--format", "pdf"])).toMatchObject({ code: 1, stderr: "bmshare report: unknown format \"pdf\" (expected one of text, markdown, json, html)\nrun bmshare report --help for the options\n" });
    expect(await report(["accesss"])).toMatchObject({ code: 1, stderr: "bmshare report: unknown report \"accesss\" (the report is: access)\nrun bmshare report --help for the options\n" });
    expect((await report(["access", "--mailshare", "nope"])).stderr).toMatch(/^bmshare report: no mailshare named nope in acme\.test/);
  });

  it("runs as a command (child process)", async () => {
    const file = path.join(tmp, "cli", "access.md");
    const run = promisify(execFile);
    const { stderr } = await run(process.execPath, [path.join(ROOT, "bin", "bmshare.js"), "report", "access", "--expand-groups", "-o", file], {
      cwd: ROOT, env: { ...process.env, BLUEMIND_URL: emu.url, BLUEMIND_API_KEY: TEST_KEY, BLUEMIND_DOMAIN: "acme.test" },
    });
    expect(stderr).toBe(`access report of 6 mailshares of acme.test (markdown) written to ${file}\n`);
    expect(fs.readFileSync(file, "utf8")).toContain("| carol@acme.test — Carol Schmidt |");
  }, 30_000);
});
