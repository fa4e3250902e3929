// MailshareFilters through the real dynamic-provider host: Check → Create → Diff → Update → Read
// (drift) → Delete, plus rules added or reordered by hand in the console, new rule ids on every
// save, rules the format cannot express, bad input, BlueMind's refusals and reads through injected
// 503 faults; in process: the mapping round trip over every field, op and action, and the filters
// and the auto-reply of one mailshare updated in parallel; then, against every release the
// emulator can be, the declared rules written in that release's model and read back.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import type { ProviderHost } from "../support/pulumi-host";
import { startTestEmulator, TEST_KEY, type TestEmulator, createRawMailshare } from "../support/emulator";
import { startHostFor } from "../support/stubs";
import { describeEachVersion } from "../support/versions";
import { mailshareUid } from "../../providers/ids";
import { RUNTIME, useSettings } from "../../providers/runtime";
import { mailshareFiltersProvider, type MailshareFiltersInputs } from "../../providers/filters";
import { mailshareAutoReplyProvider } from "../../providers/autoreply";
import { filterToRule, ruleToFilter, rulesToFilters, unsupportedParts, type LiveFilter } from "../../providers/filter-rules";
import {
  CONDITION_OPS, PRESENCE_OPS, SIZE_OPS, TEXT_FIELDS, TEXT_OPS, type Action, type Condition, type Filter,
} from "../../desired/model";

let emu: TestEmulator;
let host: ProviderHost;

beforeAll(async () => {
  emu = await startTestEmulator();
  host = await startHostFor("MailshareFilters", emu.url, TEST_KEY);
  useSettings({ url: emu.url, apiKey: TEST_KEY, domain: "acme.test" }, "flags");
}, 30_000);
afterAll(async () => {
  await host?.stop();
  await emu?.close();
});
afterEach(() => emu.emulator.setFaults({ failRate: 0, latencyMs: 0 }));

const createMailshare = (name: string) => createRawMailshare(emu, name, mailshareUid("acme.test", name));

const filterPath = (uid: string) => `/api/mailboxes/acme.test/${uid}/_filter`;
const liveFilter = async (uid: string) => (await emu.api("GET", filterPath(uid))).json;
const liveRuleNames = async (uid: string) => (await liveFilter(uid)).rules.map((r: any) => r.name);

/** A rule as the admin console writes it (docs/bluemind-api.md §2.3). */
function consoleRule(name: string, extra: Record<string, unknown> = {}) {
  return {
    client: "bluemind", type: "GENERIC", trigger: "IN", deferred: false, active: true, name, clientProperties: {}, stop: true,
    conditions: [{
      operator: "AND", negate: false, conditions: [], clientProperties: {},
      filter: { operator: "CONTAINS", fields: ["subject"], values: ["newsletter"], comparator: "SUBSTRING", modifier: "NONE" },
    }],
    actions: [{ name: "MARK_AS_READ", clientProperties: {} }],
    ...extra,
  };
}

const RAW_FILTERS = [
  {
    name: "invoices",
    conditions: [{ field: "subject", op: "contains", value: "invoice" }],
    actions: [{ moveTo: "Invoices" }, { markAsRead: true }],
  },
  {
    name: "large",
    match: "any",
    conditions: [{ field: "size", op: "greaterThan", value: "10 MiB" }, { header: "X-Spam-Flag", op: "is", value: "YES" }],
    actions: [{ forwardTo: ["Dave@ACME.test"], keepCopy: false }],
    stop: false,
  },
];

describe("MailshareFilters through the host", () => {
  it("creates, finds no change, updates, reads drift and deletes", async () => {
    const uid = await createMailshare("billing");
    const urn = host.urn("MailshareFilters", "acme.test/billing/filters");
    const checked = await host.check(urn, {}, { mailshare: uid, filters: RAW_FILTERS, forwarding: { to: ["Carol@ACME.test"] } });
    expect(checked.failures).toEqual([]);
    expect(checked.inputs.forwarding).toEqual({ enabled: true, to: ["carol@acme.test"], localCopy: true });
    expect(checked.inputs.filters[1]).toEqual({
      name: "large", active: true, match: "any", stop: false,
      conditions: [{ field: "size", op: "greaterThan", value: 10240 }, { header: "X-Spam-Flag", op: "is", value: "YES" }],
      actions: [{ forwardTo: ["dave@acme.test"], keepCopy: false, asAttachment: false }],
    });

    const created = await host.create(urn, checked.inputs);
    expect(created.id).toBe(`${uid}/filters`);
    const live = await liveFilter(uid);
    // The shapes the admin console writes.
    expect(live.rules[0]).toMatchObject({
      client: "bluemind", type: "GENERIC", trigger: "IN", deferred: false, active: true, name: "invoices", clientProperties: {}, stop: true,
      conditions: [{
        operator: "AND", negate: false, conditions: [], clientProperties: {},
        filter: { operator: "CONTAINS", fields: ["subject"], values: ["invoice"], comparator: "SUBSTRING", modifier: "NONE" },
      }],
      actions: [{ name: "MOVE", subtree: "user", id: null, folder: "Invoices", clientProperties: {} }, { name: "MARK_AS_READ", clientProperties: {} }],
    });
    expect(live.rules[1].conditions.map((c: any) => [c.operator, c.negate, c.filter])).toEqual([
      ["OR", false, { operator: "RANGE", fields: ["size"], lowerBound: "10485760", upperBound: null, inclusive: false }],
      ["OR", false, { operator: "EQUALS", fields: ["headers.X-Spam-Flag"], values: ["YES"] }],
    ]);
    expect(live.rules[1].actions).toEqual([{ name: "REDIRECT", emails: ["dave@acme.test"], keepCopy: false, clientProperties: {} }]);
    expect(live.forwarding).toEqual({ enabled: true, localCopy: true, emails: ["carol@acme.test"] });
    expect((await host.diff(urn, created.id, created.outs, checked.inputs)).changes).toBe("none");

    const moved = (await host.check(urn, checked.inputs, {
      ...checked.inputs, filters: [{ ...checked.inputs.filters[0], actions: [{ moveTo: "Accounting/Invoices" }, { markAsRead: true }] }, checked.inputs.filters[1]],
    })).inputs;
    expect((await host.diff(urn, created.id, created.outs, moved)).changes).toBe("some");
    expect(mailshareFiltersProvider.changes(created.outs, moved).map((c) => c.path)).toEqual(["filters[invoices].actions[0].moveTo"]);
    const updated = await host.update(urn, created.id, created.outs, moved);
    expect((await liveFilter(uid)).rules[0].actions[0].folder).toBe("Accounting/Invoices");

    // Out of band, in the console: a rule added by hand.
    await emu.api("PUT", `/api/mailboxes/acme.test/${uid}/_rules`, { body: consoleRule("newsletters") });
    const read = await host.read(urn, created.id, updated.outs);
    expect(read.inputs.filters.map((f: Filter) => f.name)).toEqual(["invoices", "large", "newsletters"]);
    expect(read.inputs.filters[2]).toEqual({
      name: "newsletters", active: true, match: "all", stop: true,
      conditions: [{ field: "subject", op: "contains", value: "newsletter" }], actions: [{ markAsRead: true }],
    });
    expect((await host.diff(urn, created.id, read.props, moved)).changes).toBe("some");
    expect(mailshareFiltersProvider.changes(read.inputs, moved)).toEqual([{ path: "filters[newsletters]", kind: "delete", old: read.inputs.filters[2] }]);
    await host.update(urn, created.id, read.props, moved);
    expect(await liveRuleNames(uid)).toEqual(["invoices", "large"]);

    // Delete: no rules, no forwarding, and the vacation is left alone.
    const vacation = { enabled: true, start: null, end: null, subject: "Closed", text: "Back soon", textHtml: null };
    await emu.api("POST", `/api/mailboxes/acme.test/${uid}/_vacation`, { body: vacation });
    await host.delete(urn, created.id, moved);
    const after = await liveFilter(uid);
    expect(after.rules).toEqual([]);
    expect(after.forwarding).toEqual({ enabled: false, localCopy: true, emails: [] });
    expect(after.vacation).toEqual(vacation);
    expect((await host.read(urn, created.id, moved)).inputs).toMatchObject({ filters: [], forwarding: null });
  });

  it("finds no change when the console saves again (every rule gets a new id)", async () => {
    const uid = await createMailshare("resaved");
    const urn = host.urn("MailshareFilters", "acme.test/resaved/filters");
    const { inputs } = await host.check(urn, {}, { mailshare: uid, filters: RAW_FILTERS });
    const created = await host.create(urn, inputs);
    const before = await liveFilter(uid);
    await emu.api("POST", filterPath(uid), { body: before });
    const after = await liveFilter(uid);
    expect(after.rules.map((r: any) => r.id)).not.toEqual(before.rules.map((r: any) => r.id));
    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs.filters).toEqual(inputs.filters);
    expect((await host.diff(urn, created.id, read.props, inputs)).changes).toBe("none");
  });

  it("keeps the auto-reply exactly when saving the filters", async () => {
    const uid = await createMailshare("holiday");
    const vacation = { enabled: true, start: Date.UTC(2026, 11, 24), end: Date.UTC(2027, 0, 2), subject: "Closed", text: "Back on January 2", textHtml: "<p>Back</p>" };
    await emu.api("POST", `/api/mailboxes/acme.test/${uid}/_vacation`, { body: vacation });
    const urn = host.urn("MailshareFilters", "acme.test/holiday/filters");
    const { inputs } = await host.check(urn, {}, { mailshare: uid, filters: RAW_FILTERS, forwarding: { to: ["carol@acme.test"] } });
    const created = await host.create(urn, inputs);
    await host.update(urn, created.id, created.outs, { ...inputs, filters: [inputs.filters[1]], forwarding: null });
    expect((await emu.api("GET", `/api/mailboxes/acme.test/${uid}/_vacation`)).json).toEqual(vacation);
    expect(await liveRuleNames(uid)).toEqual(["large"]);
  });

  it("applies a new order, and reads a reordering in the console as drift", async () => {
    const uid = await createMailshare("ordered");
    const urn = host.urn("MailshareFilters", "acme.test/ordered/filters");
    const { inputs } = await host.check(urn, {}, { mailshare: uid, filters: RAW_FILTERS });
    const created = await host.create(urn, inputs);
    const swapped = { ...inputs, filters: [inputs.filters[1], inputs.filters[0]] };
    expect((await host.diff(urn, created.id, created.outs, swapped)).changes).toBe("some");
    expect(mailshareFiltersProvider.changes(created.outs, swapped)).toEqual([
      { path: "filters", kind: "update", old: ["invoices", "large"], new: ["large", "invoices"] },
    ]);
    const updated = await host.update(urn, created.id, created.outs, swapped);
    expect(await liveRuleNames(uid)).toEqual(["large", "invoices"]);

    // Moved back down in the console.
    const first = (await liveFilter(uid)).rules[0];
    await emu.api("POST", `/api/mailboxes/acme.test/${uid}/_rules/${first.id}/DOWN`);
    const read = await host.read(urn, created.id, updated.outs);
    expect(read.inputs.filters.map((f: Filter) => f.name)).toEqual(["invoices", "large"]);
    expect((await host.diff(urn, created.id, read.props, swapped)).changes).toBe("some");
  });

  it("reads rules the format cannot express as drift naming what BlueMind stores, and replaces them", async () => {
    const uid = await createMailshare("exotic");
    const leaf = (operator: string, filter: Record<string, unknown>, negate = false) =>
      ({ operator, negate, conditions: [], clientProperties: {}, filter });
    const subject = (value: string) => ({ operator: "EQUALS", fields: ["subject"], values: [value] });
    await emu.api("POST", filterPath(uid), {
      body: {
        rules: [
          consoleRule("outgoing", { trigger: "OUT" }),
          consoleRule("webmail", { client: "roundcube" }),
          consoleRule("tagging", { actions: [{ name: "ADD_HEADER", headers: { "X-Tag": "1" }, clientProperties: {} }] }),
          consoleRule("grouped", { conditions: [{ operator: "AND", negate: false, clientProperties: {}, filter: null, conditions: [leaf("AND", subject("a"))] }] }),
          consoleRule("mixed", { conditions: [leaf("AND", subject("a")), leaf("AND", subject("b")), leaf("OR", subject("c"))] }),
          consoleRule("caseless", {
            conditions: [leaf("AND", { operator: "CONTAINS", fields: ["subject"], values: ["x"], comparator: "SUBSTRING", modifier: "CASE_INSENSITIVE" })],
          }),
          consoleRule("elsewhere", { actions: [{ name: "COPY", subtree: "mailbox:other", id: null, folder: "Archive", clientProperties: {} }] }),
          consoleRule("odd-size", { conditions: [leaf("AND", { operator: "RANGE", fields: ["size"], lowerBound: "1000", upperBound: null, inclusive: false })] }),
          consoleRule("raw-from", { conditions: [leaf("AND", { operator: "EQUALS", fields: ["from.raw"], values: ["x"] })] }),
          consoleRule("twice"),
          consoleRule("twice"),
        ],
        forwarding: { enabled: false, localCopy: true, emails: [] },
      },
    });
    const urn = host.urn("MailshareFilters", "acme.test/exotic/filters");
    const { inputs } = await host.check(urn, {}, { mailshare: uid, filters: [RAW_FILTERS[0]] });
    const read = await host.read(urn, `${uid}/filters`, inputs);
    const byName = Object.fromEntries((read.inputs.filters as LiveFilter[]).map((f) => [f.name, unsupportedParts(f)]));
    expect(byName).toEqual({
      outgoing: ["rule: trigger OUT (runs on outgoing mail)"],
      webmail: ['rule: client "roundcube" (another application\'s rule)'],
      tagging: ['action ADD_HEADER {"headers":{"X-Tag":"1"}}'],
      grouped: ['condition (subject EQUALS {"values":["a"]})'],
      mixed: ["rule: conditions joined by AND and OR (one match mode per rule)"],
      caseless: ['condition subject CONTAINS {"values":["x"],"comparator":"SUBSTRING","modifier":"CASE_INSENSITIVE"}'],
      elsewhere: ['action COPY {"subtree":"mailbox:other","id":null,"folder":"Archive"}'],
      "odd-size": ['condition size RANGE {"lowerBound":"1000","upperBound":null,"inclusive":false}'],
      "raw-from": ['condition from.raw EQUALS {"values":["x"]}'],
      twice: [],
      "twice (2)": ['rule: another rule is also named "twice"'],
    });
    expect((await host.diff(urn, `${uid}/filters`, read.props, inputs)).changes).toBe("some");
    await host.update(urn, `${uid}/filters`, read.props, inputs);
    const after = await host.read(urn, `${uid}/filters`, inputs);
    expect(after.inputs.filters).toEqual(inputs.filters);
  });

  it("reports bad input at check with the property", async () => {
    const urn = host.urn("MailshareFilters", "acme.test/bad/filters");
    const propertiesOf = async (news: Record<string, unknown>) => (await host.check(urn, {}, news)).failures.map((f) => f.property);
    expect(await propertiesOf({ mailshare: "x", filters: [{ name: "empty", actions: [] }] })).toEqual(["filters[0].actions"]);
    expect(await propertiesOf({ mailshare: "x", filters: [RAW_FILTERS[0], RAW_FILTERS[0]] })).toEqual(["filters[1].name"]);
    expect(await propertiesOf({ mailshare: "x", filters: [{ name: "s", conditions: [{ field: "size", op: "greaterThan", value: "10 MB" }], actions: [{ discard: true }] }] }))
      .toEqual(["filters[0].conditions[0].value"]);
    expect(await propertiesOf({ mailshare: "x", forwarding: { enabled: true } })).toEqual(["forwarding"]);
    expect(await propertiesOf({ mailshare: "x", forwarding: { to: ["not an address"] } })).toEqual(["forwarding.to[0]"]);
    expect(await propertiesOf({ filters: [] })).toEqual(["mailshare"]);
  });

  it("surfaces BlueMind's refusal of forwarding to the mailshare's own address", async () => {
    const uid = await createMailshare("loopy");
    const urn = host.urn("MailshareFilters", "acme.test/loopy/filters");
    const forwarding = await host.check(urn, {}, { mailshare: uid, forwarding: { to: ["Loopy@acme.test"] } });
    // The offline check cannot see the mailshare's addresses (another resource owns them).
    expect(forwarding.failures).toEqual([]);
    const err: any = await host.create(urn, forwarding.inputs).catch((e) => e);
    expect(err.details).toMatch(/HTTP 500 FORBIDDEN: Forwarding to own user emails is not authorized: loopy@acme.test/);

    const rule = await host.check(urn, {}, { mailshare: uid, filters: [{ name: "loop", actions: [{ forwardTo: ["loopy@acme.test"] }] }] });
    const ruleErr: any = await host.create(urn, rule.inputs).catch((e) => e);
    expect(ruleErr.details).toMatch(/FORBIDDEN: Forwarding to own user emails is not authorized/);
    expect((await liveFilter(uid)).rules).toEqual([]);
  });

  it("writes and reads through injected 503 faults, and says it could not read when they persist", async () => {
    const uid = await createMailshare("flaky");
    const urn = host.urn("MailshareFilters", "acme.test/flaky/filters");
    const { inputs } = await host.check(urn, {}, { mailshare: uid, filters: RAW_FILTERS, forwarding: { to: ["carol@acme.test"] } });
    emu.emulator.setFaults({ failRate: 0.5, failStatus: 503, failSeed: 3 });
    const created = await host.create(urn, inputs);
    const read = await host.read(urn, created.id, created.outs);
    expect(read.inputs).toEqual(inputs);

    emu.emulator.setFaults({ failRate: 1, failStatus: 503 });
    // The next deployment reads again, and cannot.
    const err: any = await host.nextDeployment().read(urn, created.id, created.outs).catch((e) => e);
    expect(err.details).toMatch(/HTTP 503/);
  });
});

// ---------------------------------------------------------------------------------------------

/** Every field × op, every header op, both size ops, every action kind and option. */
function everyFilter(): Filter[] {
  const textOps = [...TEXT_OPS, ...PRESENCE_OPS];
  const text = (op: (typeof textOps)[number], subject: { field: (typeof TEXT_FIELDS)[number] } | { header: string }): Condition =>
    ((PRESENCE_OPS as readonly string[]).includes(op) ? { ...subject, op } : { ...subject, op, value: `v-${op}` }) as Condition;
  const conditions: Condition[] = [
    ...TEXT_FIELDS.flatMap((field) => textOps.map((op) => text(op, { field }))),
    ...textOps.map((op) => text(op, { header: "List-Id" })),
    ...SIZE_OPS.map((op): Condition => ({ field: "size", op, value: 10240 })),
  ];
  expect(new Set(conditions.map((c) => c.op))).toEqual(new Set(CONDITION_OPS));
  const actions: Action[] = [
    { markAsRead: true }, { markAsImportant: true }, { delete: true }, { moveTo: "Archive/2026" }, { copyTo: "Copies" },
    { forwardTo: ["dave@acme.test", "erin@acme.test"], keepCopy: true, asAttachment: false },
    { forwardTo: ["dave@acme.test"], keepCopy: false, asAttachment: true }, { discard: true },
  ];
  return [
    { name: "all of them", active: true, match: "all", conditions, actions, stop: true },
    { name: "any of them", active: false, match: "any", conditions: conditions.slice(0, 5), actions: actions.slice(3), stop: false },
    { name: "one, any", active: true, match: "any", conditions: [conditions[0]], actions: [{ discard: true }], stop: true },
    { name: "none, any", active: true, match: "any", conditions: [], actions: [{ markAsRead: true }], stop: true },
  ];
}

describe("Filter ↔ BlueMind rule mapping", () => {
  it("maps every field, op and action to a rule and back unchanged", () => {
    const filters = everyFilter();
    expect(rulesToFilters(filters.map(filterToRule), filters)).toEqual(filters);
    // With at least one condition the rule alone says the match mode.
    for (const f of filters.slice(0, 3)) expect(ruleToFilter(filterToRule(f))).toEqual(f);
  });

  it("round-trips every field, op and action through the emulator with no diff", async () => {
    const uid = await createMailshare("everything");
    const p = mailshareFiltersProvider.definition;
    const inputs: MailshareFiltersInputs = { domain: "acme.test", mailshare: uid, filters: everyFilter(), forwarding: { enabled: false, to: ["dave@acme.test"], localCopy: false } };
    const { id } = await p.create(inputs, RUNTIME);
    const read = await p.read(id, inputs, RUNTIME);
    expect(read!.inputs).toEqual(inputs);
    expect(mailshareFiltersProvider.changes(read!.inputs, inputs)).toEqual([]);
  });
});

describe("MailshareFilters in process", () => {
  it("treats a disabled forwarding as no drift against none, and exports it as it is", async () => {
    const uid = await createMailshare("parked");
    await emu.api("POST", filterPath(uid), { body: { rules: [], forwarding: { enabled: false, localCopy: true, emails: ["Dave@acme.test"] } } });
    const p = mailshareFiltersProvider.definition;
    expect((await p.read(`${uid}/filters`, { domain: "acme.test", mailshare: uid, filters: [], forwarding: null }, RUNTIME))!.inputs.forwarding).toBeNull();
    expect((await p.read(`${uid}/filters`, { domain: "acme.test", mailshare: uid } as any, RUNTIME))!.inputs.forwarding)
      .toEqual({ enabled: false, to: ["dave@acme.test"], localCopy: true });
  });

  it("reads a mailshare deleted out of band as gone", async () => {
    const uid = await createMailshare("vanished");
    await emu.api("DELETE", `/api/mailshares/acme.test/${uid}`);
    for (let i = 0; i < 100 && (await emu.api("GET", `/api/mailshares/acme.test/${uid}/complete`)).status !== 204; i++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await mailshareFiltersProvider.definition.read(`${uid}/filters`, { domain: "acme.test", mailshare: uid, filters: [], forwarding: null }, RUNTIME)).toBeNull();
  });

  it("loses no update when the filters and the auto-reply of one mailshare are saved in parallel", async () => {
    const uid = await createMailshare("contended");
    const filters = mailshareFiltersProvider.definition;
    const autoReply = mailshareAutoReplyProvider.definition;
    const filtersOf = (i: number): MailshareFiltersInputs => ({
      domain: "acme.test", mailshare: uid, forwarding: null,
      filters: [{ name: `round ${i}`, active: true, match: "all", conditions: [], actions: [{ markAsRead: true }], stop: true }],
    });
    const replyOf = (i: number) => ({
      domain: "acme.test", mailshare: uid,
      autoReply: { enabled: true, start: null, end: null, subject: "Closed", message: `round ${i}`, html: null },
    });
    await Promise.all([filters.create(filtersOf(0), RUNTIME), autoReply.create(replyOf(0), RUNTIME)]);
    // Latency widens the window between the filter's read and its write.
    emu.emulator.setFaults({ latencyMs: 15 });
    for (let i = 1; i <= 6; i++) {
      await Promise.all([
        filters.update(`${uid}/filters`, filtersOf(i - 1), filtersOf(i), RUNTIME),
        autoReply.update(`${uid}/auto-reply`, replyOf(i - 1), replyOf(i), RUNTIME),
      ]);
      const live = await liveFilter(uid);
      expect([live.rules.map((r: any) => r.name), live.vacation.text]).toEqual([[`round ${i}`], `round ${i}`]);
    }
  });
});

describeEachVersion("MailshareFilters", (s) => {
  const filters = s.bind(mailshareFiltersProvider);
  const declared = [
    {
      name: "invoices",
      conditions: [{ field: "subject", op: "contains", value: "invoice" }, { field: "from", op: "is", value: "billing@vendor.example" }],
      actions: [{ moveTo: "Invoices" }, { markAsRead: true }],
    },
    { name: "lists", conditions: [{ header: "List-Id", op: "exists" }], actions: [{ forwardTo: ["dave@acme.test"], keepCopy: false }], stop: false },
  ];
  /** A rule made in the console, in the release's model. */
  const consoleMade = (name: string) => (s.is4
    ? { name, criteria: "SUBJECT:CONTAINS: newsletter\n", star: false, read: true, delete: false, discard: false, forward: { enabled: false, localCopy: false, emails: [] }, deliver: null, active: true, stop: true }
    : consoleRule(name));

  it("writes the declared rules and forwarding in the release's model, reads them back unchanged, and a console rule as drift", async () => {
    const uid = await createRawMailshare(s.emu, "billing", mailshareUid("acme.test", "billing"));
    const { inputs, failures } = await filters.check!({}, { mailshare: uid, filters: declared, forwarding: { to: ["carol@acme.test"] } });
    expect(failures).toEqual([]);
    const { id } = await filters.createWith(inputs, {});
    const read = await filters.read!(id, inputs);
    expect(read.inputs).toEqual(inputs);
    expect(filters.changes(read.inputs!, inputs)).toEqual([]);

    const live = (await s.emu.api("GET", `/api/mailboxes/acme.test/${uid}/_filter`)).json;
    expect(live.forwarding).toEqual({ enabled: true, localCopy: true, emails: ["carol@acme.test"] });
    expect((await s.emu.api("POST", `/api/mailboxes/acme.test/${uid}/_filter`, { body: { ...live, rules: [...live.rules, consoleMade("newsletters")] } })).status).toBe(200);
    s.newRun();
    const drifted = await filters.read!(id, inputs);
    expect(filters.changes(inputs, drifted.inputs!).map((c) => [c.path, c.kind])).toEqual([["filters[newsletters]", "add"]]);
    await filters.updateWith(id, drifted.props!, inputs, {});
    s.newRun();
    expect((await filters.read!(id, inputs)).inputs).toEqual(inputs);
  });

  it("refuses at check only what the release cannot express", async () => {
    const { failures } = await filters.check!({}, {
      mailshare: "m", filters: [{ name: "large", conditions: [{ field: "size", op: "greaterThan", value: "10 MiB" }], actions: [{ copyTo: "Large" }] }],
    });
    expect(failures!.map((f) => f.property)).toEqual(s.is4 ? ["filters[0].conditions[0].field", "filters[0].actions[0].copyTo"] : []);
  });
});
