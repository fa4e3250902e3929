// examples/typescript/index.ts declares in code what examples/mailshares.yaml declares in YAML:
// under Pulumi's mocks it registers the same resources, and each one's inputs, once checked by its
// provider (normalised exactly as at `pulumi up`), equal those the YAML program declares.
import { describe, it, expect, beforeAll } from "vitest";
import { installMocks, requireProjectModule, waitForRegistrations, type Registration } from "../support/pulumi-mocks";

let records: Registration[];
let expected: { kind: string; name: string; inputs: Record<string, unknown> }[];

beforeAll(async () => {
  delete process.env.BLUEMIND_URL; // offline: check validates and normalises without server lookups
  records = installMocks();
  requireProjectModule("providers/runtime.ts").setProgressSink(() => {}); // offline-check notices
  const { loadDesiredStateOrThrow } = requireProjectModule("desired/load.ts");
  const { declareMailshare } = requireProjectModule("providers/declarations.ts");
  expected = (await loadDesiredStateOrThrow(["examples/mailshares.yaml"])).flatMap((m: any) => declareMailshare(m));
  requireProjectModule("examples/typescript/index.ts");
  await waitForRegistrations(records, expected.length);
}, 60_000);

describe("the TypeScript example program", () => {
  it("declares the same resources as the YAML", () => {
    expect(records.map((r) => `${r.type.split(":").pop()} ${r.name}`).sort())
      .toEqual(expected.map((d) => `${d.kind} ${d.name}`).sort());
  });

  it("declares the same inputs, once normalised by each provider's check", async () => {
    const { PROVIDERS } = requireProjectModule("providers/registry.ts");
    for (const d of expected) {
      const r = records.find((x) => x.name === d.name)!;
      const { __provider: _, ...raw } = r.inputs;
      const checked = await PROVIDERS[d.kind].check({}, raw);
      expect(checked.failures, d.name).toEqual([]);
      const want = await PROVIDERS[d.kind].check({}, d.inputs);
      expect(PROVIDERS[d.kind].changes(checked.inputs, want.inputs), d.name).toEqual([]);
    }
  });
});
