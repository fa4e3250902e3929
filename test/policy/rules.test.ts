// Each built-in rule on mailshare files, through the loader the CLI uses: what it finds, what it lets
// pass, its parameters, and each finding placed at the field in the file (line, column, path).
import { describe, expect, it } from "vitest";
import { brief, violationsOf } from "./support";

const file = (mailshare: string) => `domain: acme.test\nmailshares:\n${mailshare}`;

describe("forwarding-domains", () => {
  const policy = "rules:\n  forwarding-domains: { level: mandatory }\n";
  const yaml = file(`  - name: support
    email: support@acme.test
    forwarding: { to: [team@acme.test, Boss@Gmail.com] }
    filters:
      - name: copy
        actions: [{ forwardTo: [crm@partner.test] }]
      - name: redirect
        conditions: [{ field: subject, op: contains, value: x }]
        actions: [{ markAsRead: true }, { forwardTo: [x@acme.test, y@partner.test], keepCopy: false }]
      - name: off
        active: false
        actions: [{ forwardTo: [z@partner.test] }]
`);

  it("flags forwarding and forward / redirect actions outside the organisation, at the address in the file", async () => {
    expect((await violationsOf(yaml, policy)).map(brief)).toEqual([
      "5:40 mailshares[0].forwarding.to[1] mandatory forwarding-domains: forwards all mail to boss@gmail.com, outside the organisation (acme.test)",
      "8:33 mailshares[0].filters[0].actions[0].forwardTo[0] mandatory forwarding-domains: filter \"copy\" forwards mail to crm@partner.test, outside the organisation (acme.test)",
      "11:68 mailshares[0].filters[1].actions[1].forwardTo[1] mandatory forwarding-domains: filter \"redirect\" redirects mail to y@partner.test, outside the organisation (acme.test)",
    ]);
  });

  it("takes the rule's own list, or the policy's domains, instead of the files' domains", async () => {
    expect(await violationsOf(yaml, "rules:\n  forwarding-domains: { level: advisory, domains: [acme.test, gmail.com, partner.test] }\n")).toEqual([]);
    const top = await violationsOf(yaml, "domains: [acme.test, partner.test]\nrules:\n  forwarding-domains: { level: advisory }\n");
    expect(top.map((v) => `${v.level} ${v.message}`)).toEqual(["advisory forwards all mail to boss@gmail.com, outside the organisation (acme.test, partner.test)"]);
  });

  it("counts the domain's aliases the server knows as the organisation's", async () => {
    const lookups = { domain: async () => ({ name: "acme.test", aliases: ["gmail.com", "partner.test"], defaultAlias: "acme.test" }) } as never;
    expect(await violationsOf(yaml, policy, { lookups })).toEqual([]);
  });

  it("says nothing of a disabled forwarding", async () => {
    expect(await violationsOf(file("  - name: a\n    forwarding: { enabled: false, to: [x@gmail.com] }\n"), policy)).toEqual([]);
  });
});

describe("manage-share", () => {
  it("requires at least one manage share (or the minimum)", async () => {
    const yaml = file("  - name: a\n    shares: [{ user: alice, level: write }]\n  - name: b\n  - name: c\n    shares: [{ group: admins, level: manage }]\n");
    expect((await violationsOf(yaml, "rules:\n  manage-share: { level: mandatory }\n")).map(brief)).toEqual([
      "4:13 mailshares[0].shares mandatory manage-share: nobody manages it: share it with at least one user or group at level manage",
      "5:5 mailshares[1].shares mandatory manage-share: nobody manages it: share it with at least one user or group at level manage",
    ]);
    const two = await violationsOf(yaml, "rules:\n  manage-share: { level: advisory, minimum: 2 }\n");
    expect(two.map((v) => `${v.mailshare}: ${v.message}`)).toContain("c: only 1 manage it: share it with at least 2 users or groups at level manage");
  });
});

describe("auto-reply-end", () => {
  const policy = "rules:\n  auto-reply-end: { level: advisory, maxDays: 30 }\n";
  const now = Date.UTC(2026, 11, 1);
  it("flags an auto-reply that never ends or runs longer than maxDays from its start or today", async () => {
    const yaml = file(`  - name: never
    autoReply: { subject: Away, message: Away }
  - name: long
    autoReply: { start: 2027-01-01, end: 2027-03-01, subject: Away, message: Away }
  - name: running
    autoReply: { start: 2026-01-01, end: 2027-01-15, subject: Away, message: Away }
  - name: fine
    autoReply: { start: 2027-01-01, end: 2027-01-20, subject: Away, message: Away }
  - name: off
    autoReply: { enabled: false, subject: Away, message: Away }
`);
    expect((await violationsOf(yaml, policy, { now })).map(brief)).toEqual([
      "4:16 mailshares[0].autoReply advisory auto-reply-end: the auto-reply never ends: give it an end date at most 30 days after it starts",
      "6:42 mailshares[1].autoReply.end advisory auto-reply-end: the auto-reply ends 2027-03-01, 59 days after its start (2027-01-01): at most 30 days allowed",
      "8:42 mailshares[2].autoReply.end advisory auto-reply-end: the auto-reply ends 2027-01-15, 45 days after today: at most 30 days allowed",
    ]);
  });
});

describe("share-domains", () => {
  it("flags users and groups named by an address of another domain; logins and names are inside", async () => {
    const yaml = file("  - name: a\n    shares:\n      - { user: alice, level: manage }\n      - { user: bob@acme.test, level: read }\n      - { user: eve@rival.test, level: write }\n      - { group: ext@rival.test, level: read }\n");
    expect((await violationsOf(yaml, "rules:\n  share-domains: { level: mandatory }\n")).map(brief)).toEqual([
      "7:17 mailshares[0].shares[2].user mandatory share-domains: shares it (write) with user eve@rival.test, outside the organisation (acme.test)",
      "8:18 mailshares[0].shares[3].group mandatory share-domains: shares it (read) with group ext@rival.test, outside the organisation (acme.test)",
    ]);
  });
});

describe("quota-bounds", () => {
  it("keeps quotas between min and max, and with required: true wants one set", async () => {
    const yaml = file("  - name: small\n    quota: 10 MiB\n  - name: big\n    quota: 20 GiB\n  - name: unset\n  - name: ok\n    quota: 1 GiB\n");
    expect((await violationsOf(yaml, "rules:\n  quota-bounds: { level: advisory, min: 100 MiB, max: 10 GiB, required: true }\n")).map(brief)).toEqual([
      "4:12 mailshares[0].quota advisory quota-bounds: the quota 10 MiB is below the minimum 100 MiB",
      "6:12 mailshares[1].quota advisory quota-bounds: the quota 20 GiB is above the maximum 10 GiB",
      "7:5 mailshares[2].quota advisory quota-bounds: no quota is set (the domain's default applies): set one",
    ]);
  });
});

describe("naming", () => {
  it("matches names and every address against the patterns", async () => {
    const yaml = file("  - name: sales.team\n    email: sales@acme.test\n    aliases: [ventes@acme.test, Sales@Other.test]\n  - name: support\n    email: support@acme.test\n");
    expect((await violationsOf(yaml, "rules:\n  naming: { level: advisory, name: \"^[a-z][a-z0-9-]*$\", address: \"@acme\\\\.test$\" }\n")).map(brief)).toEqual([
      "3:11 mailshares[0].name advisory naming: the name \"sales.team\" does not match ^[a-z][a-z0-9-]*$",
      "5:33 mailshares[0].aliases[1] advisory naming: the alias sales@other.test does not match @acme\\.test$",
    ]);
  });
});

describe("description-required", () => {
  it("wants a description, of at least minLength characters", async () => {
    const yaml = file("  - name: a\n  - name: b\n    description: HR\n  - name: c\n    description: Orders from the web shop\n");
    expect((await violationsOf(yaml, "rules:\n  description-required: { level: advisory, minLength: 5 }\n")).map(brief)).toEqual([
      "3:5 mailshares[0].description advisory description-required: no description: say what the mailshare is for and who answers it",
      "5:18 mailshares[1].description advisory description-required: the description has 2 characters, fewer than 5",
    ]);
  });
});

describe("levels", () => {
  it("a disabled rule finds nothing; the others report at their own level", async () => {
    const yaml = file("  - name: a\n");
    const found = await violationsOf(yaml, "rules:\n  manage-share: { level: disabled }\n  description-required: { level: advisory }\n");
    expect(found.map((v) => `${v.level} ${v.rule}`)).toEqual(["advisory description-required"]);
  });
});
