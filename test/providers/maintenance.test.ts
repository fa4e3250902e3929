// MailshareMaintenance through the real dynamic-provider host: runs on create and on a trigger
// change only, records the last run on the server (so a stateless plan is empty afterwards),
// repairs a broken mailshare, checks without changing anything, and surfaces a failed task; then,
// against every release the emulator can be, each operation run with that release's calls.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import type { ProviderHost } from "../support/pulumi-host";
import { startTestEmulator, mailshareBody, TEST_KEY, type TestEmulator, createRawMailshare, waitTask } from "../support/emulator";
import { startHostFor } from "../support/stubs";
import { describeEachVersion } from "../support/versions";
import { mailshareMaintenanceProvider, runMaintenance } from "../../providers/maintenance";
import { RUNTIME, useSettings } from "../../providers/runtime";

let emu: TestEmulator;
let host: ProviderHost;
const requests: string[] = [];
/** Called with each access-log line (tests that act when a request was answered). */
let onRequest: ((line: string) => void) | undefined;
let seq = 0;

async function newMailshare(): Promise<{ uid: string; name: string }> {
  const name = `maint-${++seq}`;
  const uid = `ms-${name}`;
  const r = await emu.api("PUT", `/api/mailshares/acme.test/${uid}`, { body: mailshareBody(name) });
  expect(r.status).toBe(200);
  return { uid, name };
}

const consolidations = (uid: string) => requests.filter((l) => l.includes(` POST /api/mgmt/mailbox/acme.test/${uid}/_consolidate 200 `)).length;
const repairs = (uid: string) => requests.filter((l) => l.includes(` POST /api/directory/acme.test/${uid}/mgmt/_maintenance/repair 200 `)).length;
const settingsOf = async (uid: string) => (await emu.api("GET", `/api/containers/_manage/mailbox:acls-${uid}/_settings`)).json;
const breakAclContainer = (uid: string) => delete emu.emulator.store.state.containers[`mailbox:acls-${uid}`];
const urnOf = (name: string, operation: string) => host.urn("MailshareMaintenance", `acme.test/${name}/maintenance/${operation}`);

/** Waits for the host to print `text` (its log lines may arrive just after the gRPC answer). */
async function hostLogged(text: string): Promise<string> {
  for (let i = 0; i < 100 && !host.logs.includes(text); i++) await new Promise((r) => setTimeout(r, 10));
  return host.logs;
}

async function checked(urn: string, news: Record<string, unknown>) {
  const { inputs, failures } = await host.check(urn, {}, news);
  expect(failures).toEqual([]);
  return inputs;
}

beforeAll(async () => {
  // Slower task steps than the default test emulator, so that a running task can be caught running.
  emu = await startTestEmulator({ taskStepMs: 20 });
  emu.emulator.setAccessLog((line) => {
    requests.push(line);
    onRequest?.(line);
  });
  host = await startHostFor("MailshareMaintenance", emu.url, TEST_KEY);
}, 30_000);
afterAll(async () => {
  await host?.stop();
  await emu?.close();
});

describe("MailshareMaintenance through the host", () => {
  it("runs on create, not on an update that keeps the trigger, again on a new trigger; reads the recorded trigger back", async () => {
    const { uid, name } = await newMailshare();
    const urn = urnOf(name, "consolidateIndex");
    const inputs = await checked(urn, { mailshare: uid, operation: "consolidateIndex", trigger: "2026-11" });
    expect(inputs).toEqual({ domain: "acme.test", mailshare: uid, operation: "consolidateIndex", trigger: "2026-11" });

    const created = await host.create(urn, inputs);
    expect(created.id).toBe(`${uid}/maintenance/consolidateIndex`);
    expect(consolidations(uid)).toBe(1);
    expect(created.outs).toMatchObject({ state: "Success", lastTrigger: "2026-11" });
    expect(created.outs.logSummary).toContain(`Consolidate mailbox index of ${name}@acme.test (uid: ${uid})`);
    expect(created.outs.logSummary).toContain(`Consolidated 0 mail index record(s), mailbox ${name}`);
    expect(JSON.parse(created.outs.result)).toMatchObject({ mailboxUid: uid });
    expect(new Date(created.outs.ranAt).toISOString()).toBe(created.outs.ranAt);
    expect(await settingsOf(uid)).toEqual({
      "bmshare.maintenance.consolidateIndex.trigger": "2026-11",
      "bmshare.maintenance.consolidateIndex.ranAt": created.outs.ranAt,
      "bmshare.maintenance.consolidateIndex.state": "Success",
    });
    expect((await host.diff(urn, created.id, created.outs, inputs)).changes).toBe("none");

    // refresh: the trigger comes from the server, so the next plan is empty
    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs).toEqual(inputs);
    expect(read.props).toMatchObject({ logSummary: created.outs.logSummary, ranAt: created.outs.ranAt });
    expect((await host.diff(urn, created.id, read.props, inputs)).changes).toBe("none");

    // an update that keeps the trigger runs nothing
    const same = await host.update(urn, created.id, created.outs, inputs);
    expect(same.outs.ranAt).toBe(created.outs.ranAt);
    expect(consolidations(uid)).toBe(1);

    const next = await checked(urn, { ...inputs, trigger: "2026-12" });
    expect((await host.diff(urn, created.id, created.outs, next)).changes).toBe("some");
    const updated = await host.update(urn, created.id, created.outs, next);
    expect(consolidations(uid)).toBe(2);
    expect(updated.outs).toMatchObject({ state: "Success", lastTrigger: "2026-12", trigger: "2026-12" });
    expect(updated.outs.ranAt > created.outs.ranAt).toBe(true);
    expect((await host.read(urn, created.id, updated.outs)).inputs.trigger).toBe("2026-12");

    await host.delete(urn, created.id, updated.outs);
    expect(consolidations(uid)).toBe(2);
    expect(await hostLogged("nothing to undo")).toContain(`maintenance ${created.id}: an action, nothing to undo`);
    expect((await settingsOf(uid))["bmshare.maintenance.consolidateIndex.trigger"]).toBe("2026-12");
  });

  it("shows a never-run operation as a change, and does not run a trigger the server already recorded", async () => {
    const { uid, name } = await newMailshare();
    const urn = urnOf(name, "consolidateIndex");
    const inputs = await checked(urn, { mailshare: uid, operation: "consolidateIndex", trigger: 202611 });
    expect(inputs.trigger).toBe("202611");
    const id = `${uid}/maintenance/consolidateIndex`;
    // What a stateless plan sees before the first run.
    const before = await host.read(urn, id, inputs);
    expect(before.inputs.trigger).toBeNull();
    expect((await host.diff(urn, id, before.props, inputs)).changes).toBe("some");

    await host.create(urn, inputs);
    // The create's answer was lost and it is run again: the recorded trigger is not run twice.
    const again = await host.create(urn, inputs);
    expect(consolidations(uid)).toBe(1);
    expect(again.outs).toMatchObject({ state: "Success", lastTrigger: "202611" });
    expect(await hostLogged("already ran")).toContain('already ran for trigger "202611"');
  });

  it("repairs a mailshare whose ACL container was deleted, and records the run in the re-created container", async () => {
    const { uid, name } = await newMailshare();
    breakAclContainer(uid);
    const urn = urnOf(name, "repair");
    const inputs = await checked(urn, { mailshare: uid, operation: "repair", trigger: "INC-4711" });
    // No container, so no record: read reports "never ran".
    expect((await host.read(urn, `${uid}/maintenance/repair`, inputs)).inputs.trigger).toBeNull();

    const created = await host.create(urn, inputs);
    expect(repairs(uid)).toBe(1);
    expect(created.outs.state).toBe("Success");
    // Every task line is reported as progress; the outputs keep the last 20.
    const logs = await hostLogged("repair finished");
    expect(logs).toContain(`Mailbox ${name}@acme.test (uid: ${uid}) acls container does not exist`);
    expect(logs).toContain(`Mailbox ${name}@acme.test (uid: ${uid}) acls container repair finished`);
    expect(created.outs.logSummary.split("\n")).toHaveLength(20);
    expect(created.outs.logSummary).toContain("Starting operation mapi.folders");
    expect(emu.emulator.store.state.containers[`mailbox:acls-${uid}`]).toMatchObject({ owner: uid, acl: [] });
    expect((await settingsOf(uid))["bmshare.maintenance.repair.trigger"]).toBe("INC-4711");

    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs.trigger).toBe("INC-4711");
    expect((await host.diff(urn, created.id, read.props, inputs)).changes).toBe("none");
  });

  it("checks without changing anything: the broken container stays broken, and the unrecordable run shows again in the next plan", async () => {
    const { uid, name } = await newMailshare();
    breakAclContainer(uid);
    const snapshot = JSON.stringify(emu.emulator.store.state);
    const urn = urnOf(name, "check");
    const inputs = await checked(urn, { mailshare: uid, operation: "check", trigger: "weekly-48" });
    const created = await host.create(urn, inputs);
    expect(repairs(uid)).toBe(1);
    expect(created.outs.state).toBe("Success");
    const logs = await hostLogged("acls container does not exist");
    expect(logs).toContain("Starting operation mailboxAclsContainer");
    expect(logs).toContain(`Mailbox ${name}@acme.test (uid: ${uid}) acls container does not exist`);
    expect(JSON.stringify(emu.emulator.store.state)).toBe(snapshot);
    expect(await hostLogged("could not be recorded")).toContain("could not be recorded: the mailshare has no ACL container");
    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs.trigger).toBeNull();
    expect((await host.diff(urn, created.id, read.props, inputs)).changes).toBe("some");
  });

  it("follows a check or repair already running to its end, then runs its own (the running one may be a dry check)", async () => {
    const { uid, name } = await newMailshare();
    const started = await emu.api("POST", `/api/directory/acme.test/${uid}/mgmt/_maintenance/repair`, {
      body: { opIdentifiers: null, dry: false, logToCoreLog: true, verbose: true },
    });
    expect(started.json).toEqual({ id: `repair-${uid}@acme.test` });
    const urn = urnOf(name, "repair");
    const created = await host.create(urn, await checked(urn, { mailshare: uid, operation: "repair", trigger: "1" }));
    expect(repairs(uid)).toBe(2);
    expect(created.outs.state).toBe("Success");
    expect(created.outs.logSummary).toContain("Starting operation");
    expect(await hostLogged("already running")).toContain(`a check or repair of this mailshare is already running (task repair-${uid}@acme.test)`);
  });

  it("runs a check and a repair declared together as two tasks, and records both", async () => {
    const { uid, name } = await newMailshare();
    const [check, repair] = await Promise.all(["check", "repair"].map(async (operation) => {
      const urn = urnOf(name, operation);
      return host.create(urn, await checked(urn, { mailshare: uid, operation, trigger: "2026-11" }));
    }));
    expect(repairs(uid)).toBe(2);
    // Two tasks, one after the other: each output holds its own task's log.
    for (const run of [check, repair]) expect(run.outs.logSummary).toContain(`Starting operation mapi.folders`);
    expect(check.outs.state).toBe("Success");
    expect(repair.outs.state).toBe("Success");
    expect(await settingsOf(uid)).toMatchObject({
      "bmshare.maintenance.check.trigger": "2026-11", "bmshare.maintenance.repair.trigger": "2026-11",
    });
  });

  it("fails the create with the task's last log line when the task ends InError, and records nothing", async () => {
    const { uid, name } = await newMailshare();
    // The mailshare disappears while the repair runs: the task ends InError.
    onRequest = (line) => {
      if (line.includes(` POST /api/directory/acme.test/${uid}/mgmt/_maintenance/repair 200 `)) {
        delete emu.emulator.store.state.domains["acme.test"].mailshares[uid];
      }
    };
    try {
      const urn = urnOf(name, "repair");
      const err = await host.create(urn, await checked(urn, { mailshare: uid, operation: "repair", trigger: "x" })).catch((e) => e);
      expect(err.details).toContain(`validating and repairing the mailbox of mailshare ${uid} failed: Unknown error: entry ${uid} not found in domain acme.test`);
    } finally {
      onRequest = undefined;
    }
    expect(await settingsOf(uid)).toEqual({});
    // The mailshare is gone: the next deployment's read says so.
    expect((await host.nextDeployment().read(urnOf(name, "repair"), `${uid}/maintenance/repair`, { domain: "acme.test", mailshare: uid, operation: "repair", trigger: "x" })).id).toBe("");
  });

  it("reads the recorded trigger through injected 503 faults", async () => {
    const { uid, name } = await newMailshare();
    const urn = urnOf(name, "consolidateIndex");
    const created = await host.create(urn, await checked(urn, { mailshare: uid, operation: "consolidateIndex", trigger: "t1" }));
    const before = requests.length;
    emu.emulator.setFaults({ failRate: 0.4, failStatus: 503, failSeed: 7 });
    try {
      for (let i = 0; i < 3; i++) expect((await host.read(urn, created.id, created.outs)).inputs.trigger).toBe("t1");
    } finally {
      emu.emulator.setFaults({ failRate: 0 });
    }
    expect(requests.slice(before).some((l) => l.includes(" 503 "))).toBe(true);
  }, 30_000);

  it("reports bad input at check with the property, and a missing mailshare clearly", async () => {
    const urn = urnOf("bad", "x");
    const failuresOf = async (news: Record<string, unknown>) => (await host.check(urn, {}, news)).failures.map((f) => f.property);
    expect(await failuresOf({ mailshare: "ms-x", operation: "reindex", trigger: "1" })).toEqual(["operation"]);
    expect(await failuresOf({ mailshare: "ms-x", operation: "repair" })).toEqual(["trigger"]);
    expect(await failuresOf({ mailshare: "ms-x", operation: "repair", trigger: { when: "now" } })).toEqual(["trigger"]);
    expect(await failuresOf({ operation: "check", trigger: "1" })).toEqual(["mailshare"]);

    const inputs = await checked(urn, { mailshare: "ms-nowhere", operation: "consolidateIndex", trigger: "1" });
    const err = await host.create(urn, inputs).catch((e) => e);
    expect(err.details).toContain("mailshare ms-nowhere does not exist in acme.test");
  });
});

describe("runMaintenance in one process", () => {
  it("starts a second check or repair of a mailshare only once the first one's follower saw its task end", async () => {
    // Both runs take the one task id `repair-<uid>@<domain>`: a second run started while the first
    // follower still polls would hand that follower the second run's status and logs as its own.
    useSettings({ url: emu.url, apiKey: TEST_KEY, maxRequestsPerSecond: 0 }, "flags");
    const { uid } = await newMailshare();
    const events: string[] = [];
    const first = runMaintenance(RUNTIME, "acme.test", uid, "check", {}, async (ref) => {
      await waitTask(emu.api, ref.id, 120_000);
      // Give a second run that does not wait for this follower the time to start (it would within ms).
      for (let i = 0; i < 100 && repairs(uid) < 2; i++) await new Promise((r) => setTimeout(r, 10));
      events.push("first follower saw the end");
    });
    const second = runMaintenance(RUNTIME, "acme.test", uid, "repair", { onNote: (n) => events.push(n) }, async (ref) => {
      events.push("second started");
      await waitTask(emu.api, ref.id, 120_000);
    });
    await Promise.all([first, second]);
    expect(events).toEqual(["first follower saw the end", "second started"]);
    expect(repairs(uid)).toBe(2);
  });
});

describeEachVersion("MailshareMaintenance", (s) => {
  const maintenance = s.bind(mailshareMaintenanceProvider);
  const seen: string[] = [];
  let n = 0;
  const mailshare = async () => {
    const name = `upkeep-${++n}`;
    s.emu.emulator.setAccessLog((line) => seen.push(line));
    return { name, uid: await createRawMailshare(s.emu, name, `ms-${name}`) };
  };
  const run = async (uid: string, operation: string, trigger = "2026-11") => {
    const { inputs, failures } = await maintenance.check!({}, { mailshare: uid, operation, trigger });
    expect(failures).toEqual([]);
    return { inputs, created: await maintenance.createWith(inputs, {}) };
  };
  const posted = (path: string) => seen.filter((l) => l.includes(` POST ${path} `)).length;

  it("consolidates, checks and repairs with the release's calls, and reads each recorded trigger back", async () => {
    const { uid } = await mailshare();
    for (const operation of ["consolidateIndex", "check", "repair"]) {
      const { inputs, created } = await run(uid, operation);
      expect(created.outs.state, operation).toBe("Success");
      s.newRun();
      expect(maintenance.changes((await maintenance.read!(created.id, created.outs)).inputs!, inputs), operation).toEqual([]);
    }
    expect(posted(`/api/mgmt/mailbox/acme.test/${uid}/_consolidate`)).toBe(1);
    // 4.x: check and repair each have their call and task; 5.x: one repair call, dry for a check.
    const mgmt = `/api/directory/acme.test/${uid}/mgmt/_maintenance`;
    expect([posted(`${mgmt}/check`), posted(`${mgmt}/repair`)]).toEqual(s.is4 ? [1, 1] : [0, 2]);
  });

  it("repairs a broken mailshare; a check that finds the problem fails on 4.x (its task ends in error) and lists it on 5.x", async () => {
    const { uid, name } = await mailshare();
    delete s.emu.emulator.store.state.containers[`mailbox:acls-${uid}`];
    const checked = await run(uid, "check").then((r) => r.created, (err: Error) => err);
    if (s.is4) {
      // The problem its report lists, not the task's last log line.
      expect((checked as Error).message).toBe(`checking the mailbox of mailshare ${uid} failed: mailboxAclsContainer: Mailbox ${name}@acme.test (uid: ${uid}) acls container does not exist`);
    } else {
      expect((checked as { outs: Record<string, unknown> }).outs.state).toBe("Success");
      expect(s.reports.map((r) => r.message).join("\n")).toContain(`Mailbox ${name}@acme.test (uid: ${uid}) acls container does not exist`);
    }
    const repaired = (await run(uid, "repair")).created;
    expect(repaired.outs.state).toBe("Success");
    expect(s.emu.emulator.store.state.containers[`mailbox:acls-${uid}`]).toMatchObject({ owner: uid });
  });
});
