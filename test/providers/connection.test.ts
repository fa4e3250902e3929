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

  it("refuses a URL that is not one, naming where it came from but never showing the value (it may be a key)", () => {
    const secret = "bmk_9f3c2a7e1d4b8c6a";
    process.env.BLUEMIND_API_KEY = "env-key";
    process.env.BLUEMIND_URL = secret;
    setConnection({});
    const fromEnv = (() => { try { connection(); } catch (e) { return e as Error; } })();
    expect(fromEnv).toBeInstanceOf(ConnectionError);
    expect(fromEnv!.message).toBe("BLUEMIND_URL is not a URL (expected https://host…); its value is not shown as it may be a secret");
    configureFromPulumi(config({ url: `ftp://${secret}`, apiKey: "k" }));
    const fromConfig = (() => { try { connection(); } catch (e) { return e as Error; } })();
    expect(fromConfig!.message).toBe("the BlueMind URL (stack config url) is not an http(s) URL (expected https://host…); its value is not shown as it may be a secret");
    for (const e of [fromEnv, fromConfig]) expect(e!.message).not.toContain(secret);
    configureFromPulumi(config({ url: "https://bm.example", apiKey: "k" }));
    expect(connection().url).toBe("https://bm.example");
  });

  it("knows the default domain without a URL or key", () => {
    delete process.env.BLUEMIND_URL;
    process.env.BLUEMIND_DOMAIN = "acme.test";
    setConnection({});
    expect(domainOf(undefined)).toBe("acme.test");
    expect(domainOf("beta.test")).toBe("beta.test");
  });
});
