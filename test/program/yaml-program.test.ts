// The Pulumi program (index.ts) under Pulumi's mocks: the resources it declares from
// examples/mailshares.yaml, their types, parents, deletedWith / retainOnDelete wiring, and that no
// secret reaches any input.
import { describe, it, expect, beforeAll } from "vitest";
import { installMocks, requireProjectModule, waitForRegistrations, type Registration } from "../support/pulumi-mocks";

const SECRET = "s3cr3t-api-key-never-in-state";
let records: Registration[];
let outputs: any;
let expected: { kind: string; name: string; mailshare?: string; deletionPolicy: string }[];

beforeAll(async () => {
  process.env.BLUEMIND_API_KEY = SECRET;
  process.env.BLUEMIND_URL = "https://bluemind.example";
  records = installMocks();
  const { loadDesiredStateOrThrow } = requireProjectModule("desired/load.ts");
  const { declareMailshare } = requireProjectModule("providers/declarations.ts");
  const mailshares = await loadDesiredStateOrThrow(["examples/mailshares.yaml"]);
  expected = mailshares.flatMap((m: any) => declareMailshare(m));
  const program = requireProjectModule("index.ts");
  outputs = await program();
  await waitForRegistrations(records, expected.length);
}, 60_000);

const TOKEN = "pulumi-nodejs:dynamic/bluemind:";

describe("the YAML program under mocks", () => {
  it("declares exactly the resource set of every mailshare, with the dynamic type tokens", () => {
    const got = records.map((r) => `${r.type} ${r.name}`).sort();
    const want = expected.map((d) => `${TOKEN}${d.kind} ${d.name}`).sort();
    expect(got).toEqual(want);
    expect(got.filter((g) => g.includes(":Mailshare acme.test/"))).toHaveLength(5);
    expect(records.find((r) => r.name === "acme.test/support/identity/Helpdesk (corporate)")?.type).toBe(`${TOKEN}MailshareIdentity`);
    expect(records.find((r) => r.name === "acme.test/support/maintenance/repair")?.inputs.trigger).toBe("INC-4711");
  });

  it("parents every part to its mailshare, deletes it with it, and retains per the deletion policy", () => {
    const urnOf = new Map(records.filter((r) => r.type === `${TOKEN}Mailshare`).map((r) => [r.name, r.urn]));
    for (const d of expected) {
      const r = records.find((x) => x.name === d.name)!;
      if (d.kind === "Mailshare") {
        expect(r.parent).not.toContain(TOKEN);
        expect(r.retainOnDelete).toBe(d.deletionPolicy === "retain");
        continue;
      }
      const parent = urnOf.get(d.mailshare!)!;
      expect(r.parent).toBe(parent);
      expect(r.deletedWith).toBe(parent);
      expect(r.dependencies).toContain(parent);
      if (d.kind === "MailshareIdentity") {
        // An identity's address may be an alias: identities are created after the aliases.
        expect(r.dependencies).toContain(records.find((x) => x.name === `${d.mailshare}/aliases`)!.urn);
      }
      const always = ["MailshareAliases", "MailshareAcl", "MailshareAutoReply", "MailshareFilters"].includes(d.kind);
      expect(r.retainOnDelete).toBe(always && d.deletionPolicy === "retain");
    }
  });

  it("passes the deterministic mailshare uid to the parts, so previews show real values", () => {
    const support = records.find((r) => r.name === "acme.test/support")!;
    const acl = records.find((r) => r.name === "acme.test/support/acl")!;
    const { mailshareUid } = requireProjectModule("providers/ids.ts");
    expect(acl.inputs.mailshare).toBe(mailshareUid("acme.test", "support"));
    expect(support.inputs.quota).toBe(5 * 1024 * 1024);
  });

  it("puts no secret in any input, and a small provider stub shared by each kind", () => {
    for (const r of records) {
      const text = JSON.stringify(r.inputs);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("apiKey");
      expect(r.inputs.__provider.length).toBeLessThan(8 * 1024);
    }
    const byKind = new Map<string, Set<string>>();
    for (const r of records) {
      if (!byKind.has(r.type)) byKind.set(r.type, new Set());
      byKind.get(r.type)!.add(r.inputs.__provider);
    }
    for (const texts of byKind.values()) expect(texts.size).toBe(1);
  });

  it("exports the mailshares and a summary", async () => {
    expect(outputs.summary).toBe(`5 mailshares (acme.test), ${expected.length} resources`);
    expect(Object.keys(outputs.mailshares).sort()).toEqual([
      "acme.test/paris-office", "acme.test/reception", "acme.test/sales-desk", "acme.test/support", "acme.test/templates",
    ]);
  });
});
