// The policy as a Pulumi CrossGuard pack, proven through the analyzer host the SDK ships: each pack
// is started as the engine starts a Node.js pack (in its folder) and called over gRPC. The same rule
// implementations judge the providers' inputs, raw as a TypeScript program writes them or
// normalised as the YAML program declares them.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PolicyHost } from "../support/policy-host";
import { UNKNOWN, analyzeStackAt, cliViolations, packWith, programResources } from "./pack-host";

const ROOT = path.resolve(__dirname, "..", "..");

describe("the example pack (examples/policy-pack)", () => {
  let host: PolicyHost;
  beforeAll(async () => {
    host = await PolicyHost.start(path.join(ROOT, "examples", "policy-pack"));
  }, 60_000);
  afterAll(async () => host?.stop());

  it("serves one policy per rule of examples/policy/bmshare.policy.yaml, at its level", async () => {
    const info = await host.info();
    expect(info.name).toBe("bmshare");
    expect(info.version).toBe("0.1.0");
    expect(info.policies.map((p) => `${p.name} ${p.level}`)).toEqual([
      "forwarding-domains mandatory", "manage-share mandatory", "share-domains mandatory", "auto-reply-end advisory",
      "quota-bounds advisory", "naming advisory", "description-required advisory",
    ]);
    expect(info.policies[1].description).toBe("bmshare: every mailshare is shared at level manage with at least one user or group (or the rule's minimum)");
  });

  it("lets the example's resources pass and stops forwarding to gmail", async () => {
    await host.configureStack("production", "acme-mail");
    expect(await host.analyze("MailshareFilters", "acme.test/sales/filters", {
      domain: "acme.test", mailshare: "uid", filters: [], forwarding: { enabled: true, to: ["leads@crm.example.com"], localCopy: true },
    })).toEqual([]);
    expect(await host.analyze("MailshareFilters", "acme.test/sales/filters", {
      domain: "acme.test", mailshare: "uid", filters: [], forwarding: { to: ["Someone@Gmail.com"] },
    })).toEqual([{
      policy: "forwarding-domains", level: "mandatory",
      message: "bmshare: forwarding and filter forward actions send mail only to the organisation's domains (or the rule's list)\n" +
        "acme.test/sales/filters: forwarding.to[0]: forwards all mail to someone@gmail.com, outside the organisation (acme.test, acme-corp.test, crm.example.com)",
    }]);
  });
  it("judges the example's mailshares, declared as mailsharesProgram declares them, as bmshare validate does", async () => {
    const files = [path.join(ROOT, "examples", "mailshares.yaml")];
    const resources = await programResources(files);
    const found = [...(await Promise.all(resources.map((r) => host.analyze(r.kind, r.name, r.props)))).flat(), ...(await analyzeStackAt(host, resources))];
    const cli = await cliViolations(files, fs.readFileSync(path.join(ROOT, "examples", "policy", "bmshare.policy.yaml"), "utf8"), Date.now());
    expect(cli.map((v) => `${v.level} ${v.rule}: ${v.message}`)).toEqual(["advisory description-required: no description: say what the mailshare is for and who answers it"]);
    expect(found.map((d) => `${d.level} ${d.policy}: ${d.message.split("\n")[1].replace(/^\S+: \S+: /, "")}`)).toEqual(cli.map((v) => `${v.level} ${v.rule}: ${v.message}`));
  });
});

describe("a team's pack with every rule", () => {
  let host: PolicyHost;
  const now = new Date();
  const inDays = (n: number) => new Date(now.getTime() + n * 86_400_000).toISOString().slice(0, 10);
  beforeAll(async () => {
    // The domains listed: the domain rules judge each resource (without them, the stack: pack-stack.test.ts).
    host = await PolicyHost.start(packWith(`domains: [acme.test]
rules:
  forwarding-domains: { level: mandatory }
  manage-share: { level: mandatory }
  auto-reply-end: { level: advisory, maxDays: 30 }
  share-domains: { level: mandatory }
  quota-bounds: { level: advisory, max: 10 GiB }
  naming: { level: advisory, name: "^[a-z-]+$", address: "@acme\\\\.test$" }
  description-required: { level: advisory }
`));
  }, 60_000);
  afterAll(async () => host?.stop());

  const messages = (ds: { policy: string; level: string; message: string }[]) => ds.map((d) => `${d.level} ${d.policy}: ${d.message.split("\n")[1]}`);

  it("judges a Mailshare's inputs as a TypeScript program writes them (sizes, case)", async () => {
    const ds = await host.analyze("Mailshare", "acme.test/Big_Box", { domain: "acme.test", name: "big_box", email: "Big@Other.test", quota: "20 GiB" });
    expect(messages(ds)).toEqual([
      "advisory quota-bounds: acme.test/Big_Box: quota: the quota 20 GiB is above the maximum 10 GiB",
      "advisory naming: acme.test/Big_Box: name: the name \"big_box\" does not match ^[a-z-]+$",
      "advisory naming: acme.test/Big_Box: email: the address big@other.test does not match @acme\\.test$",
      "advisory description-required: acme.test/Big_Box: description: no description: say what the mailshare is for and who answers it",
    ]);
    expect(await host.analyze("Mailshare", "acme.test/ok", { domain: "acme.test", name: "ok", description: "Orders", email: "ok@acme.test", quota: 1048576 })).toEqual([]);
  });

  it("judges sharing, auto-replies and filters on their own resources", async () => {
    const acl = await host.analyze("MailshareAcl", "acme.test/a/acl", { domain: "acme.test", mailshare: "u", shares: [{ user: "eve@rival.test", level: "write" }] });
    expect(messages(acl)).toEqual([
      "mandatory manage-share: acme.test/a/acl: shares: nobody manages it: share it with at least one user or group at level manage",
      "mandatory share-domains: acme.test/a/acl: shares[0].user: shares it (write) with user eve@rival.test, outside the organisation (acme.test)",
    ]);
    const reply = await host.analyze("MailshareAutoReply", "acme.test/a/auto-reply", {
      domain: "acme.test", mailshare: "u", autoReply: { subject: "Away", message: "Away", end: inDays(90) },
    });
    expect(messages(reply)).toEqual([expect.stringMatching(/^advisory auto-reply-end: acme\.test\/a\/auto-reply: autoReply\.end: the auto-reply ends \S+, 9\d days after today: at most 30 days allowed$/)]);
    const filters = await host.analyze("MailshareFilters", "acme.test/a/filters", {
      domain: "acme.test", mailshare: "u", filters: [{ name: "out", actions: [{ forwardTo: ["x@partner.test"], keepCopy: false }] }],
    });
    expect(messages(filters)).toEqual(["mandatory forwarding-domains: acme.test/a/filters: filters[0].actions[0].forwardTo[0]: filter \"out\" redirects mail to x@partner.test, outside the organisation (acme.test)"]);
  });

  it("leaves alone resources no rule reads, inputs the provider's check refuses, and reports what preview cannot know yet", async () => {
    expect(await host.analyze("MailshareIdentity", "acme.test/a/identity/x", { domain: "acme.test", mailshare: "u", name: "x", email: "x@gmail.com" })).toEqual([]);
    expect(await host.analyze("MailshareAcl", "acme.test/a/acl", { domain: "acme.test", mailshare: "u", shares: [{ user: "a", level: "owner" }] })).toEqual([]);
    const unknown = await host.analyze("MailshareAcl", "acme.test/a/acl", { domain: "acme.test", mailshare: "u", shares: UNKNOWN });
    expect(unknown.map((d) => `${d.level} ${d.policy}`)).toEqual(["advisory manage-share", "advisory share-domains"]);
    expect(unknown[0].message).toMatch(/^can't run policy 'manage-share' from policy pack 'acme-mail@v1\.2\.3' during preview/);
    expect(await host.analyzeStack([{ kind: "MailshareAcl", name: "acme.test/a/acl", props: { domain: "acme.test", mailshare: "u", shares: [] } }])).toEqual([]);
  });
});

describe("a pack whose policy file is broken", () => {
  it("does not start, and says where the policy is wrong", async () => {
    const dir = packWith("rules:\n  naming: { level: mandatory, name: \"(\" }\n");
    await expect(PolicyHost.start(dir)).rejects.toThrow(/bmshare\.policy\.yaml:2:37: rules\.naming\.name: expected a regular expression, found "\("/);
  }, 60_000);
});
