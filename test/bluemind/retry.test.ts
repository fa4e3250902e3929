// Retries under the emulator's fault injection: reads and full-replace writes go through a 30 %
// 503 rate; writes that must not be repeated are verified by a read (creates) or reported as
// OutcomeUnknownError (rule append, task-starting calls) when the answer was lost; Retry-After is
// honoured and capped; per-request timeouts; connection refused is retried even for writes.
import * as net from "node:net";
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import {
  BlueMindClient, OutcomeUnknownError, RequestTimeoutError, ServerFaultError, TransportError, UnavailableError,
  type BlueMindClient as Client, type MailFilterRule,
} from "../../bluemind";
import { TEST_KEY, TEST_LIMITS, mailshare, requestsOutsideContract, startClientEmulator, uid, type ClientEmulator } from "./support";

const D = "acme.test";
let env: ClientEmulator;
let client: Client;
const warnings: string[] = [];

beforeAll(async () => {
  env = await startClientEmulator();
  client = env.client({ retry: { retries: 6, baseDelayMs: 1, maxDelayMs: 8 }, logger: { warn: (m) => warnings.push(m) } });
});
afterEach(() => {
  env.emu.emulator.setFaults({ failRate: 0, latencyMs: 0, failMode: "before", retryAfter: undefined });
});
afterAll(async () => {
  await env.close();
  expect(requestsOutsideContract(env.requests)).toEqual([]);
});

const count = (pattern: RegExp, from = 0) => env.requests.slice(from).filter((l) => pattern.test(l)).length;

/** Fails the next request matching `pattern` (as configured), then switches faults off. */
function failNext(pattern: RegExp, faults: Parameters<typeof env.emu.emulator.setFaults>[0]): void {
  env.emu.emulator.setFaults({ failRate: 1, failStatus: 503, ...faults });
  const off = env.onRequest((line) => {
    if (pattern.test(line) && / 503 /.test(line)) {
      env.emu.emulator.setFaults({ failRate: 0 });
      off();
    }
  });
}

function rule(name: string): MailFilterRule {
  return {
    id: null, client: "bluemind", type: "GENERIC", trigger: "IN", deferred: false, active: true, name, clientProperties: {},
    stop: true, conditions: [], actions: [{ name: "MARK_AS_READ", clientProperties: {} }],
  };
}

describe("reads and full-replace writes", () => {
  it("reads succeed through a 30 % rate of 503 answers", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("flaky-reads"));
    const from = env.requests.length;
    env.emu.emulator.setFaults({ failRate: 0.3, failStatus: 503, failSeed: 7 });
    for (let i = 0; i < 15; i++) {
      expect((await client.mailshares.getComplete(D, id))?.value.name).toBe("flaky-reads");
      expect((await client.directory.search(D, { kindsFilter: ["MAILSHARE"] })).values.length).toBeGreaterThan(0);
      expect((await client.mailboxes.getMailboxFilter(D, id)).rules).toEqual([]);
      expect(await client.servers.byAssignment(D, "mail/imap", true)).toHaveLength(2);
    }
    const failed = count(/ 503 /, from);
    expect(failed).toBeGreaterThan(10);
    expect(count(/ 200 /, from)).toBe(60);
  });

  it("full-replace writes are retried through 503s whose answers were lost, ending in the state sent", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("flaky-writes"));
    const from = env.requests.length;
    env.emu.emulator.setFaults({ failRate: 0.3, failStatus: 503, failMode: "after", failSeed: 3 });
    for (let quota = 1000; quota < 1010; quota++) {
      await client.mailshares.update(D, id, mailshare("flaky-writes", { quota }));
      await client.containers.setAccessControlList(`mailbox:acls-${id}`, [{ subject: "user-x", verb: quota % 2 ? "Read" : "Write" }]);
    }
    env.emu.emulator.setFaults({ failRate: 0 });
    expect(count(/ 503 /, from)).toBeGreaterThan(2);
    expect((await client.mailshares.getComplete(D, id))?.value.quota).toBe(1009);
    expect((await client.containers.getAccessControlList(`mailbox:acls-${id}`)).map((e) => e.verb).sort()).toEqual(["Freebusy", "Invitation", "Read"]);
  });

  it("business errors (500 with errorCode) are not retried", async () => {
    const from = env.requests.length;
    const err = await client.mailshares.create(D, uid(), mailshare("Bad Name")).catch((e) => e);
    expect(err).toBeInstanceOf(ServerFaultError);
    expect(count(/ PUT /, from)).toBe(1);
  });

  it("gives up with UnavailableError when the 503s outlast the retries", async () => {
    env.emu.emulator.setFaults({ failRate: 1, failStatus: 503 });
    const brief = env.client({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const from = env.requests.length;
    const err = await brief.domains.get(D).catch((e) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.status).toBe(503);
    expect(count(/GET \/api\/domains\/acme.test /, from)).toBe(3);
  });
});

describe("writes that must not be repeated blindly", () => {
  it("a create whose answer was lost is verified by a read instead of being sent twice", async () => {
    const id = uid();
    const from = env.requests.length;
    failNext(/PUT \/api\/mailshares\//, { failMode: "after" });
    await client.mailshares.create(D, id, mailshare("lost-answer"));
    expect(count(/PUT \/api\/mailshares\//, from)).toBe(1);
    expect(count(new RegExp(`GET /api/mailshares/acme.test/${id}/complete 200`), from)).toBe(1);
    expect((await client.mailshares.getComplete(D, id))?.value.name).toBe("lost-answer");
  });

  it("a create that did not happen is sent again once the read shows it is absent", async () => {
    const id = uid();
    const from = env.requests.length;
    failNext(/PUT \/api\/mailshares\//, { failMode: "before" });
    await client.mailshares.create(D, id, mailshare("never-arrived"));
    expect(count(/PUT \/api\/mailshares\//, from)).toBe(2);
    expect((await client.mailshares.getComplete(D, id))?.value.name).toBe("never-arrived");
  });

  it("an identity create whose answer was lost is verified the same way", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("ident-box"));
    const from = env.requests.length;
    failNext(/PUT \/api\/mailboxes\/acme.test\/identity\//, { failMode: "after" });
    await client.identities.create(D, id, "main", {
      email: "ident-box@acme.test", format: "PLAIN", signature: "", displayname: null, name: "Main", isDefault: true, sentFolder: null,
    });
    expect(count(/PUT \/api\/mailboxes\/acme.test\/identity\//, from)).toBe(1);
    expect((await client.identities.getIdentities(D, id)).map((i) => i.id)).toEqual(["main"]);
  });

  it("a rule append whose answer was lost is not repeated: OutcomeUnknownError, and exactly one rule was added", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("append-box"));
    const from = env.requests.length;
    failNext(/PUT \/api\/mailboxes\/.*\/_rules /, { failMode: "after" });
    const err = await client.mailboxes.addMailboxRule(D, id, rule("once")).catch((e) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(err.endpoint).toBe("IMailboxes.addMailboxRule");
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/re-read/);
    expect(count(/PUT \/api\/mailboxes\/.*\/_rules /, from)).toBe(1);
    expect((await client.mailboxes.getMailboxRules(D, id)).filter((r) => r.name === "once")).toHaveLength(1);
  });

  it("a task-starting delete whose answer was lost is not repeated", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("delete-lost"));
    const from = env.requests.length;
    failNext(/DELETE \/api\/mailshares\//, { failMode: "after" });
    const err = await client.mailshares.delete(D, id).catch((e) => e);
    expect(err).toBeInstanceOf(OutcomeUnknownError);
    expect(count(/DELETE \/api\/mailshares\//, from)).toBe(1);
  });

  it("a repair whose answer was lost returns the task it started (deterministic id)", async () => {
    const id = uid();
    await client.mailshares.create(D, id, mailshare("repair-lost"));
    const from = env.requests.length;
    failNext(/POST \/api\/directory\/.*\/repair /, { failMode: "after" });
    const ref = await client.maintenance.repair(D, id, { opIdentifiers: null, dry: true, logToCoreLog: false, verbose: false });
    expect(ref.id).toBe(`repair-${id}@${D}`);
    expect(count(/\/repair /, from)).toBe(1);
    expect((await client.followTask(ref, { pollMs: 5 })).state).toBe("Success");
  });
});

describe("Retry-After, timeouts, refused connections", () => {
  it("waits as long as Retry-After asks (seconds)", async () => {
    failNext(/GET \/api\/domains\//, { retryAfter: 1 });
    const started = Date.now();
    expect((await client.domains.get(D))?.uid).toBe(D);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(990);
    expect(waited).toBeLessThan(2900);
  });

  it("caps what Retry-After asks at maxRetryAfterMs", async () => {
    const capped = env.client({ retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 150 } });
    failNext(/GET \/api\/domains\//, { retryAfter: 30 });
    const started = Date.now();
    await capped.domains.get(D);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(145);
    expect(waited).toBeLessThan(5000); // far from the 30 s asked
  });

  it("ends a slow request at the per-request timeout; a read is retried, a create is not repeated", async () => {
    env.emu.emulator.setFaults({ latencyMs: 250 });
    const lines: string[] = [];
    const slow = env.client({ timeoutMs: 60, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 }, logger: { warn: (m) => lines.push(m) } });
    // The server would answer after 250 ms: a timeout error means the client did not wait for it.
    const err = await slow.domains.get(D).catch((e) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err.message).toMatch(/no answer within 60 ms/);
    expect(lines.filter((l) => l.includes("IDomains.get") && l.includes("retry 1/1"))).toHaveLength(1);
    const write = await slow.mailboxes.addMailboxRule(D, "any", rule("slow")).catch((e) => e);
    expect(write).toBeInstanceOf(OutcomeUnknownError);
    expect(write.reason).toMatch(/no answer within 60 ms/);
  });

  it("retries a refused connection, even for a create (nothing reached the server)", async () => {
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const lines: string[] = [];
    const offline = new BlueMindClient({
      url: `http://127.0.0.1:${port}`, apiKey: TEST_KEY, limits: TEST_LIMITS,
      retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 }, logger: { warn: (m) => lines.push(m) },
    });
    const err = await offline.mailshares.create(D, uid(), mailshare("offline")).catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err.code).toBe("ECONNREFUSED");
    expect(lines.filter((l) => l.startsWith("IMailshare.create"))).toHaveLength(2);
  });
});
