// TLS: certificates are verified unless `insecure: true` is set explicitly; `caFile` adds a
// private CA. The fixture is a self-signed certificate for 127.0.0.1 valid 2000–2100
// (test/bluemind/fixtures, test-only key).
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";
import * as fs from "node:fs";
import type { AddressInfo } from "node:net";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { BlueMindClient, ClientConfigError, TransportError } from "../../bluemind";
import { TEST_LIMITS } from "./support";

const FIXTURES = path.join(__dirname, "fixtures");
const CERT = path.join(FIXTURES, "tls-cert.pem");
let server: https.Server;
let url: string;
let hits = 0;
let handshakeFailures = 0;

beforeAll(async () => {
  server = https.createServer({ cert: fs.readFileSync(CERT), key: fs.readFileSync(path.join(FIXTURES, "tls-key.pem")) }, (req, res) => {
    hits++;
    res.writeHead(req.url === "/api/auth/ping" ? 200 : 404);
    res.end();
  });
  server.on("tlsClientError", () => handshakeFailures++);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const client = (extra: Record<string, unknown> = {}) =>
  new BlueMindClient({ url, apiKey: "tls-key", limits: TEST_LIMITS, retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 2 }, ...extra });

describe("TLS", () => {
  it("refuses an untrusted certificate by default, without retrying", async () => {
    hits = 0;
    handshakeFailures = 0;
    const err = await client().auth.ping().catch((e) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect(err.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    expect(err.message).not.toContain("tls-key");
    expect(hits).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(handshakeFailures).toBe(1); // one attempt: a certificate problem is not transient
  });

  it("accepts it with insecure: true", async () => {
    await expect(client({ insecure: true }).auth.ping()).resolves.toBeUndefined();
  });

  it("accepts it when its CA is given with caFile", async () => {
    await expect(client({ caFile: CERT }).auth.ping()).resolves.toBeUndefined();
  });

  it("reports an unreadable caFile as a configuration error", async () => {
    const err = await client({ caFile: path.join(FIXTURES, "missing.pem") }).auth.ping().catch((e) => e);
    expect(err).toBeInstanceOf(ClientConfigError);
    expect(err.message).toContain("missing.pem");
  });

  it("reports a caFile that holds no certificate (a key, say) as a configuration error, sending nothing", async () => {
    hits = 0;
    handshakeFailures = 0;
    const err = await client({ caFile: path.join(FIXTURES, "tls-key.pem") }).auth.ping().catch((e) => e);
    expect(err).toBeInstanceOf(ClientConfigError);
    expect(err.message).toMatch(/tls-key\.pem holds no PEM certificate/);
    expect(err.message).not.toContain("PRIVATE KEY");
    expect([hits, handshakeFailures]).toEqual([0, 0]);
  });

  it("says in one line that an https URL points at a plain-http port (OpenSSL's message ends with a newline)", async () => {
    const plain = http.createServer((_req, res) => res.end("not TLS"));
    await new Promise<void>((r) => plain.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (plain.address() as AddressInfo).port;
      const err = await client({ url: `https://127.0.0.1:${port}` }).auth.ping().catch((e) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect(err.message).toContain("wrong version number");
      expect(err.message).not.toMatch(/\s$|\n/);
    } finally {
      plain.closeAllConnections();
      await new Promise<void>((r) => plain.close(() => r()));
    }
  });
});
