// The API key (and a login password) never appear in what the client writes to its logger, nor
// in any error it throws — message, stack, JSON.stringify, util.inspect — nor when the client
// object itself is inspected; the HTTP layer's errors (which hold the request and its headers) are never exposed.
import { inspect } from "node:util";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { BlueMindError, type BlueMindLogger } from "../../bluemind";
import { TEST_KEY, mailshare, requestsOutsideContract, startClientEmulator, uid, type ClientEmulator } from "./support";

const D = "acme.test";
const PASSWORD = "admin0-password";
let env: ClientEmulator;
const lines: string[] = [];
const logger: BlueMindLogger = {
  debug: (m) => lines.push(`debug ${m}`),
  info: (m) => lines.push(`info ${m}`),
  warn: (m) => lines.push(`warn ${m}`),
};

beforeAll(async () => {
  env = await startClientEmulator();
});
afterAll(async () => {
  await env.close();
  expect(requestsOutsideContract(env.requests)).toEqual([]);
});

/** Every textual form an error can take when someone logs or serializes it. */
function renderings(err: unknown): string[] {
  return [
    String(err),
    (err as Error).message,
    (err as Error).stack ?? "",
    JSON.stringify(err),
    inspect(err, { depth: 10 }),
    inspect(err, { depth: 10, showHidden: true }),
  ];
}

async function failureOf(p: Promise<unknown>): Promise<BlueMindError> {
  const err = await p.then(() => null, (e) => e);
  expect(err).toBeInstanceOf(BlueMindError);
  return err as BlueMindError;
}

describe("secrets stay out of logs and errors", () => {
  it("with an API key: requests, retries, every error kind", async () => {
    const client = env.client({ logger, timeoutMs: 60, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const errors: BlueMindError[] = [];
    const id = uid();
    await client.mailshares.create(D, id, mailshare("secret-share"));
    await client.mailshares.getComplete(D, id);
    errors.push(await failureOf(client.mailshares.create(D, uid(), mailshare("secret-share")))); // 500 ALREADY_EXISTS
    errors.push(await failureOf(client.mailshares.update(D, uid(), mailshare("ghost")))); // 404
    errors.push(await failureOf(client.mailboxes.getMailboxQuota(D, "ghost"))); // 500 NPE
    errors.push(await failureOf(client.tasks.status("ghost"))); // 404
    env.emu.emulator.setFaults({ failRate: 1, failStatus: 503, retryAfter: 0 });
    errors.push(await failureOf(client.domains.get(D))); // 503 after retries
    env.emu.emulator.setFaults({ failMode: "after" });
    errors.push(await failureOf(client.mailboxes.addMailboxRule(D, id, {
      id: null, client: "bluemind", type: "GENERIC", trigger: "IN", deferred: false, active: true, name: "x",
      clientProperties: {}, conditions: [], actions: [{ name: "DISCARD" }], stop: true,
    }))); // OutcomeUnknownError
    env.emu.emulator.setFaults({ failRate: 0, failMode: "before", latencyMs: 200 });
    errors.push(await failureOf(client.domains.all(true))); // timeout: the request, headers included, must not leak
    env.emu.emulator.setFaults({ latencyMs: 0 });
    const bad = env.client({ logger, apiKey: `${TEST_KEY}-revoked` });
    const unauthorized = await failureOf(bad.auth.ping()); // 401: BlueMind echoes the key sent
    expect(unauthorized.status).toBe(401);

    expect(errors.map((e) => e.constructor.name)).toEqual([
      "ServerFaultError", "NotFoundError", "InternalServerError", "NotFoundError", "UnavailableError", "OutcomeUnknownError", "RequestTimeoutError",
    ]);
    expect(lines.some((l) => l.startsWith("debug IMailshare.create PUT /api/mailshares/acme.test/"))).toBe(true);
    expect(lines.some((l) => l.startsWith("warn "))).toBe(true);
    const texts = [...lines, ...errors.flatMap(renderings), ...renderings(unauthorized)];
    expect(texts.filter((t) => t.includes(TEST_KEY))).toEqual([]);
    expect(JSON.stringify(unauthorized)).not.toMatch(/"(options|request|response|cause)"/);
  });

  it("with a login: the session key and the password stay out of logs, errors and the client object", async () => {
    lines.length = 0;
    const client = env.client({ apiKey: undefined, login: "admin0@global.virt", password: PASSWORD, logger });
    const key = await client.login();
    await client.mailshares.allComplete(D);
    await env.emu.api("POST", "/api/auth/logout", { key }); // expire it: the client logs in again
    await client.auth.ping();
    const renewed = await client.login();
    const errors = [
      await failureOf(client.mailshares.update(D, uid(), mailshare("ghost"))),
      await failureOf(client.apiKeys.get(renewed).then(() => client.tasks.status("ghost"))),
    ];
    const wrong = env.client({ apiKey: undefined, login: "admin0@global.virt", password: "wrong-password", logger });
    errors.push(await failureOf(wrong.login()));
    const texts = [
      ...lines, ...errors.flatMap(renderings),
      inspect(client, { depth: 20 }), inspect(wrong, { depth: 20 }), JSON.stringify((client as any).transport.credentials),
    ];
    for (const secret of [key, renewed, PASSWORD, "wrong-password"]) {
      expect(texts.filter((t) => t.includes(secret))).toEqual([]);
    }
    expect(lines.some((l) => l.includes("session expired, logging in again"))).toBe(true);
    await client.close();
  });
});
