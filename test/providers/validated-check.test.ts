// The CLI's engine checks the resources it declares from loaded mailshares with `validated: true`,
// which skips validating each slice a second time. That is only sound if the loader's canonical
// values are what a full check would make of them: this pins it, kind by kind, on the examples
// (photo, identities, maintenance, forwarding, shares to users and groups, 4.x and 5.x filters).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import { RUNTIME, useSettings } from "../../providers/runtime";
import { PROVIDERS } from "../../providers/registry";
import { declareMailshare } from "../../providers/declarations";
import { loadDesiredStateOrThrow } from "../../desired/load";

let emu: TestEmulator;

beforeAll(async () => {
  emu = await startTestEmulator();
  useSettings({ url: emu.url, apiKey: TEST_KEY, domain: "acme.test" }, "flags");
}, 30_000);
afterAll(async () => {
  await emu?.close();
});

describe("a check of inputs declared from a validated mailshare", () => {
  it("gives exactly what the full check gives, for every resource of the examples", async () => {
    const mailshares = await loadDesiredStateOrThrow(["examples/mailshares.yaml", "examples/split"]);
    const declarations = mailshares.flatMap((m) => declareMailshare(m));
    // Every kind is covered, so that a kind reading more of the slice than it is given is caught.
    expect(new Set(declarations.map((d) => d.kind))).toEqual(new Set(Object.keys(PROVIDERS)));
    for (const d of declarations) {
      const provider = PROVIDERS[d.kind];
      const full = await provider.checkWith({}, d.inputs, {});
      expect(full.failures, d.name).toEqual([]);
      expect(await provider.checkWith({}, d.inputs, { validated: true }), d.name).toEqual(full);
    }
  });

  it("still validates what the Pulumi host hands over: check() takes nothing on trust", async () => {
    const [support] = (await loadDesiredStateOrThrow(["examples/mailshares.yaml"])).filter((m) => m.name === "support");
    const acl = declareMailshare(support).find((d) => d.kind === "MailshareAcl")!;
    const bad = { ...acl.inputs, shares: [{ user: "alice@acme.test", level: "owner" }] };
    const checked = await PROVIDERS.MailshareAcl.check!({}, bad);
    expect(checked.failures).toEqual([expect.objectContaining({ property: "shares[0].level" })]);
    expect(RUNTIME.defaultDomain).toBe("acme.test");
  });
});
