// Server cross-checks through `DirectoryLookups`, with the in-memory directory of the default seed.
import { describe, it, expect } from "vitest";
import { checkSources } from "../../desired/load";
import { formatError } from "../../desired/errors";
import type { DirectoryLookups } from "../../desired/online";
import { seedDirectory } from "./fake-directory";

async function errorsOf(text: string, lookups: DirectoryLookups = seedDirectory()): Promise<string[]> {
  const result = await checkSources([{ file: "f.yaml", text, baseDir: __dirname }], { lookups });
  expect(result.serverChecks).toBe("done");
  return result.errors.map(formatError);
}

describe("server cross-checks", () => {
  it("refuses an unknown domain, and a domain alias in place of the domain name, once per file", async () => {
    expect(await errorsOf("domain: gamma.test\nmailshares:\n  - name: a\n  - name: b\n")).toEqual([
      "f.yaml:1:9: domain: expected a domain of the server, found gamma.test, which it does not know",
    ]);
    expect(await errorsOf("domain: ACME-corp.test\nmailshares:\n  - name: a\n")).toEqual([
      "f.yaml:1:9: domain: expected the domain's name, found its alias acme-corp.test: write domain: acme.test",
    ]);
  });

  it("accepts addresses on the domain and its aliases only", async () => {
    expect(await errorsOf(`domain: acme.test
mailshares:
  - name: desk
    email: desk@acme.test
    aliases: [desk@acme-corp.test, desk@acme.tset, { address: desk2@beta.test, allDomains: true }]
`)).toEqual([
      `f.yaml:5:36: mailshares[0].aliases[1]: expected an address at acme.test or acme-corp.test, found desk@acme.tset (did you mean "acme.test"?)`,
      "f.yaml:5:52: mailshares[0].aliases[2]: expected an address at acme.test or acme-corp.test, found desk2@beta.test",
    ]);
  });

  it("checks identity addresses reached through allDomains against the domain's names", async () => {
    expect(await errorsOf(`domain: acme.test
mailshares:
  - name: desk
    email: desk@acme.test
    aliases: [{ address: help@acme.test, allDomains: true }]
    identities:
      - { name: corp, email: help@acme-corp.test }
      - { name: elsewhere, email: help@other.test }
`)).toEqual([
      "f.yaml:8:35: mailshares[0].identities[1].email: expected an address at acme.test or acme-corp.test, found help@other.test",
    ]);
  });

  it("finds share subjects by login, e-mail or group name, and sees two names of one subject (once)", async () => {
    expect(await errorsOf(`domain: acme.test
mailshares:
  - name: desk
    shares:
      - { user: alice, level: manage }
      - { user: Alice@acme.test, level: read }
      - { user: zoe, level: read }
      - { group: sales@acme.test, level: write }
      - { group: sales, level: read }
      - { group: nobody, level: read }
`)).toEqual([
      "f.yaml:6:17: mailshares[0].shares[1].user: user Alice@acme.test is the same user as shares[0]: give each user or group one level",
      "f.yaml:7:17: mailshares[0].shares[2].user: expected the login or e-mail address of a user of acme.test, found zoe, which the server does not know",
      "f.yaml:9:18: mailshares[0].shares[4].group: group sales is the same group as shares[3]: give each user or group one level",
      "f.yaml:10:18: mailshares[0].shares[5].group: expected the name or e-mail address of a group of acme.test, found nobody, which the server does not know",
    ]);
  });

  it("sends nothing while the files have an error of their own: the server checks wait for the offline ones to pass", async () => {
    const asked: string[] = [];
    const directory = seedDirectory();
    const counting = new Proxy(directory, {
      get: (target, key) => {
        const lookup = target[key as keyof DirectoryLookups] as ((...a: unknown[]) => unknown) | undefined;
        if (typeof lookup !== "function") return lookup;
        return (...args: unknown[]) => {
          asked.push(String(key));
          return lookup.apply(target, args);
        };
      },
    });
    let connected = 0;
    const text = `domain: acme.test
mailshares:
  - name: desk
    shares:
      - { user: zoe, level: read }
      - { group: sales, level: read, extra: 1 }
`;
    for (const lookups of [counting, async () => { connected++; return counting; }]) {
      const result = await checkSources([{ file: "f.yaml", text, baseDir: __dirname }], { lookups });
      expect(result.serverChecks).toBe("withheld");
      // The schema error only: the unknown user zoe is found once it is fixed.
      expect(result.errors.map(formatError)).toEqual([expect.stringMatching(/^f\.yaml:6:38: mailshares\[0\]\.shares\[1\]\.extra: unknown key "extra"/)]);
    }
    expect(asked).toEqual([]);
    expect(connected).toBe(0);
    // Fixed, the same file is checked against the server, through lookups connected on demand.
    const fixed = await checkSources([{ file: "f.yaml", text: text.replace(", extra: 1", ""), baseDir: __dirname }], { lookups: async () => { connected++; return counting; } });
    expect(fixed.serverChecks).toBe("done");
    expect(fixed.errors.map(formatError)).toEqual([expect.stringContaining("found zoe, which the server does not know")]);
    expect(connected).toBe(1);
    expect(asked.length).toBeGreaterThan(0);
  });

  it("checks the delegation org unit and the storage server (mail/imap, assigned to the domain)", async () => {
    expect(await errorsOf(`domain: acme.test
mailshares:
  - { name: a, delegation: /Europe/Paris, storageServer: mail-2.acme.test }
  - { name: b, delegation: /Europe/Madrid, storageServer: mail-9 }
  - { name: c, storageServer: mail-3 }
  - { name: d, storageServer: core }
`)).toEqual([
      "f.yaml:4:28: mailshares[1].delegation: expected an org unit of acme.test (path such as /Europe/Paris, or uid), found /Europe/Madrid, which the server does not know",
      "f.yaml:4:59: mailshares[1].storageServer: expected a server name, fqdn or uid, found mail-9, which the server does not know",
      "f.yaml:5:31: mailshares[2].storageServer: expected a mail/imap server assigned to acme.test, found mail-3 (mail-3.beta.test), which is not",
      "f.yaml:6:31: mailshares[3].storageServer: expected a mail/imap server assigned to acme.test, found core (core.acme.test), which is not",
    ]);
  });

  it("refuses a name held by another kind of mailbox, but not an existing mailshare (adopt or update)", async () => {
    expect(await errorsOf(`domain: acme.test
mailshares:
  - name: sales
  - name: bob
  - name: noreply
    adopt: true
`)).toEqual([
      'f.yaml:3:11: mailshares[0].name: name "sales" is already used by group sales: mailbox names are unique across users, groups and mailshares',
      'f.yaml:4:11: mailshares[1].name: name "bob" is already used by user bob: mailbox names are unique across users, groups and mailshares',
    ]);
  });

  it("refuses addresses the server gives to other mailboxes, allDomains expanded to every domain name", async () => {
    expect(await errorsOf(`domain: acme.test
mailshares:
  - name: team
    email: support-team@acme.test
    aliases: [alice.martin@acme.test, { address: bob@acme-corp.test, allDomains: true }, noreply@acme.test]
`)).toEqual([
      "f.yaml:4:12: mailshares[0].email: address support-team@acme.test is already used by group support-team on the server: an address belongs to one mailbox only",
      "f.yaml:5:15: mailshares[0].aliases[0]: address alice.martin@acme.test is already used by user alice on the server: an address belongs to one mailbox only",
      "f.yaml:5:39: mailshares[0].aliases[1]: address bob@acme.test is already used by user bob on the server: an address belongs to one mailbox only",
      "f.yaml:5:90: mailshares[0].aliases[2]: address noreply@acme.test is already used by mailshare noreply on the server: an address belongs to one mailbox only",
    ]);
  });

  it("lets an address move between declared mailshares (the server's current holder is declared too)", async () => {
    expect(await errorsOf(`domain: acme.test
mailshares:
  - name: noreply
    adopt: true
  - name: robot
    email: noreply@acme.test
`)).toEqual([]);
  });

  it("skips the address-owner check when the lookups cannot search by address", async () => {
    const lookups = seedDirectory(undefined, { withEmailLookup: false });
    expect(await errorsOf("domain: acme.test\nmailshares:\n  - { name: x, email: bob@acme.test }\n", lookups)).toEqual([]);
  });

  it("checks routing external and the quota against the domain settings when known", async () => {
    const text = "domain: acme.test\nmailshares:\n  - { name: x, email: x@acme.test, routing: external, quota: 11 GiB }\n";
    expect(await errorsOf(text)).toEqual([
      "f.yaml:3:62: mailshares[0].quota: expected at most 10 GiB (the maximum mailshare quota of acme.test), found 11 GiB",
    ]);
    const lookups = seedDirectory();
    const noRelay: DirectoryLookups = {
      ...lookups,
      domain: async (n) => {
        const d = await lookups.domain(n);
        return d && { ...d, externalRoutingAvailable: false, maxMailshareQuotaKiB: undefined };
      },
    };
    expect(await errorsOf(text, noRelay)).toEqual([
      "f.yaml:3:45: mailshares[0].routing: routing external needs a relay host, but acme.test has none configured (domain setting mail_routing_relay)",
    ]);
  });

  it("asks the server once per distinct question", async () => {
    const lookups = seedDirectory();
    await errorsOf(`domain: acme.test
mailshares:
  - { name: a, storageServer: mail-1, shares: [{ group: staff, level: read }] }
  - { name: b, storageServer: mail-1, shares: [{ group: staff, level: read }] }
`, lookups);
    expect(lookups.calls.filter((c) => c === "server acme.test mail-1")).toHaveLength(1);
    expect(lookups.calls.filter((c) => c === "group acme.test staff")).toHaveLength(1);
    expect(lookups.calls.filter((c) => c.startsWith("domain "))).toHaveLength(1);
  });

  const TWO = "domain: acme.test\nmailshares:\n  - { name: a, shares: [{ user: bob, level: read }] }\n  - { name: b, shares: [{ group: staff, level: read }] }\n";

  it("reports a mailshare whose lookup failed as not checked, at its line, never as missing (default: an error)", async () => {
    const failing: DirectoryLookups = { ...seedDirectory(), user: async () => { throw new Error("HTTP 500 connection reset"); } };
    const result = await checkSources([{ file: "f.yaml", text: TWO }], { lookups: failing });
    expect(result.ok).toBe(false);
    expect(result.errors.map(formatError)).toEqual([
      'f.yaml:3:5: mailshares[0]: mailshare "a" could not be checked against the server: HTTP 500 connection reset',
    ]);
    expect(result.mailshares.map((m) => m.name)).toEqual(["b"]);
    expect(result.unverified).toEqual([
      { domain: "acme.test", name: "a", file: "f.yaml", line: 3, column: 5, path: "mailshares[0]", error: "HTTP 500 connection reset" },
    ]);
  });

  it("with unverifiedAs report, loads the rest and lists the unchecked mailshares", async () => {
    const failing: DirectoryLookups = { ...seedDirectory(), user: async () => { throw new Error("HTTP 403 no directory rights"); } };
    const result = await checkSources([{ file: "f.yaml", text: TWO }], { lookups: failing, unverifiedAs: "report" });
    expect(result.ok).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.mailshares.map((m) => m.name)).toEqual(["b"]);
    expect(result.unverified.map((u) => [u.name, u.line, u.error])).toEqual([["a", 3, "HTTP 403 no directory rights"]]);
  });

  it("makes every mailshare of a domain unverified when the domain lookup fails, and still checks the others", async () => {
    const directory = seedDirectory();
    const failing: DirectoryLookups = {
      ...directory,
      domain: async (n) => { if (n === "acme.test") throw new Error("HTTP 500 Internal Server Error"); return directory.domain(n); },
    };
    const other = "domain: gamma.test\nmailshares:\n  - { name: c }\n";
    const result = await checkSources([{ file: "a.yaml", text: TWO }, { file: "g.yaml", text: other }], { lookups: failing, unverifiedAs: "report" });
    expect(result.unverified.map((u) => `${u.file}:${u.line} ${u.domain}/${u.name}: ${u.error}`)).toEqual([
      "a.yaml:3 acme.test/a: HTTP 500 Internal Server Error",
      "a.yaml:4 acme.test/b: HTTP 500 Internal Server Error",
    ]);
    expect(result.errors.map(formatError)).toEqual([
      "g.yaml:1:9: domain: expected a domain of the server, found gamma.test, which it does not know",
    ]);
    expect(result.ok).toBe(false);
    expect(result.mailshares).toEqual([]);
  });
});
