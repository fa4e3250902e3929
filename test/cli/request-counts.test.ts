// What a run costs the server, pinned: the number of requests of a no-op plan, of an apply from
// empty, of a second apply, and of a Pulumi refresh of the same resources, for 20 mailshares of
// the benchmark's shape (scripts/scale-fixture.ts). The lower bounds are those of BlueMind's API
// (docs/architecture.md, "Requests at the API's lower bound"); a regression fails here.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startHarness, tempYaml, type Harness } from "./engine-support";
import { runPlanCommand } from "../../cli/plan";
import { runApplyCommand } from "../../cli/apply";
import { scaleYaml } from "../../scripts/scale-fixture";
import { computePlan } from "../../cli/engine/plan";
import { RUNTIME, useSettings } from "../../providers/runtime";
import { ProviderHost } from "../support/pulumi-host";
import { serializeStub } from "../support/stubs";
import { TEST_KEY } from "../support/emulator";

const N = 20;
/** The constant reads: the server's version, domain lookup, domain settings, `_complete`, `_list`, group `_search`. */
const CONSTANT_READS = 6;
/** Per declared mailshare: `_filter`, `_acl`, the ACL container's settings, the identity list, one identity. */
const READS_PER_MAILSHARE = 5;
/** The seed's own `noreply` mailshare, undeclared: its marks are read to say why it is left alone. */
const UNDECLARED = 1;
/**
 * A plan that changes sharing says who gains access (cli/engine/impact.ts): each group's members
 * are read once for the run, and the people's directory entries once — not per mailshare.
 */
const IMPACT_READS = 2;

let h: Harness;
let file: string;

beforeAll(async () => {
  h = await startHarness();
  file = tempYaml(scaleYaml(N));
}, 60_000);
afterAll(() => h?.close());

const pathsOf = (requests: string[]) => requests.map((r) => r.replace(/bench-\d+/g, "{name}").replace(/[0-9a-f]{8}-[0-9a-f-]{27,}/g, "{uid}"));

describe(`the requests of ${N} mailshares`, () => {
  it("apply from empty: 5 writes per mailshare (create with its aliases, ACL, filter with its vacation, identity, marks) and one read back", async () => {
    h.clearLog();
    const run = await h.run(runApplyCommand, ["-f", file, "--yes"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const writes = pathsOf(h.writes());
    expect(writes).toHaveLength(5 * N);
    for (const write of ["PUT /api/mailshares/acme.test/{uid}", "PUT /api/containers/_manage/mailbox%3Aacls-{uid}/_acl",
      "POST /api/mailboxes/acme.test/{uid}/_filter", "PUT /api/containers/_manage/mailbox%3Aacls-{uid}/_settings"]) {
      expect(writes.filter((w) => w === write), write).toHaveLength(N);
    }
    expect(writes.filter((w) => w.startsWith("PUT /api/mailboxes/acme.test/identity/"))).toHaveLength(N);
    // Reads: the plan's constant ones, and each new mailshare read back once.
    expect(h.requests().length).toBeLessThanOrEqual(7 * N);
    expect(h.requests().length).toBe(5 * N + N + CONSTANT_READS + IMPACT_READS + 1 /* the noreply marks */);
    const paths = pathsOf(h.requests());
    expect(paths.filter((p) => p.endsWith("/expandedusersmembers") || p.endsWith("/_mget"))).toHaveLength(IMPACT_READS);
  }, 120_000);

  it(`a no-op plan sends exactly ${READS_PER_MAILSHARE} × ${N} + ${CONSTANT_READS} requests (+ ${UNDECLARED} for the undeclared mailshare)`, async () => {
    h.clearLog();
    const run = await h.run(runPlanCommand, ["-f", file]);
    expect(run.status).toBe(0);
    expect(h.writes()).toEqual([]);
    expect(h.requests()).toHaveLength(READS_PER_MAILSHARE * N + CONSTANT_READS + UNDECLARED);
    // Each mailshare's filter is read once, for both its filters and its auto-reply; no mailshare
    // is read alone (the `_complete` list answers), and no address or user is looked up one by one.
    const paths = pathsOf(h.requests());
    expect(paths.filter((p) => p === "GET /api/mailboxes/acme.test/{uid}/_filter")).toHaveLength(N);
    expect(paths.filter((p) => /\/complete$|_vacation|_byemail|_byname|byLogin|byEmail|byName/.test(p))).toEqual([]);
  }, 120_000);

  it("a second apply writes nothing", async () => {
    h.clearLog();
    const run = await h.run(runApplyCommand, ["-f", file, "--yes"]);
    expect(run.status).toBe(0);
    expect(h.writes()).toEqual([]);
  }, 120_000);

  it("a refresh of the same resources through the Pulumi host costs no more than the CLI's plan", async () => {
    useSettings({ url: h.emu.url, apiKey: TEST_KEY, domain: "acme.test" }, "flags");
    const plan = await computePlan({ rt: RUNTIME, paths: [file], onUnreadable: "fail" });
    const resources = plan.mailshares.flatMap((m) => m.resources);
    expect(resources.length).toBe(6 * N);

    const host = await ProviderHost.start(serializeStub("Mailshare"));
    try {
      await host.configure({ url: h.emu.url, apiKey: TEST_KEY, domain: "acme.test", maxRequestsPerSecond: "0" });
      h.clearLog();
      // The engine reads every resource of a stack at once, each with its own serialized provider.
      await Promise.all(resources.map(async (r) => {
        const read = await host.withProvider(serializeStub(r.kind)).read(host.urn(r.kind, r.name), r.id, { ...r.inputs, ...r.live });
        expect(read.id, r.name).toBe(r.id);
      }));
      expect(h.writes()).toEqual([]);
      expect(h.requests().length).toBeLessThanOrEqual(READS_PER_MAILSHARE * N + CONSTANT_READS);
    } finally {
      await host.stop();
    }
  }, 180_000);
});
