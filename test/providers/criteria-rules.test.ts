// MailshareFilters against a 4.x BlueMind (the emulator's 4.8 release), whose rules keep their
// conditions in one criteria string: the rules the console writes and how they read back, every
// expressible field, op and action round-tripped with no diff, what 4.x cannot express refused at
// check naming the field (and again before a write, with nothing written), and rules made in the
// console that the format cannot say read as drift. (The 4.8 emulator's own store and checks:
// test/emulator/filters.test.ts.)
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, createRawMailshare, TEST_KEY, type TestEmulator } from "../support/emulator";
import { mailshareUid } from "../../providers/ids";
import { RUNTIME, useSettings } from "../../providers/runtime";
import { mailshareFiltersProvider, type MailshareFiltersInputs } from "../../providers/filters";
import { criteriaRefusals, criteriaRulesToFilters, filterToCriteriaRule } from "../../providers/criteria-rules";
import { unsupportedParts, type LiveFilter } from "../../providers/filter-rules";
import { PRESENCE_OPS, TEXT_OPS, type Filter } from "../../desired/model";

let emu: TestEmulator;

/** A new run: a new client, whose cache has read nothing yet. */
const newRun = () => useSettings({ url: emu.url, apiKey: TEST_KEY, domain: "acme.test" }, "flags");

beforeAll(async () => {
  emu = await startTestEmulator({ bluemindVersion: "4.8" });
  newRun();
}, 30_000);
afterAll(async () => emu?.close());

const p = mailshareFiltersProvider.definition;
const createMailshare = (name: string) => createRawMailshare(emu, name, mailshareUid("acme.test", name));
const filterPath = (uid: string) => `/api/mailboxes/acme.test/${uid}/_filter`;
const liveFilter = async (uid: string) => (await emu.api("GET", filterPath(uid))).json;
const inputsOf = (uid: string, filters: Filter[]): MailshareFiltersInputs => ({ domain: "acme.test", mailshare: uid, filters, forwarding: null });
const filter = (name: string, extra: Partial<Filter> = {}): Filter =>
  ({ name, active: true, match: "all", conditions: [], actions: [{ markAsRead: true }], stop: true, ...extra });

/** A rule as the 4.x admin console writes it (SieveRuleEditorDialog): forward.enabled left false. */
function consoleRule(name: string, extra: Record<string, unknown> = {}) {
  return {
    name, criteria: "SUBJECT:CONTAINS: newsletter\n", star: false, read: true, delete: false, discard: false,
    forward: { enabled: false, localCopy: false, emails: [] }, deliver: null, active: true, stop: true, ...extra,
  };
}

/** Every field, op and action a 4.x rule can hold, each rule within what one 4.x rule can say. */
function expressible(): Filter[] {
  const ops = [...TEXT_OPS, ...PRESENCE_OPS];
  const value = (op: string) => ((PRESENCE_OPS as readonly string[]).includes(op) ? {} : { value: `v: ${op}` });
  return [
    filter("from", { conditions: ops.map((op) => ({ field: "from", op, ...value(op) }) as Filter["conditions"][number]), actions: [{ markAsImportant: true }, { moveTo: "Archive/2026" }] }),
    filter("subject", { conditions: ops.map((op) => ({ field: "subject", op, ...value(op) }) as Filter["conditions"][number]), actions: [{ discard: true }] }),
    filter("recipients and body", {
      conditions: TEXT_OPS.flatMap((op) => [{ field: "toOrCc", op, value: `to ${op}` }, { field: "body", op, value: `body ${op}` }]) as Filter["conditions"],
      actions: [{ forwardTo: ["dave@acme.test", "erin@example.com"], keepCopy: true, asAttachment: false }, { markAsRead: true }],
    }),
    filter("headers", { active: false, stop: false, conditions: ops.map((op) => ({ header: "List-Id", op, ...value(op) }) as Filter["conditions"][number]), actions: [{ forwardTo: ["dave@acme.test"], keepCopy: false, asAttachment: false }] }),
    filter("everything, any", { match: "any", actions: [{ moveTo: "All" }, { markAsImportant: true }] }),
    filter("one, any", { match: "any", conditions: [{ field: "subject", op: "is", value: "" }] }),
  ];
}

describe("Filter ↔ 4.x rule mapping", () => {
  it("writes the console's form: one FIELD:MATCHTYPE: value line per condition, MATCHALL for none, folders under the mailshare's name", () => {
    expect(filterToCriteriaRule(filter("invoices", {
      conditions: [{ field: "from", op: "is", value: "billing@vendor.example" }, { header: "X-Spam-Flag", op: "notExists" }],
      actions: [{ moveTo: "Invoices" }, { forwardTo: ["dave@acme.test"], keepCopy: true, asAttachment: false }],
    }), "desk")).toEqual({
      name: "invoices", criteria: "FROM:IS: billing@vendor.example\nX-Spam-Flag:DOESNOTEXIST: \n", star: false, read: false, delete: false,
      discard: false, forward: { enabled: true, localCopy: true, emails: ["dave@acme.test"] }, deliver: "desk/Invoices", active: true, stop: true,
    });
    expect(filterToCriteriaRule(filter("all mail"), "desk")).toMatchObject({ criteria: "MATCHALL", read: true, deliver: null, forward: { emails: [] } });
  });

  it("maps every expressible field, op and action to a rule and back unchanged, and refuses none of them", () => {
    const filters = expressible();
    expect(criteriaRefusals(filters, "4.8.0")).toEqual([]);
    expect(criteriaRulesToFilters(filters.map((f) => filterToCriteriaRule(f, "desk")), "desk", filters)).toEqual(filters);
  });

  it("reads the console's rules: To is to-or-cc, the folder without the mailshare's name, forwarding whatever `enabled` says", () => {
    const read = criteriaRulesToFilters([
      consoleRule("gwt", {
        criteria: "FROM:IS: a@b.example\nTO:CONTAINS: sales\nBODY:DOESNOTMATCH: *x?\nList-Id:EXISTS: \n",
        star: true, read: false, deliver: "desk/Invoices/2026", forward: { enabled: false, localCopy: true, emails: ["Dave@ACME.test"] }, stop: false,
      }),
      consoleRule("webapp", { criteria: "MATCHALL", deliver: "Elsewhere" }),
    ], "desk");
    expect(read).toEqual([
      {
        name: "gwt", active: true, match: "all", stop: false,
        conditions: [
          { field: "from", op: "is", value: "a@b.example" }, { field: "toOrCc", op: "contains", value: "sales" },
          { field: "body", op: "notMatches", value: "*x?" }, { header: "List-Id", op: "exists" },
        ],
        actions: [{ markAsImportant: true }, { moveTo: "Invoices/2026" }, { forwardTo: ["dave@acme.test"], keepCopy: true, asAttachment: false }],
      },
      { name: "webapp", active: true, match: "all", stop: true, conditions: [], actions: [{ markAsRead: true }, { moveTo: "Elsewhere" }] },
    ]);
  });

  it("marks what the format cannot say, so that it shows as drift", () => {
    const parts = (rule: Record<string, unknown>) => unsupportedParts(criteriaRulesToFilters([consoleRule("r", rule) as never], "desk")[0]);
    expect(parts({ delete: true })).toEqual(["action delete (BlueMind 4.x stores it but does not act on it)"]);
    expect(parts({ criteria: "TO:EXISTS: \nBODY:DOESNOTEXIST: \n" })).toEqual(['4.x condition "TO:EXISTS: "', '4.x condition "BODY:DOESNOTEXIST: "']);
    expect(parts({ criteria: "SUBJECT:STARTS: x\ngarbage\n\nSUBJECT:IS:x" })).toEqual(
      ['4.x condition "SUBJECT:STARTS: x"', '4.x condition "garbage"', '4.x condition ""', '4.x condition "SUBJECT:IS:x"']);
    expect(parts({ criteria: null })).toEqual(["rule: no criteria (BlueMind 4.x does not run a rule without criteria)"]);
    expect(parts({ deliver: "  " })).toEqual(['action deliver "  "']);
    const named = criteriaRulesToFilters([consoleRule(""), consoleRule("twice"), consoleRule("twice")] as never[], "desk");
    expect(named.map((f) => [f.name, unsupportedParts(f)])).toEqual([
      ["(unnamed)", ["rule: rule without a name"]], ["twice", []], ["twice (2)", ['rule: another rule is also named "twice"']],
    ]);
  });

  it("takes the declared action order and, under two conditions, the declared match mode: 4.x records neither", () => {
    const declared = filter("f", { match: "any", conditions: [{ field: "subject", op: "is", value: "x" }], actions: [{ moveTo: "A" }, { markAsRead: true }] });
    const [read] = criteriaRulesToFilters([filterToCriteriaRule(declared, "desk")], "desk", [declared]);
    expect(read).toEqual(declared);
    expect(criteriaRulesToFilters([filterToCriteriaRule(declared, "desk")], "desk")[0]).toMatchObject({ match: "all", actions: [{ markAsRead: true }, { moveTo: "A" }] });
  });
});

/** Each inexpressible form, the property its refusal names, and what the reason says. */
const INEXPRESSIBLE: [string, Filter, string, RegExp][] = [
  ["match any", filter("f", { match: "any", conditions: [{ field: "from", op: "is", value: "a" }, { field: "subject", op: "is", value: "b" }] }), "filters[0].match", /has no "any"/],
  ["size", filter("f", { conditions: [{ field: "size", op: "greaterThan", value: 10 }] }), "filters[0].conditions[0].field", /no size condition/],
  ["to alone", filter("f", { conditions: [{ field: "to", op: "is", value: "a" }] }), "filters[0].conditions[0].field", /To alone.*toOrCc/],
  ["cc alone", filter("f", { conditions: [{ field: "cc", op: "is", value: "a" }] }), "filters[0].conditions[0].field", /Cc alone.*toOrCc/],
  ["toOrCc exists", filter("f", { conditions: [{ field: "toOrCc", op: "exists" }] }), "filters[0].conditions[0].op", /To header only/],
  ["body exists", filter("f", { conditions: [{ field: "body", op: "notExists" }] }), "filters[0].conditions[0].op", /has a body/],
  ["header named as a criterion", filter("f", { conditions: [{ header: "TO", op: "is", value: "a" }] }), "filters[0].conditions[0].header", /own toOrCc condition.*e\.g\. To$/],
  ["line break", filter("f", { conditions: [{ field: "subject", op: "is", value: "a\nb" }] }), "filters[0].conditions[0].value", /line break/],
  ["copyTo", filter("f", { actions: [{ copyTo: "Copies" }] }), "filters[0].actions[0].copyTo", /cannot copy/],
  ["delete", filter("f", { actions: [{ delete: true }] }), "filters[0].actions[0].delete", /does not act on it/],
  ["as attachment", filter("f", { actions: [{ forwardTo: ["dave@acme.test"], keepCopy: true, asAttachment: true }] }), "filters[0].actions[0].asAttachment", /not as an attachment/],
  ["two moves", filter("f", { actions: [{ moveTo: "A" }, { moveTo: "B" }] }), "filters[0].actions[1]", /a second moveTo/],
  ["read and important", filter("f", { actions: [{ markAsRead: true }, { markAsImportant: true }] }), "filters[0].actions[1].markAsImportant", /both read and important/],
  ["backslash in a folder", filter("f", { actions: [{ moveTo: "A\\B" }] }), "filters[0].actions[0].moveTo", /unescaped/],
];

describe("MailshareFilters on BlueMind 4.8", () => {
  it("creates rules in the console's form, reads them back with no diff, and reads a console rule as drift", async () => {
    const uid = await createMailshare("desk");
    const inputs = inputsOf(uid, expressible());
    const { id } = await p.create(inputs, RUNTIME);
    const live = await liveFilter(uid);
    expect(live.rules[0]).toEqual({
      name: "from", star: true, read: false, delete: false, discard: false, deliver: "desk/Archive/2026",
      forward: { enabled: false, localCopy: false, emails: [] }, active: true, stop: true,
      criteria: "FROM:IS: v: is\nFROM:ISNOT: v: isNot\nFROM:CONTAINS: v: contains\nFROM:DOESNOTCONTAIN: v: notContains\n" +
        "FROM:MATCHES: v: matches\nFROM:DOESNOTMATCH: v: notMatches\nFROM:EXISTS: \nFROM:DOESNOTEXIST: \n",
    });
    const read = await p.read(id, inputs, RUNTIME);
    expect(read!.inputs).toEqual(inputs);
    expect(mailshareFiltersProvider.changes(read!.inputs, inputs)).toEqual([]);

    // In the console: a rule added, and one given the delete flag 4.x ignores.
    await emu.api("POST", filterPath(uid), { body: { ...live, rules: [...live.rules.map((r: any, i: number) => (i === 1 ? { ...r, delete: true } : r)), consoleRule("newsletters")] } });
    newRun();
    const drifted = await p.read(id, inputs, RUNTIME);
    expect(mailshareFiltersProvider.changes(drifted!.inputs, inputs).map((c) => [c.path, c.kind])).toEqual([
      ["filters[newsletters]", "delete"], ["filters[subject].actions[1]", "delete"],
    ]);
    expect(unsupportedParts((drifted!.inputs.filters as LiveFilter[])[1])).toEqual(["action delete (BlueMind 4.x stores it but does not act on it)"]);
    await p.update(id, drifted!.inputs, inputs, RUNTIME);
    newRun();
    expect((await p.read(id, inputs, RUNTIME))!.inputs).toEqual(inputs);
  });

  it("refuses at check, naming the field, what a 4.x rule cannot express", async () => {
    for (const [what, f, property, reason] of INEXPRESSIBLE) {
      const { failures } = await mailshareFiltersProvider.check!({}, { domain: "acme.test", mailshare: "x", filters: [f] });
      expect(failures, what).toHaveLength(1);
      expect(failures![0].property, what).toBe(property);
      expect(failures![0].reason, what).toMatch(/^BlueMind 4\.8\.0 /);
      expect(failures![0].reason, what).toMatch(reason);
    }
  });

  it("refuses them again before a write (inputs not checked against this server), writing nothing", async () => {
    const uid = await createMailshare("unchecked");
    const before = await liveFilter(uid);
    const err = await p.create(inputsOf(uid, [INEXPRESSIBLE[0][1], INEXPRESSIBLE[1][1]]), RUNTIME).catch((e) => e);
    expect(err.message).toMatch(/^filters\[0\]\.match: BlueMind 4\.8\.0 .*; filters\[1\]\.conditions\[0\]\.field: .*: nothing was written$/);
    expect(await liveFilter(uid)).toEqual(before);
  });
});
