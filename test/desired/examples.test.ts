// The shipped examples are valid — offline, and against the emulator's default organisation (its users,
// groups, org units, servers and the uniqueness of names and addresses) — and normalise as documented.
import { describe, it, expect } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadDesiredState } from "../../desired/load";
import { formatError } from "../../desired/errors";
import { seedDirectory } from "./fake-directory";

const ROOT = path.resolve(__dirname, "..", "..");
const EXAMPLES = path.join(ROOT, "examples");
const example = (name: string) => path.join(EXAMPLES, name);

async function valid(paths: string[], online: boolean) {
  const result = await loadDesiredState(paths, online ? { lookups: seedDirectory() } : {});
  expect(result.errors.map(formatError)).toEqual([]);
  expect(result.ok).toBe(true);
  return result;
}

describe("examples", () => {
  for (const [name, count] of [["mailshares.yaml", 5], ["minimal.yaml", 1], ["split", 2]] as const) {
    it(`${name} is valid offline and against the default seed`, async () => {
      const offline = await valid([example(name)], false);
      const online = await valid([example(name)], true);
      expect(offline.mailshares.length).toBe(count);
      expect(online.serverChecks).toBe("done");
      expect(online.mailshares).toEqual(offline.mailshares);
    });
  }

  it("all examples together declare distinct mailshares and addresses", async () => {
    const result = await valid([example("mailshares.yaml"), example("minimal.yaml"), example("split")], true);
    expect(result.mailshares.map((m) => m.name)).toEqual(
      ["info", "it-helpdesk", "paris-office", "purchasing", "reception", "sales-desk", "support", "templates"]);
  });

  it("every example file carries the yaml-language-server schema comment", () => {
    const files = ["mailshares.yaml", "minimal.yaml", ...fs.readdirSync(example("split")).map((f) => `split/${f}`)];
    for (const f of files) {
      const first = fs.readFileSync(example(f), "utf8").split("\n")[0];
      const schemaPath = /^# yaml-language-server: \$schema=(\S+)$/.exec(first)?.[1];
      expect(schemaPath, f).toBeDefined();
      expect(fs.existsSync(path.resolve(path.dirname(example(f)), schemaPath!)), f).toBe(true);
    }
  });

  it("normalises the support desk to its canonical form", async () => {
    const { mailshares } = await valid([example("mailshares.yaml")], false);
    const support = mailshares.find((m) => m.name === "support")!;
    expect(support.domain).toBe("acme.test");
    expect(support.declaredAt).toMatchObject({ file: example("mailshares.yaml"), path: "mailshares[0]" });
    expect(support.email).toEqual({ address: "support@acme.test", allDomains: false });
    expect(support.aliases).toEqual([
      { address: "help@acme.test", allDomains: false },
      { address: "helpdesk@acme.test", allDomains: true },
      { address: "support@acme-corp.test", allDomains: false },
    ]);
    expect(support.routing).toBe("internal");
    expect(support.quota).toBe(5 * 1024 * 1024);
    expect(support.shares).toEqual([
      { user: "alice@acme.test", level: "manage" },
      { user: "erin@acme.test", level: "read" },
      { user: "frank", level: "write" },
      { group: "managers", level: "read" },
      { group: "support-team", level: "write" },
    ]);
    expect(support.autoReply).toMatchObject({
      enabled: true, start: Date.UTC(2026, 11, 24), end: Date.UTC(2027, 0, 2), subject: "Support is closed for the holidays",
    });
    expect(support.filters.map((f) => f.name)).toEqual(["spam", "invoices", "urgent", "large attachments", "bounces"]);
    expect(support.filters[1]).toEqual({
      name: "invoices", active: true, match: "any", stop: true,
      conditions: [{ field: "subject", op: "contains", value: "invoice" }, { field: "from", op: "contains", value: "@billing." }],
      actions: [{ moveTo: "Invoices" }, { forwardTo: ["dave@acme.test"], keepCopy: true, asAttachment: false }],
    });
    expect(support.filters[3].conditions).toEqual([{ field: "size", op: "greaterThan", value: 20 * 1024 }]);
    expect(support.identities.map((i) => [i.name, i.email, i.format, i.default])).toEqual([
      ["Support", "support@acme.test", "html", true],
      ["Helpdesk (corporate)", "helpdesk@acme-corp.test", "plain", false],
    ]);
    expect(support.information.photo).toEqual({
      path: example("photos/support-desk.png"),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(support.maintenance).toEqual({ consolidateIndex: "2026-11", check: null, repair: "INC-4711" });
    expect(support.deletionPolicy).toBe("retain");
    expect(support.adopt).toBe(false);
  });

  it("fills defaults for the contact box without email and the delegated box", async () => {
    const { mailshares } = await valid([example("mailshares.yaml")], false);
    const reception = mailshares.find((m) => m.name === "reception")!;
    expect(reception).toMatchObject({
      email: null, aliases: [], routing: "none", quota: null, hidden: false, delegation: null, storageServer: null,
      autoReply: null, forwarding: null, filters: [], identities: [],
    });
    const paris = mailshares.find((m) => m.name === "paris-office")!;
    expect(paris).toMatchObject({ delegation: "/Europe/Paris", storageServer: "mail-2", quota: 1024 * 1024 });
    expect(paris.information.addresses[0]).toEqual({
      label: null, street: "12 rue de la Paix", extended: null, poBox: null, locality: "Paris", region: null,
      postalCode: "75002", country: "France", type: "work",
    });
  });
});
