// `bmshare drift`: out-of-band changes found with the right class and exit code — changed, missing,
// unmanaged — and reads that fail reported as unreadable, never as missing. Read-only throughout.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { validatePlanJson as validate } from "../support/plan-schema";
import { runApplyCommand } from "../../cli/apply";
import { runDriftCommand } from "../../cli/drift";
import { identityId, mailshareUid } from "../../providers/ids";
import { mailshareBody, waitTask } from "../support/emulator";
import { seedDirectory } from "../desired/fake-directory";
import { EXAMPLE, startHarness, type Harness } from "./engine-support";


let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const applied = await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes"]);
  expect(applied.status, applied.stdout + applied.stderr).toBe(0);
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => h.clearLog());

const uid = (name: string) => mailshareUid("acme.test", name);

describe("bmshare drift", () => {
  it("right after apply: the gate passes; the mailshare nobody declared is listed, and counts only with --fail-on-unmanaged", async () => {
    const r = await h.run(runDriftCommand, ["-f", EXAMPLE]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe([
      "unmanaged   acme.test/noreply (Mailshare): not declared in the files: left alone",
      "",
      "Drift: 0 changed, 0 missing, 1 unmanaged, 0 unreadable (31 in sync).",
      "No drift in what the files manage. Unmanaged objects are left alone by apply and not counted in the exit code (--fail-on-unmanaged counts them).",
      "",
    ].join("\n"));
    const strict = await h.run(runDriftCommand, ["-f", EXAMPLE, "--fail-on-unmanaged"]);
    expect(strict.status).toBe(2);
    expect(strict.stdout).toBe(r.stdout.split("No drift in")[0]);
    // --json says the same: the unmanaged mailshare is listed, and is drift only with the flag.
    const json = JSON.parse((await h.run(runDriftCommand, ["-f", EXAMPLE, "--json"])).stdout);
    expect(json).toMatchObject({ drift: false, summary: { changed: 0, missing: 0, unmanaged: 1 } });
    expect(json.items.map((i: { class: string }) => i.class)).toEqual(["unmanaged"]);
    expect(JSON.parse((await h.run(runDriftCommand, ["-f", EXAMPLE, "--json", "--fail-on-unmanaged"])).stdout).drift).toBe(true);
    // The flag of pipelines written when unmanaged objects counted by default: the default now.
    expect((await h.run(runDriftCommand, ["-f", EXAMPLE, "--ignore-unmanaged"])).status).toBe(0);
    const both = await h.run(runDriftCommand, ["-f", EXAMPLE, "--ignore-unmanaged", "--fail-on-unmanaged"]);
    expect(both.status).toBe(1);
    expect(h.writes()).toEqual([]);
  });

  it("classifies changes made outside bmshare as changed, missing and unmanaged, and exits 2", async () => {
    // Changed: the support desk renamed in the console.
    const support = (await h.emu.api("GET", `/api/mailshares/acme.test/${uid("support")}/complete`)).json.value;
    support.card.identification.formatedName.value = "Help";
    expect((await h.emu.api("POST", `/api/mailshares/acme.test/${uid("support")}`, { body: support })).status).toBe(200);
    // Missing: an identity deleted, and a whole mailshare.
    const paris = uid("paris-office");
    expect((await h.emu.api("DELETE", `/api/mailboxes/acme.test/identity/${paris}/${identityId(paris, "Paris office")}`)).status).toBe(200);
    const deletion = await h.emu.api("DELETE", `/api/mailshares/acme.test/${uid("reception")}`);
    await waitTask(h.emu.api, deletion.json.id);
    // Unmanaged: a mailshare and an identity made by hand.
    expect((await h.emu.api("PUT", "/api/mailshares/acme.test/adhoc-uid", { body: mailshareBody("adhoc") })).status).toBe(200);
    expect((await h.emu.api("PUT", `/api/mailboxes/acme.test/identity/${uid("sales-desk")}/by-hand`, {
      body: { email: "orders@acme.test", format: "PLAIN", signature: "", displayname: "Front desk", name: "Front desk", isDefault: false, sentFolder: null },
    })).status).toBe(200);
    h.clearLog();

    const r = await h.run(runDriftCommand, ["-f", EXAMPLE]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(2);
    expect(r.stdout).toBe([
      "changed     acme.test/support (Mailshare): the server differs from the files in displayName",
      "              ~ displayName: Help → Support desk",
      "missing     acme.test/paris-office/identity/Paris office (MailshareIdentity): not on the server",
      "missing     acme.test/reception: the whole mailshare (5 resources) is not on the server",
      "unmanaged   acme.test/adhoc (Mailshare): not declared in the files: left alone",
      "unmanaged   acme.test/noreply (Mailshare): not declared in the files: left alone",
      "unmanaged   acme.test/sales-desk/identity/Front desk (MailshareIdentity): <orders@acme.test>: not created by bmshare (made in the console or by another tool): left alone",
      "",
      "Drift: 1 changed, 6 missing, 3 unmanaged, 0 unreadable (24 in sync).",
      "Unmanaged objects are left alone by apply and not counted in the exit code (--fail-on-unmanaged counts them).",
      "",
    ].join("\n"));

    const json = await h.run(runDriftCommand, ["-f", EXAMPLE, "--json"]);
    expect(json.status).toBe(2);
    const doc = JSON.parse(json.stdout);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc).toMatchObject({ version: 1, command: "drift", drift: true, summary: { changed: 1, missing: 6, unmanaged: 3, unreadable: 0, inSync: 24 } });
    expect(doc.items[0]).toEqual({
      class: "changed", domain: "acme.test", mailshare: "support", kind: "Mailshare", name: "acme.test/support", id: uid("support"),
      detail: "the server differs from the files in displayName",
      changes: [{ path: "displayName", kind: "update", old: "Help", new: "Support desk" }], diffs: [],
    });
    expect(h.writes()).toEqual([]);

    // apply puts back what is declared and leaves the rest alone.
    expect((await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes"])).status).toBe(0);
    const after = await h.run(runDriftCommand, ["-f", EXAMPLE]);
    expect(after.stdout).toContain("Drift: 0 changed, 0 missing, 3 unmanaged, 0 unreadable (31 in sync).\n");
  });

  it("reports reads that fail as unreadable, never as missing, and exits 1", async () => {
    // The files are checked against a directory that answers; then every server read fails.
    h.emu.emulator.setFaults({ failRate: 1, failStatus: 503 });
    try {
      const r = await h.run(runDriftCommand, ["-f", EXAMPLE, "--json"], {
        lookups: seedDirectory(),
        clientOptions: { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } },
      });
      expect(r.status).toBe(1);
      const doc = JSON.parse(r.stdout);
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
      expect(doc.summary).toEqual({ changed: 0, missing: 0, unmanaged: 0, unreadable: 6, inSync: 0 });
      expect(doc.items.map((i: any) => i.name)).toEqual([
        "acme.test/paris-office", "acme.test/reception", "acme.test/sales-desk", "acme.test/support", "acme.test/templates", "mailshares of acme.test",
      ]);
      expect(doc.items[0].detail).toMatch(/503/);
    } finally {
      h.emu.emulator.setFaults({ failRate: 0 });
    }
  });

  it("keeps what it could read when the server starts failing midway", async () => {
    h.emu.emulator.setAccessLog((line) => {
      if (/ GET \/api\/mailboxes\/acme\.test\/identity\//.test(line)) h.emu.emulator.setFaults({ failRate: 1, failStatus: 503 });
    });
    try {
      const r = await h.run(runDriftCommand, ["-f", EXAMPLE], { clientOptions: { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 } } });
      expect(r.status).toBe(1);
      const classes = r.stdout.split("\n").map((l) => l.split(" ")[0]).filter((c) => c !== "" && c !== "Drift:" && !c.startsWith("~"));
      expect(classes).toContain("unreadable");
      expect(classes).not.toContain("missing");
      expect(r.stdout).toMatch(/^unreadable {2}.*: .*503/m);
    } finally {
      h.emu.emulator.setFaults({ failRate: 0 });
    }
  });
});

describe("a file that declares no mailshare", () => {
  it("still manages its domain: the server's mailshares are unmanaged drift", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-empty-")), "empty.yaml");
    fs.writeFileSync(file, "domain: acme.test\nmailshares: []\n");
    const r = await h.run(runDriftCommand, ["-f", file, "--fail-on-unmanaged"]);
    expect(r.status).toBe(2);
    expect(r.stdout).toContain("unmanaged   acme.test/noreply (Mailshare)");
    expect(r.stdout).toContain("unmanaged   acme.test/support (Mailshare)");
  });
});
