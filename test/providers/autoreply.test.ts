// MailshareAutoReply through the real dynamic-provider host: Check → Create → Diff → Update → Read
// (drift) → Delete, plus no auto-reply, a disabled reply kept on the server, bad input, server
// refusals and reads through injected 503 faults; in-process: what read reports for a disabled
// reply against a declared none, and that saving the reply keeps the rules and their ids; then,
// against every release the emulator can be, the reply written in that release's form.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import { ProviderHost } from "../support/pulumi-host";
import { startTestEmulator, TEST_KEY, type TestEmulator, seedWithDelegatedBob, createRawMailshare } from "../support/emulator";
import { startHostFor } from "../support/stubs";
import { describeEachVersion } from "../support/versions";
import { mailshareUid } from "../../providers/ids";
import { RUNTIME, useSettings } from "../../providers/runtime";
import { mailshareAutoReplyProvider, autoReplyOf } from "../../providers/autoreply";
import { validateSlice } from "../../providers/validate";

let emu: TestEmulator;
let host: ProviderHost;

const DEC_24 = Date.UTC(2026, 11, 24);
const JAN_2 = Date.UTC(2027, 0, 2);


beforeAll(async () => {
  emu = await startTestEmulator({ seed: seedWithDelegatedBob() });
  host = await startHostFor("MailshareAutoReply", emu.url, TEST_KEY);
  useSettings({ url: emu.url, apiKey: TEST_KEY, domain: "acme.test" }, "flags");
}, 30_000);
afterAll(async () => {
  await host?.stop();
  await emu?.close();
});
afterEach(() => emu.emulator.setFaults({ failRate: 0 }));

const createMailshare = (name: string) => createRawMailshare(emu, name, mailshareUid("acme.test", name));

const vacationPath = (uid: string) => `/api/mailboxes/acme.test/${uid}/_vacation`;
const liveVacation = async (uid: string) => (await emu.api("GET", vacationPath(uid))).json;

describe("MailshareAutoReply through the host", () => {
  it("creates, finds no change, updates, reads drift and deletes", async () => {
    const uid = await createMailshare("closed-desk");
    const urn = host.urn("MailshareAutoReply", "acme.test/closed-desk/auto-reply");
    const checked = await host.check(urn, {}, {
      mailshare: uid, autoReply: { start: "2026-12-24", end: "2027-01-02", subject: "Closed", message: "Back on January 2" },
    });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).toEqual({
      domain: "acme.test", mailshare: uid,
      autoReply: { enabled: true, start: DEC_24, end: JAN_2, subject: "Closed", message: "Back on January 2", html: null },
    });

    const created = await host.create(urn, checked.inputs);
    expect(created.id).toBe(`${uid}/auto-reply`);
    expect(await liveVacation(uid)).toEqual({
      enabled: true, start: DEC_24, end: JAN_2, subject: "Closed", text: "Back on January 2", textHtml: null,
    });
    expect((await host.diff(urn, created.id, created.outs, checked.inputs)).changes).toBe("none");

    const withHtml = (await host.check(urn, checked.inputs, {
      ...checked.inputs, autoReply: { ...checked.inputs.autoReply, html: "<p>Back on <b>January 2</b></p>" },
    })).inputs;
    expect((await host.diff(urn, created.id, created.outs, withHtml)).changes).toBe("some");
    const updated = await host.update(urn, created.id, created.outs, withHtml);
    expect((await liveVacation(uid)).textHtml).toBe("<p>Back on <b>January 2</b></p>");

    // Out of band, in the console: the reply is switched off and its end moved.
    const live = await liveVacation(uid);
    await emu.api("POST", vacationPath(uid), { body: { ...live, enabled: false, end: Date.UTC(2027, 0, 5) } });
    const read = await host.read(urn, created.id, updated.outs);
    expect(read.id).toBe(created.id);
    expect(read.inputs.autoReply).toEqual({ ...withHtml.autoReply, enabled: false, end: Date.UTC(2027, 0, 5) });
    expect((await host.diff(urn, created.id, read.props, withHtml)).changes).toBe("some");
    const changes = mailshareAutoReplyProvider.changes(read.inputs, withHtml).map((c) => c.path).sort();
    expect(changes).toEqual(["autoReply.enabled", "autoReply.end"]);

    await host.delete(urn, created.id, read.props);
    expect(await liveVacation(uid)).toMatchObject({ enabled: false, subject: "", text: "", textHtml: "" });
    expect((await host.read(urn, created.id, read.props)).inputs.autoReply).toBeNull();
  });

  it("stores no auto-reply as a disabled vacation, which reads back as none", async () => {
    const uid = await createMailshare("no-reply-desk");
    // An auto-reply left on in the console before bmshare manages the mailshare.
    await emu.api("POST", vacationPath(uid), {
      body: { enabled: true, start: null, end: null, subject: "Away", text: "Gone fishing", textHtml: null },
    });
    const urn = host.urn("MailshareAutoReply", "acme.test/no-reply-desk/auto-reply");
    const checked = await host.check(urn, {}, { mailshare: uid });
    expect(checked.inputs.autoReply).toBeNull();
    const created = await host.create(urn, checked.inputs);
    expect((await liveVacation(uid)).enabled).toBe(false);
    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs.autoReply).toBeNull();
    expect((await host.diff(urn, created.id, read.props, checked.inputs)).changes).toBe("none");

    // Switched on again in the console: drift against none.
    await emu.api("POST", vacationPath(uid), {
      body: { enabled: true, start: null, end: null, subject: "Away", text: "Gone fishing", textHtml: null },
    });
    const next = host.nextDeployment();
    const drifted = await next.read(urn, created.id, created.outs);
    expect(drifted.inputs.autoReply).toMatchObject({ enabled: true, subject: "Away", message: "Gone fishing" });
    expect((await next.diff(urn, created.id, drifted.props, checked.inputs)).changes).toBe("some");
    await next.update(urn, created.id, drifted.props, checked.inputs);
    expect((await liveVacation(uid)).enabled).toBe(false);
  });

  it("keeps a disabled reply's text on the server, without a subject, and reads it back unchanged", async () => {
    const uid = await createMailshare("standby-desk");
    const urn = host.urn("MailshareAutoReply", "acme.test/standby-desk/auto-reply");
    const checked = await host.check(urn, {}, { mailshare: uid, autoReply: { enabled: false, message: "Back soon" } });
    // No subject written: empty, as BlueMind keeps it (no invented "Automatic reply").
    expect(checked.inputs.autoReply).toEqual({ enabled: false, start: null, end: null, subject: "", message: "Back soon", html: null });
    const created = await host.create(urn, checked.inputs);
    expect(await liveVacation(uid)).toMatchObject({ enabled: false, subject: "", text: "Back soon" });
    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs.autoReply).toEqual(checked.inputs.autoReply);
    expect((await host.diff(urn, created.id, read.props, checked.inputs)).changes).toBe("none");
  });

  it("reports bad input at check with the property", async () => {
    const urn = host.urn("MailshareAutoReply", "acme.test/bad/auto-reply");
    const failuresOf = async (news: Record<string, unknown>) => (await host.check(urn, {}, news)).failures;
    expect((await failuresOf({ mailshare: "x", autoReply: { message: "" } })).map((f) => f.property)).toEqual(["autoReply.message"]);
    const backwards = await failuresOf({ mailshare: "x", autoReply: { start: "2027-01-02", end: "2026-12-24", subject: "Closed", message: "Closed" } });
    expect(backwards).toEqual([{ property: "autoReply.end", reason: expect.stringContaining("expected an end after the start") }]);
    expect((await failuresOf({ mailshare: "x", autoReply: { start: "24/12/2026", subject: "Closed", message: "Closed" } })).map((f) => f.property))
      .toEqual(["autoReply.start"]);
    // BlueMind refuses an enabled reply without a subject (MailFilterValidator): said at check, not by the server.
    for (const autoReply of [{ message: "Closed" }, { subject: "", message: "Closed" }]) {
      const [failure] = await failuresOf({ mailshare: "x", autoReply });
      expect(failure.property).toBe(autoReply.subject === undefined ? "autoReply" : "autoReply.subject");
      expect(failure.reason).toMatch(/^expected a subject for an enabled automatic reply, found (none|an empty one): BlueMind refuses/);
    }
    expect(await failuresOf({ mailshare: "x", autoReply: { enabled: false, subject: "", message: "Closed" } })).toEqual([]);
    expect((await failuresOf({ autoReply: null })).map((f) => f.property)).toEqual(["mailshare"]);
  });

  it("surfaces BlueMind's refusal and a missing mailshare with their messages", async () => {
    const uid = await createMailshare("guarded-desk");
    const query = new URLSearchParams({ login: "bob@acme.test", origin: "vitest" });
    const bobKey = (await emu.api("POST", `/api/auth/login?${query}`, { body: JSON.stringify("bob-password"), key: null })).json.authKey;
    const bobHost = await ProviderHost.start(host.providerText);
    try {
      await bobHost.configure({ url: emu.url, apiKey: bobKey, domain: "acme.test" });
      const urn = bobHost.urn("MailshareAutoReply", "acme.test/guarded-desk/auto-reply");
      const { inputs } = await bobHost.check(urn, {}, { mailshare: uid, autoReply: { subject: "Closed", message: "Closed" } });
      const err: any = await bobHost.create(urn, inputs).catch((e) => e);
      expect(err.details).toMatch(/HTTP 403 PERMISSION_DENIED: bob@acme.test has no role manageMailboxFilter on acme.test/);
      expect(bobHost.logs).not.toContain(bobKey);
    } finally {
      await bobHost.stop();
    }

    const urn = host.urn("MailshareAutoReply", "acme.test/ghost/auto-reply");
    const { inputs } = await host.check(urn, {}, { mailshare: mailshareUid("acme.test", "ghost"), autoReply: { subject: "Closed", message: "Closed" } });
    const missing: any = await host.create(urn, inputs).catch((e) => e);
    expect(missing.details).toMatch(/mailshare .* does not exist in acme.test/);
  });

  it("reads through injected 503 faults, and says it could not read when they persist", async () => {
    const uid = await createMailshare("flaky-desk");
    const urn = host.urn("MailshareAutoReply", "acme.test/flaky-desk/auto-reply");
    const { inputs } = await host.check(urn, {}, { mailshare: uid, autoReply: { message: "Closed", subject: "Closed" } });
    emu.emulator.setFaults({ failRate: 0.5, failStatus: 503, failSeed: 11 });
    const created = await host.create(urn, inputs);
    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs.autoReply).toEqual(inputs.autoReply);

    emu.emulator.setFaults({ failRate: 1, failStatus: 503 });
    // The next deployment reads again, and cannot.
    const err: any = await host.nextDeployment().read(urn, created.id, created.outs).catch((e) => e);
    expect(err.details).toMatch(/HTTP 503/);
  });
});

describe("MailshareAutoReply in process", () => {
  it("treats a disabled reply as no drift against none, and exports it as it is", async () => {
    const uid = await createMailshare("quiet-desk");
    await emu.api("POST", vacationPath(uid), {
      body: { enabled: false, start: null, end: null, subject: "Away", text: "Gone fishing", textHtml: "" },
    });
    const p = mailshareAutoReplyProvider.definition;
    const id = `${uid}/auto-reply`;
    const againstNone = await p.read(id, { domain: "acme.test", mailshare: uid, autoReply: null }, RUNTIME);
    expect(againstNone!.inputs.autoReply).toBeNull();
    const asIs = await p.read(id, { domain: "acme.test", mailshare: uid } as any, RUNTIME);
    expect(asIs!.inputs.autoReply).toEqual({ enabled: false, start: null, end: null, subject: "Away", message: "Gone fishing", html: null });
  });

  it("reads a vacation without REPLY action (\"\" texts) as none, and keeps dates to the second", () => {
    expect(autoReplyOf({ enabled: false, start: null, end: null, subject: "", text: "", textHtml: "" })).toBeNull();
    expect(autoReplyOf({ enabled: false, start: null, end: null, subject: null, text: null, textHtml: null })).toBeNull();
    expect(autoReplyOf({ enabled: true, start: DEC_24 + 1500, end: null, subject: "", text: "", textHtml: "" }))
      .toEqual({ enabled: true, start: DEC_24 + 1000, end: null, subject: "", message: "", html: null });
  });

  it("reads a missing subject as empty, the canonical form of a reply written without one (no drift)", () => {
    const declared = validateSlice("acme.test", { autoReply: { enabled: false, message: "Back soon" } }, ["autoReply"]);
    expect(declared.failures).toEqual([]);
    for (const subject of [null, ""]) {
      expect(autoReplyOf({ enabled: false, start: null, end: null, subject, text: "Back soon", textHtml: null })).toEqual(declared.value.autoReply);
    }
  });

  it("saving the reply keeps the rules, their ids and the forwarding", async () => {
    const uid = await createMailshare("busy-desk");
    const filter = {
      rules: [{
        client: "bluemind", type: "GENERIC", trigger: "IN", deferred: false, active: true, name: "invoices", clientProperties: {}, stop: true,
        conditions: [{ operator: "AND", negate: false, conditions: [], clientProperties: {}, filter: { operator: "CONTAINS", fields: ["subject"], values: ["invoice"] } }],
        actions: [{ name: "MOVE", subtree: "user", id: null, folder: "Invoices", clientProperties: {} }],
      }],
      vacation: { enabled: false, start: null, end: null, subject: null, text: null, textHtml: null },
      forwarding: { enabled: true, localCopy: true, emails: ["carol@acme.test"] },
    };
    await emu.api("POST", `/api/mailboxes/acme.test/${uid}/_filter`, { body: filter });
    const before = (await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json;

    const p = mailshareAutoReplyProvider.definition;
    const inputs = { domain: "acme.test", mailshare: uid, autoReply: { enabled: true, start: null, end: JAN_2, subject: "Closed", message: "Back soon", html: null } };
    const { id } = await p.create(inputs, RUNTIME);
    await p.update(id, inputs, { ...inputs, autoReply: { ...inputs.autoReply, message: "Back on January 2" } }, RUNTIME);

    const after = (await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json;
    expect(after.rules).toEqual(before.rules);
    expect(after.forwarding).toEqual(before.forwarding);
    expect(after.vacation).toMatchObject({ enabled: true, end: JAN_2, text: "Back on January 2" });
  });
});

describeEachVersion("MailshareAutoReply", (s) => {
  const autoReply = s.bind(mailshareAutoReplyProvider);
  const filterOf = async (uid: string) => (await s.emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json;

  it("writes the reply in the release's form, keeps the rules and the forwarding, reads it back unchanged and a console edit as drift", async () => {
    const uid = await createRawMailshare(s.emu, "closed-desk", mailshareUid("acme.test", "closed-desk"));
    // A rule and a forwarding made in the console, in the release's model.
    const rule = s.is4
      ? { name: "invoices", criteria: "SUBJECT:CONTAINS: invoice\n", star: false, read: false, delete: false, discard: false, forward: { enabled: false, localCopy: false, emails: [] }, deliver: "closed-desk/Invoices", active: true, stop: true }
      : { client: "bluemind", type: "GENERIC", trigger: "IN", deferred: false, active: true, name: "invoices", clientProperties: {}, stop: true,
          conditions: [{ operator: "AND", negate: false, conditions: [], clientProperties: {}, filter: { operator: "CONTAINS", fields: ["subject"], values: ["invoice"] } }],
          actions: [{ name: "MOVE", subtree: "user", id: null, folder: "Invoices", clientProperties: {} }] };
    await s.emu.api("POST", `/api/mailboxes/acme.test/${uid}/_filter`, { body: { rules: [rule], forwarding: { enabled: true, localCopy: true, emails: ["carol@acme.test"] } } });
    const before = await filterOf(uid);

    const { inputs } = await autoReply.check!({}, { mailshare: uid, autoReply: { start: "2026-12-24", end: "2027-01-02", subject: "Closed", message: "Back on January 2" } });
    const { id } = await autoReply.createWith(inputs, {});
    const later = { ...inputs, autoReply: { ...(inputs.autoReply as object), message: "Back on January 3" } };
    await autoReply.updateWith(id, inputs, later, {});
    const after = await filterOf(uid);
    expect(after.vacation).toEqual({ enabled: true, start: DEC_24, end: JAN_2, subject: "Closed", text: "Back on January 3", textHtml: null });
    expect([after.rules, after.forwarding]).toEqual([before.rules, before.forwarding]);
    s.newRun();
    expect(autoReply.changes((await autoReply.read!(id, later)).inputs!, later)).toEqual([]);

    await s.emu.api("POST", `/api/mailboxes/acme.test/${uid}/_filter`, { body: { ...after, vacation: { ...after.vacation, enabled: false } } });
    s.newRun();
    expect(autoReply.changes(later, (await autoReply.read!(id, later)).inputs!).map((c) => c.path)).toEqual(["autoReply.enabled"]);
    const edited = await filterOf(uid);
    await autoReply.delete!(id, later);
    expect((await filterOf(uid)).rules).toEqual(edited.rules);
  });
});
