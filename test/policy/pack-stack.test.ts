// The policy pack on whole mailshares, through the analyzer host the SDK ships (test/support/policy-host.ts):
// AnalyzeStack assembles each mailshare from its Mailshare and the parts that name it, so that what
// no resource declares (no MailshareAcl: nobody manages it) is judged as the CLI judges it, and the
// pack's verdicts on the resources mailsharesProgram declares are the CLI's on the same files.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailshareUid } from "../../providers/ids";
import { PolicyHost, type Diagnostic } from "../support/policy-host";
import { UNKNOWN, analyzeStackAt, cliViolations, packWith, programResources, urnOf, type StackEntry } from "./pack-host";

const DAY_MS = 86_400_000;
const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
const inDays = (n: number) => new Date(today + n * DAY_MS).toISOString().slice(0, 10);

const RULES = `  forwarding-domains: { level: mandatory }
  manage-share: { level: mandatory }
  auto-reply-end: { level: advisory, maxDays: 30 }
  share-domains: { level: mandatory }
  quota-bounds: { level: advisory, max: 10 GiB, required: true }
  naming: { level: advisory, name: "^[a-z-]+$", address: "@acme(-corp)?\\\\.test$" }
  description-required: { level: advisory, minLength: 5 }
`;
/** The organisation's domains are the stack's, as the CLI's are its files': the domain rules run on the stack. */
const FROM_STACK = `rules:\n${RULES}`;
/** The domains listed, other levels: every rule but manage-share's missing ACLs is judged per resource. */
const LISTED = `domains: [acme.test]\nrules:\n${RULES.replace("manage-share: { level: mandatory }", "manage-share: { level: advisory }").replace("share-domains: { level: mandatory }", "share-domains: { level: advisory }")}`;

/** `level rule mailshare field: message`, the same for the CLI's violations and the pack's diagnostics. */
type Verdict = string;

/** Every diagnostic of the pack on `entries`: Analyze on each resource, then AnalyzeStack. */
async function packDiagnostics(host: PolicyHost, entries: readonly StackEntry[]): Promise<Diagnostic[]> {
  const each = await Promise.all(entries.map((e) => host.analyze(e.kind, e.name, e.props)));
  return [...each.flat(), ...(await analyzeStackAt(host, entries))];
}

function verdictOf(d: Diagnostic): Verdict {
  const finding = /^(\S+?): (\S+)(?: \(no \w+ in the stack\))?: (.*)$/s.exec(d.message.split("\n")[1] ?? "");
  if (!finding) throw new Error(`not a finding: ${d.level} ${d.policy}: ${d.message}`);
  return `${d.level} ${d.policy} ${finding[1].split("/").slice(0, 2).join("/")} ${finding[2]}: ${finding[3]}`;
}

const file = (domain: string, ...mailshares: string[]) => `domain: ${domain}\nmailshares:\n${mailshares.map((m) => `  - ${m}\n`).join("")}`;
const DESK = "name: desk, description: Orders desk, quota: 1 GiB";
const MANAGED = "shares: [{ user: alice@acme.test, level: manage }]";

/** Mailshare files, and the rules the CLI finds broken in them under FROM_STACK (so that no row passes by finding nothing on both sides). */
const ROWS: { what: string; files: Record<string, string>; breaks: string[] }[] = [
  { what: "a mailshare that keeps every rule", files: { "acme.test.yaml": file("acme.test", `{ ${DESK}, ${MANAGED} }`) }, breaks: [] },
  { what: "a mailshare shared with nobody", files: { "acme.test.yaml": file("acme.test", `{ ${DESK} }`) }, breaks: ["manage-share"] },
  { what: "a mailshare shared, but managed by nobody", files: { "acme.test.yaml": file("acme.test", `{ ${DESK}, shares: [{ user: alice@acme.test, level: write }] }`) }, breaks: ["manage-share"] },
  {
    what: "a share outside the organisation",
    files: { "acme.test.yaml": file("acme.test", `{ ${DESK}, shares: [{ user: alice@acme.test, level: manage }, { user: eve@rival.test, level: read }] }`) },
    breaks: ["share-domains"],
  },
  { what: "forwarding outside the organisation", files: { "acme.test.yaml": file("acme.test", `{ ${DESK}, ${MANAGED}, forwarding: { to: [boss@gmail.com] } }`) }, breaks: ["forwarding-domains"] },
  {
    what: "a filter redirecting outside the organisation",
    files: { "acme.test.yaml": file("acme.test", `{ ${DESK}, ${MANAGED}, filters: [{ name: out, actions: [{ forwardTo: [x@partner.test], keepCopy: false }] }] }`) },
    breaks: ["forwarding-domains"],
  },
  { what: "an auto-reply that never ends", files: { "acme.test.yaml": file("acme.test", `{ ${DESK}, ${MANAGED}, autoReply: { subject: Away, message: Away } }`) }, breaks: ["auto-reply-end"] },
  {
    what: "an auto-reply longer than maxDays",
    files: { "acme.test.yaml": file("acme.test", `{ ${DESK}, ${MANAGED}, autoReply: { start: ${inDays(10)}, end: ${inDays(100)}, subject: Away, message: Away } }`) },
    breaks: ["auto-reply-end"],
  },
  { what: "no quota set", files: { "acme.test.yaml": file("acme.test", `{ name: desk, description: Orders desk, ${MANAGED} }`) }, breaks: ["quota-bounds"] },
  { what: "a quota above max", files: { "acme.test.yaml": file("acme.test", `{ name: desk, description: Orders desk, quota: 20 GiB, ${MANAGED} }`) }, breaks: ["quota-bounds"] },
  {
    what: "a name and an alias off the conventions",
    files: { "acme.test.yaml": file("acme.test", `{ name: desk.team, description: Orders desk, quota: 1 GiB, email: desk@acme.test, aliases: [orders@acme.test, sales@other.test], ${MANAGED} }`) },
    breaks: ["naming"],
  },
  { what: "a description too short", files: { "acme.test.yaml": file("acme.test", `{ name: desk, description: HR, quota: 1 GiB, ${MANAGED} }`) }, breaks: ["description-required"] },
  { what: "a mailshare that declares only its name", files: { "acme.test.yaml": file("acme.test", "{ name: desk }") }, breaks: ["description-required", "manage-share", "quota-bounds"] },
  {
    what: "sharing and forwarding to another domain of the stack",
    files: {
      "acme.test.yaml": file("acme.test", `{ ${DESK}, shares: [{ user: alice@acme.test, level: manage }, { user: bob@acme-corp.test, level: read }], forwarding: { to: [crm@acme-corp.test] } }`),
      "acme-corp.test.yaml": file("acme-corp.test", `{ name: crm, description: CRM intake, quota: 1 GiB, shares: [{ user: bob@acme-corp.test, level: manage }] }`),
    },
    breaks: [],
  },
];

describe.each([
  { policy: FROM_STACK, about: "the organisation's domains taken from the stack" },
  { policy: LISTED, about: "the organisation's domains listed in the policy" },
])("the pack's verdicts are the CLI's on the same mailshare files ($about)", ({ policy }) => {
  let host: PolicyHost;
  beforeAll(async () => {
    host = await PolicyHost.start(packWith(policy));
  }, 60_000);
  afterAll(async () => host?.stop());

  // As mailsharesProgram declares them (every part, even empty), and as a TypeScript program may (only the parts that hold something).
  const cases = ROWS.flatMap((row) => [{ ...row, parts: "every part", omitEmptyParts: false }, { ...row, parts: "only the parts it fills", omitEmptyParts: true }]);
  it.each(cases)("$what ($parts)", async ({ files, breaks, omitEmptyParts }) => {
    const cli = await cliViolations(files, policy, Date.now());
    if (policy === FROM_STACK) expect([...new Set(cli.map((v) => v.rule))].sort()).toEqual(breaks);
    const fromCli = cli.map((v) => `${v.level} ${v.rule} ${v.domain}/${v.mailshare} ${v.path.replace(/^mailshares\[\d+\]\./, "")}: ${v.message}`);
    const fromPack = (await packDiagnostics(host, await programResources(files, { omitEmptyParts }))).map(verdictOf);
    // The same findings, each once.
    expect(fromPack.sort()).toEqual(fromCli.sort());
  });
});

describe("a mailshare assembled from the resources a TypeScript program declares", () => {
  let host: PolicyHost;
  beforeAll(async () => {
    host = await PolicyHost.start(packWith(FROM_STACK));
  }, 60_000);
  afterAll(async () => host?.stop());

  const uid = mailshareUid("acme.test", "sales");
  const sales: StackEntry = { kind: "Mailshare", name: "acme.test/sales", props: { domain: "acme.test", name: "sales", description: "Sales desk", quota: "1 GiB" } };
  const acl = (mailshare: string, shares: unknown, domain = "acme.test"): StackEntry =>
    ({ kind: "MailshareAcl", name: "acme.test/sales/acl", props: { domain, mailshare, shares } });
  const manager = [{ user: "alice@acme.test", level: "manage" }];
  const NOBODY = "bmshare: every mailshare is shared at level manage with at least one user or group (or the rule's minimum)\n" +
    "acme.test/sales: shares (no MailshareAcl in the stack): nobody manages it: share it with at least one user or group at level manage";
  const unmanaged = { policy: "manage-share", level: "mandatory", urn: urnOf("Mailshare", "acme.test/sales"), message: NOBODY };

  it("reports a Mailshare without any MailshareAcl as manage-share, on the Mailshare, at the rule's level", async () => {
    expect(await analyzeStackAt(host, [sales])).toEqual([unmanaged]);
    // Judged once: the Mailshare's own resource check says nothing of its sharing.
    expect(await host.analyze(sales.kind, sales.name, sales.props)).toEqual([]);
  });

  it("lets it pass with an ACL holding a manage share, found by the uid its provider derives or gives", async () => {
    expect(await analyzeStackAt(host, [sales, acl(uid, manager)])).toEqual([]);
    expect(await analyzeStackAt(host, [{ ...sales, props: { ...sales.props, uid } }, acl(uid, manager)])).toEqual([]);
    // An ACL without a manager is the ACL's own finding (Analyze), not the stack's.
    expect(await analyzeStackAt(host, [sales, acl(uid, [])])).toEqual([]);
    expect((await host.analyze("MailshareAcl", "acme.test/sales/acl", acl(uid, []).props)).map((d) => `${d.level} ${d.policy}`)).toEqual(["mandatory manage-share"]);
  });

  it("does not count the ACL of another mailshare, or of the same uid in another domain", async () => {
    expect(await analyzeStackAt(host, [sales, acl(mailshareUid("acme.test", "other"), manager)])).toEqual([unmanaged]);
    expect(await analyzeStackAt(host, [sales, acl(uid, manager, "acme-corp.test")])).toEqual([unmanaged]);
  });

  it("takes an ACL whose mailshare is not known yet as the one of the Mailshare it reads it from, or of its parent", async () => {
    expect(await analyzeStackAt(host, [sales, { ...acl(UNKNOWN, manager), mailshareFrom: sales.name }])).toEqual([]);
    expect(await analyzeStackAt(host, [sales, { ...acl(UNKNOWN, manager), parent: sales.name }])).toEqual([]);
    // Inputs the provider could not check yet carry no default domain: the stack's, which may be the Mailshare's.
    const { domain: _, ...withoutDomain } = acl(UNKNOWN, manager).props;
    expect(await analyzeStackAt(host, [sales, { ...acl(UNKNOWN, manager), props: withoutDomain, mailshareFrom: sales.name }])).toEqual([]);
  });

  it("reports no violation on what is not known during a preview, and says what it could not judge", async () => {
    const shown = (ds: Diagnostic[]) => ds.map((d) => `${d.level} ${d.policy}: ${d.message.replace(/^can't run policy '[\w-]+' from policy pack 'acme-mail@v1\.2\.3' during preview: /, "")}`);
    const later = "not known before the update (another resource's output), judged then:";
    const whichAcl = `${later} acme.test/sales: shares (which MailshareAcl is its own)`;
    // An ACL that names no mailshare known yet may be this one's.
    expect(shown(await analyzeStackAt(host, [sales, acl(UNKNOWN, [])]))).toEqual([`advisory manage-share: ${whichAcl}`, `advisory share-domains: ${whichAcl}`]);
    // An adopted mailshare's uid is the live one's: an ACL naming another uid may still be its own.
    expect(shown(await analyzeStackAt(host, [{ ...sales, props: { ...sales.props, adopt: true } }, acl(uid, manager)]))).toEqual([
      `advisory manage-share: ${whichAcl}`, `advisory share-domains: ${whichAcl}`,
    ]);
    // Sharing not known yet: no verdict on it; the rest of the stack is judged.
    const hr: StackEntry = { ...sales, name: "acme.test/hr", props: { ...sales.props, name: "hr" } };
    expect(shown(await analyzeStackAt(host, [sales, acl(uid, UNKNOWN), hr]))).toEqual([
      `mandatory manage-share: ${NOBODY.replace("acme.test/sales:", "acme.test/hr:")}`,
      `advisory share-domains: ${later} acme.test/sales/acl: shares`,
    ]);
    // A domain not known yet: which addresses are the organisation's is not known either.
    expect(shown(await analyzeStackAt(host, [{ ...sales, props: { ...sales.props, domain: UNKNOWN } }, acl(uid, [{ user: "eve@rival.test", level: "manage" }])]))).toEqual([
      `advisory forwarding-domains: ${later} acme.test/sales: domain`,
      `advisory manage-share: ${whichAcl}`,
      `advisory share-domains: ${later} acme.test/sales: domain`,
    ]);
    // Per resource, what is known is judged: the quota, while the description is another resource's output.
    expect(shown(await host.analyze("Mailshare", "acme.test/sales", { ...sales.props, description: UNKNOWN, quota: "20 GiB" }))).toEqual([
      "advisory quota-bounds: bmshare: quotas are at least min and at most max; with required: true every mailshare sets one\nacme.test/sales: quota: the quota 20 GiB is above the maximum 10 GiB",
      `advisory description-required: ${later} acme.test/sales: description`,
    ]);
  });

  it("judges the domain rules on the stack: another domain of the stack is the organisation's, as another file's is for the CLI", async () => {
    const crm: StackEntry = { kind: "Mailshare", name: "acme-corp.test/crm", props: { domain: "acme-corp.test", name: "crm", description: "CRM intake", quota: "1 GiB" } };
    const crmAcl: StackEntry = { kind: "MailshareAcl", name: "acme-corp.test/crm/acl", props: { domain: "acme-corp.test", mailshare: mailshareUid("acme-corp.test", "crm"), shares: [{ user: "bob@acme-corp.test", level: "manage" }] } };
    const shares = [...manager, { user: "bob@acme-corp.test", level: "read" }, { user: "eve@rival.test", level: "read" }];
    expect(await analyzeStackAt(host, [sales, acl(uid, shares), crm, crmAcl])).toEqual([{
      policy: "share-domains", level: "mandatory", urn: urnOf("MailshareAcl", "acme.test/sales/acl"),
      message: "bmshare: shares name only users and groups of the organisation's domains (or the rule's list)\n" +
        "acme.test/sales/acl: shares[2].user: shares it (read) with user eve@rival.test, outside the organisation (acme-corp.test, acme.test)",
    }]);
    // Not also per resource: the finding is reported once.
    expect(await host.analyze("MailshareAcl", "acme.test/sales/acl", acl(uid, shares).props)).toEqual([]);
  });

  it("has nothing to say of a stack without mailshare resources", async () => {
    expect(await analyzeStackAt(host, [])).toEqual([]);
    expect(await analyzeStackAt(host, [{ kind: "MailshareIdentity", name: "acme.test/sales/identity/x", props: { domain: "acme.test", mailshare: uid, name: "x", email: "x@acme.test" } }])).toEqual([]);
  });
});
