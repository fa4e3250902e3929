// `bmshare apply`: from empty, a no-op the second time, the confirmation rules, a precise account
// when something fails or Ctrl-C stops it, convergence under injected faults, and whole-mailshare
// deletion only for mailshares bmshare marked `deletionPolicy: delete` with --allow-delete.
import * as fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runApplyCommand } from "../../cli/apply";
import { runPlanCommand } from "../../cli/plan";
import { mailshareUid } from "../../providers/ids";
import { EXAMPLE, startHarness, tempYaml, type Harness } from "./engine-support";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

const liveNames = async () => {
  const r = await h.emu.api("GET", "/api/mailshares/acme.test/_complete");
  return r.json.map((i: any) => i.value.name).sort();
};

describe("bmshare apply", () => {
  it("creates everything from empty, then a second apply changes nothing", async () => {
    const first = await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes"]);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("Plan: 31 to create, 0 to update, 0 to delete, 0 unchanged.\n\nApplying 31 changes to 5 mailshares (up to 8 at a time)…\n");
    expect(first.stdout).toContain("applied       Mailshare acme.test/support: created\n");
    expect(first.stdout).toContain("applied       MailshareMaintenance acme.test/support/maintenance/repair: created\n");
    // Task progress, attributed to its resource.
    expect(first.stdout).toMatch(/^ {2}· acme\.test\/support\/maintenance\/repair: validating and repairing the mailbox .*: task .* started$/m);
    expect(first.stdout.endsWith("\nApply complete: 31 applied, 0 failed, 0 not attempted.\n")).toBe(true);
    expect(await liveNames()).toEqual(["noreply", "paris-office", "reception", "sales-desk", "support", "templates"]);

    // Dependency order within a mailshare: the mailshare, its aliases, then the rest, maintenance last.
    const order = first.stdout.split("\n").filter((l) => l.startsWith("applied") && l.includes(" acme.test/support"))
      .map((l) => l.split(/\s+/)[1]);
    expect(order.slice(0, 2)).toEqual(["Mailshare", "MailshareAliases"]);
    expect(order.slice(-2)).toEqual(["MailshareMaintenance", "MailshareMaintenance"]);

    h.clearLog();
    const second = await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes"]);
    expect(second.status).toBe(0);
    expect(second.stdout.endsWith("Plan: 0 to create, 0 to update, 0 to delete, 31 unchanged.\n\nNothing to change: the server matches the files.\n")).toBe(true);
    expect(h.writes()).toEqual([]);
    expect((await h.run(runPlanCommand, ["-f", EXAMPLE])).status).toBe(0);
  });

  it("needs --yes without a terminal, and sends nothing without it", async () => {
    const r = await h.run(runApplyCommand, ["-f", EXAMPLE]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("bmshare apply: no terminal to confirm on: review the changes with `bmshare plan`, then run `bmshare apply --yes`\n");
    expect(h.requests()).toEqual([]);
  });

  it("asks on a terminal: anything but y / yes cancels, y applies", async () => {
    const questions: string[] = [];
    const no = await h.run(runApplyCommand, ["-f", EXAMPLE], { isTTY: true, prompt: async (q) => (questions.push(q), "") });
    expect(no.status).toBe(1);
    expect(questions).toEqual(['\nApply 31 changes? Only "y" or "yes" goes ahead. [y/N] ']);
    expect(no.stdout.endsWith("Apply cancelled: nothing was changed.\n")).toBe(true);
    expect(h.writes()).toEqual([]);
    const yes = await h.run(runApplyCommand, ["-f", EXAMPLE], { isTTY: true, prompt: async () => "y" });
    expect(yes.status).toBe(0);
    // A terminal gets the live status line, redrawn in place.
    expect(yes.stdout).toContain("\r\x1b[2K[0/31] acme.test/");
  });

  it("on failure says what was applied, what failed with the server's message, and what was not attempted; a re-run converges", async () => {
    // The first write lands, then the server fails every request with a business error (500).
    h.emu.emulator.setAccessLog((line) => {
      if (/ PUT \/api\/mailshares\/acme\.test\/[^/ ]+ 200 /.test(line)) h.emu.emulator.setFaults({ failRate: 1, failStatus: 500 });
    });
    const r = await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes", "--parallel", "1"]);
    expect(r.status).toBe(1);
    const account = r.stdout.slice(r.stdout.indexOf("\nApply incomplete:"));
    // Each mailshare's aliases were in its create's request: they failed with it.
    expect(account).toMatch(/^\nApply incomplete: 0 applied, 10 failed, 21 not attempted\.\n/);
    expect(account).toContain("Failed:\n  Mailshare acme.test/paris-office (create): ");
    expect(account).toContain("injected fault");
    expect(account).toContain("  MailshareAliases acme.test/paris-office/aliases (create): written with Mailshare: ");
    expect(account).toContain("Not attempted:\n  MailshareAcl acme.test/paris-office/acl (create): Mailshare acme.test/paris-office failed before it\n");
    expect(account.endsWith("Every change is idempotent: run `bmshare apply` again to converge from here.\n")).toBe(true);

    h.emu.emulator.setFaults({ failRate: 0 });
    h.emu.emulator.setAccessLog(undefined);
    const again = await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes"]);
    expect(again.status, again.stdout).toBe(0);
    expect((await h.run(runPlanCommand, ["-f", EXAMPLE])).status).toBe(0);
  });

  it("stops after the changes in flight when interrupted, and reports the state", async () => {
    const stop = new AbortController();
    h.emu.emulator.setAccessLog((line) => {
      if (/ PUT \/api\/mailshares\/acme\.test\//.test(line)) stop.abort();
    });
    const r = await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes", "--parallel", "1"], { signal: stop.signal });
    expect(r.status).toBe(1);
    // The aliases go with the mailshare's create, in the same request.
    expect(r.stdout).toContain("\nApply interrupted: 2 applied, 0 failed, 29 not attempted.\nApplied:\n  Mailshare acme.test/paris-office (create)\n" +
      "  MailshareAliases acme.test/paris-office/aliases (create): written with Mailshare in one request\n");
    expect(r.stdout).toContain("  MailshareAcl acme.test/support/acl (create): interrupted\n");
    expect(await liveNames()).toEqual(["noreply", "paris-office"]);
    const again = await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes"]);
    expect(again.stdout).toContain("Plan: 26 to create, 1 to update, 0 to delete, 4 unchanged.\n");
    expect(again.status).toBe(0);
  });

  it("converges under injected faults (30% of requests answered 503) by re-running", async () => {
    h.emu.emulator.setFaults({ failRate: 0.3, failStatus: 503, failSeed: 7 });
    let injected = 0;
    h.emu.emulator.setAccessLog((line) => {
      if (/ 503 /.test(line)) injected++;
    });
    const statuses: number[] = [];
    for (let run = 0; run < 20 && statuses.at(-1) !== 0; run++) {
      // The client's retries absorb most faults; what they cannot absorb fails the run, precisely.
      const r = await h.run(runApplyCommand, ["-f", EXAMPLE, "--yes"], { clientOptions: { retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 2 } } });
      statuses.push(r.status);
      if (r.status !== 0) expect(r.stderr + r.stdout).toMatch(/\nApply incomplete: |^cannot (read|check) | could not be checked against the server: /m);
    }
    expect(statuses.at(-1)).toBe(0);
    expect(injected).toBeGreaterThan(15);
    h.emu.emulator.setFaults({ failRate: 0 });
    const plan = await h.run(runPlanCommand, ["-f", EXAMPLE]);
    expect(plan.stdout).toContain("Plan: 0 to create, 0 to update, 0 to delete, 31 unchanged.\n");
    expect(plan.status).toBe(0);
  });
});

describe("adopt: true", () => {
  it("takes over an existing mailshare under its own uid, after which it is managed like the others", async () => {
    const file = tempYaml("domain: acme.test\nmailshares:\n  - { name: noreply, displayName: Do not reply, email: noreply@acme.test, hidden: true, adopt: true }\n");
    const planned = await h.run(runPlanCommand, ["-f", file, "--json"]);
    expect(planned.status).toBe(2);
    const noreply = JSON.parse(planned.stdout).mailshares[0];
    expect(noreply).toMatchObject({ name: "noreply", action: "update", adopted: true });
    expect(noreply.uid).not.toBe(mailshareUid("acme.test", "noreply"));
    expect(noreply.resources[0]).toMatchObject({ kind: "Mailshare", id: noreply.uid, changes: [{ path: "displayName", kind: "update", old: "No reply", new: "Do not reply" }] });
    expect(JSON.parse(planned.stdout).unmanaged.mailshares).toEqual([]);

    const applied = await h.run(runApplyCommand, ["-f", file, "--yes"]);
    expect(applied.status, applied.stdout).toBe(0);
    expect(applied.stdout).toMatch(/^~ acme\.test\/noreply {2}update \(1 of 5 resources\), adopted/m);
    const again = await h.run(runPlanCommand, ["-f", file]);
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain("Unmanaged");
  });
});

describe("mailshares removed from the files", () => {
  // One file, edited between runs: its owner (its path) declared both mailshares, then only one.
  const both = (policy: string) => tempYaml(`domain: acme.test
mailshares:
  - { name: keep, email: keep@acme.test }
  - { name: old, email: old@acme.test, deletionPolicy: ${policy} }
`);
  const keepOnly = (file: string) => {
    fs.writeFileSync(file, "domain: acme.test\nmailshares:\n  - { name: keep, email: keep@acme.test }\n");
    return file;
  };

  it("are deleted only when bmshare marked them deletionPolicy: delete and --allow-delete is given", async () => {
    const file = both("delete");
    expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
    keepOnly(file);

    const listed = await h.run(runPlanCommand, ["-f", file]);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain("  acme.test/old: not declared in the files any more; bmshare marked it deletionPolicy: delete: give --allow-delete to delete it with its mail\n");
    const kept = await h.run(runApplyCommand, ["-f", file, "--yes"]);
    expect(kept.status).toBe(0);
    expect(await liveNames()).toContain("old");

    const planned = await h.run(runPlanCommand, ["-f", file, "--allow-delete"]);
    expect(planned.status).toBe(2);
    expect(planned.stdout).toMatch(/- acme\.test\/old {2}delete {2}\[not declared\]\n {4}- Mailshare acme\.test\/old: no longer declared by its owner \S+, created by bmshare with deletionPolicy: delete, and --allow-delete given: deleted with its mail\n/);
    expect(planned.stdout).toContain("        - email.address: old@acme.test\n");
    expect(planned.stdout).toContain("Plan: 0 to create, 0 to update, 1 to delete, 5 unchanged.\n");
    const deleted = await h.run(runApplyCommand, ["-f", file, "--yes", "--allow-delete"]);
    expect(deleted.status, deleted.stdout).toBe(0);
    expect(deleted.stdout).toContain("applied       Mailshare acme.test/old: deleted\n");
    expect(await liveNames()).toEqual(["keep", "noreply"]);
  });

  it("are kept, even with --allow-delete, when marked retain or not made by bmshare", async () => {
    const file = both("retain");
    expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
    const r = await h.run(runApplyCommand, ["-f", keepOnly(file), "--yes", "--allow-delete"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("  acme.test/noreply (hidden): not declared in the files: left alone\n");
    expect(r.stdout).toContain("  acme.test/old: not declared in the files any more; bmshare managed it before (deletionPolicy: retain): kept on the server, no longer managed\n");
    expect(await liveNames()).toEqual(["keep", "noreply", "old"]);
    expect(mailshareUid("acme.test", "old")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("are kept when another file declared them, even with --allow-delete", async () => {
    const file = both("delete");
    expect((await h.run(runApplyCommand, ["-f", file, "--yes"])).status).toBe(0);
    const other = tempYaml("domain: acme.test\nmailshares:\n  - { name: keep, email: keep@acme.test }\n");
    const r = await h.run(runApplyCommand, ["-f", other, "--yes", "--allow-delete"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/ {2}acme\.test\/old: declared by files of another owner \(\S+\), not given to this run: left alone\n/);
    expect(await liveNames()).toContain("old");
  });
});

describe("addresses moving between mailshares", () => {
  it("moves an address from one mailshare to another in one run, whichever is applied first", async () => {
    const file = (owner: "a" | "b") => tempYaml([
      "domain: acme.test",
      "mailshares:",
      "  - name: mover-a",
      "    email: mover-a@acme.test",
      ...(owner === "a" ? ["    aliases: [moving@acme.test]"] : []),
      "  - name: mover-b",
      "    email: mover-b@acme.test",
      ...(owner === "b" ? ["    aliases: [moving@acme.test]"] : []),
    ].join("\n") + "\n");
    const aliasesOf = async (name: string) =>
      (await h.emu.api("GET", `/api/mailshares/acme.test/${mailshareUid("acme.test", name)}/complete`)).json.value.emails
        .filter((e: any) => !e.isDefault).map((e: any) => e.address);
    expect((await h.run(runApplyCommand, ["-f", file("a"), "--yes"])).status).toBe(0);
    for (const owner of ["b", "a", "b"] as const) {
      const r = await h.run(runApplyCommand, ["-f", file(owner), "--yes", "--parallel", "2"]);
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(await aliasesOf(`mover-${owner}`)).toEqual(["moving@acme.test"]);
      expect(await aliasesOf(`mover-${owner === "a" ? "b" : "a"}`)).toEqual([]);
    }
  });
});
