// clean(): what the provider hands the Pulumi host and the CLI's plan must be what a JSON round trip
// makes of it (no `undefined` anywhere: the host's Struct encoding refuses it), as a copy.
import { describe, expect, it } from "vitest";
import { clean } from "../../providers/validate";

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value ?? null));

describe("clean", () => {
  const samples: [string, unknown][] = [
    ["nested inputs with undefined fields", { domain: "acme.test", quota: undefined, shares: [{ user: "alice", level: "read", note: undefined }], autoReply: { start: null, end: undefined } }],
    ["undefined, functions and non-finite numbers inside lists", [1, undefined, () => 1, NaN, Infinity, -0, "x", null]],
    ["a Date and an object with toJSON", { at: new Date(Date.UTC(2026, 11, 2)), custom: { toJSON: () => ({ kind: "custom" }) } }],
    ["a Buffer", { photo: Buffer.from("png") }],
    ["a __proto__ key read from JSON", JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')],
    ["an object without a prototype", Object.assign(Object.create(null), { a: 1, b: undefined })],
    ["undefined at the top", undefined],
    ["a plain string", "x"],
  ];
  for (const [what, value] of samples) {
    it(`gives what a JSON round trip gives: ${what}`, () => {
      expect(clean(value)).toStrictEqual(roundTrip(value));
      expect(JSON.stringify(clean(value))).toBe(JSON.stringify(roundTrip(value)));
    });
  }

  it("returns a copy: changing the result leaves the input as it was", () => {
    const input = { shares: [{ user: "alice", level: "read" }], autoReply: { subject: "away" } };
    const out = clean(input);
    out.shares[0].level = "manage";
    out.autoReply.subject = "changed";
    expect(input).toEqual({ shares: [{ user: "alice", level: "read" }], autoReply: { subject: "away" } });
  });

  it("a __proto__ key stays data and pollutes nothing", () => {
    const out = clean(JSON.parse('{"__proto__": {"polluted": true}}')) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
