// Where the providers get their connection: stack config first, then the environment.
import { describe, it, expect, afterEach } from "vitest";
import { configureFromPulumi, connection, domainOf, setConnection, ConnectionError } from "../../providers/connection";

const config = (values: Record<string, string>) => ({
  get: (k: string) => values[k],
  getBoolean: () => undefined, getNumber: () => undefined, getObject: () => undefined,
  require: (k: string) => values[k], requireBoolean: () => false, requireNumber: () => 0, requireObject: () => ({}),
}) as any;

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  setConnection({});
});

describe("provider connection", () => {
  it("takes the stack config, with limits, and falls back to the environment", () => {
    process.env.BLUEMIND_URL = "https://env.example";
    process.env.BLUEMIND_API_KEY = "env-key";
    process.env.BLUEMIND_MAX_RPS = "5";
    configureFromPulumi(config({ url: "https://config.example", apiKey: "config-key", maxConcurrent: "2", insecure: "true" }));
    expect(connection()).toMatchObject({
      url: "https://config.example", apiKey: "config-key", maxConcurrent: 2, maxRequestsPerSecond: 5, insecure: true,
    });
  });

  it("says what is missing, and refuses a bad limit", () => {
    delete process.env.BLUEMIND_URL;
    delete process.env.BLUEMIND_API_KEY;
    setConnection({});
    expect(() => connection()).toThrow(/no BlueMind URL/);
    process.env.BLUEMIND_URL = "https://env.example";
    expect(() => connection()).toThrow(/no BlueMind API key/);
    expect(() => configureFromPulumi(config({ maxRequestsPerSecond: "fast" }))).toThrow(ConnectionError);
  });

  it("knows the default domain without a URL or key", () => {
    delete process.env.BLUEMIND_URL;
    process.env.BLUEMIND_DOMAIN = "acme.test";
    setConnection({});
    expect(domainOf(undefined)).toBe("acme.test");
    expect(domainOf("beta.test")).toBe("beta.test");
  });
});
