// The one connection resolver and the runtime it feeds: stack config (or flags) first, then the
// environment; messages that name where a value came from, never a value that may be a secret.
import { describe, it, expect, afterEach } from "vitest";
import { ConnectionError, resolveConnection, settingsFromPulumiConfig } from "../../providers/connection";
import { RUNTIME, currentConnection, useSettings } from "../../providers/runtime";
import { mailshareAclProvider } from "../../providers/acl";

const config = (values: Record<string, string>) => ({
  get: (k: string) => values[k],
  getBoolean: () => undefined, getNumber: () => undefined, getObject: () => undefined,
  require: (k: string) => values[k], requireBoolean: () => false, requireNumber: () => 0, requireObject: () => ({}),
}) as any;

afterEach(() => useSettings({}, "stack config", { env: {} }));

describe("the connection resolver", () => {
  it("takes the stack config, with limits, and falls back to the environment", () => {
    const env = { BLUEMIND_URL: "https://env.example", BLUEMIND_API_KEY: "env-key", BLUEMIND_MAX_RPS: "5" };
    const settings = settingsFromPulumiConfig(config({ url: "https://config.example", apiKey: "config-key", maxConcurrent: "2", insecure: "true" }));
    expect(resolveConnection(settings, "stack config", env)).toMatchObject({
      url: "https://config.example", apiKey: "config-key", maxConcurrent: 2, maxRequestsPerSecond: 5, insecure: true,
    });
  });

  it("says what is missing in the words of where settings come from, and refuses a bad limit", () => {
    expect(() => resolveConnection({}, "stack config", {})).toThrow("no BlueMind server: set `pulumi config set url https://…` or BLUEMIND_URL");
    expect(() => resolveConnection({}, "flags", {})).toThrow("no BlueMind server: give --url or set BLUEMIND_URL");
    expect(() => resolveConnection({}, "stack config", { BLUEMIND_URL: "https://env.example" })).toThrow(/^no API key: set `pulumi config set --secret apiKey/);
    expect(() => settingsFromPulumiConfig(config({ maxRequestsPerSecond: "fast" }))).toThrow(ConnectionError);
    expect(() => resolveConnection({ maxConcurrent: "-1" }, "flags", { BLUEMIND_URL: "https://e.example", BLUEMIND_API_KEY: "k" }))
      .toThrow('--max-concurrent must be a whole number of requests, at least 1, found "-1"');
  });

  it("refuses a URL that is not one, naming where it came from but never showing the value (it may be a key)", () => {
    const secret = "bmk_9f3c2a7e1d4b8c6a";
    const refusal = (run: () => unknown) => {
      try {
        run();
      } catch (e) {
        return e as Error;
      }
      throw new Error("not refused");
    };
    const fromEnv = refusal(() => resolveConnection({}, "stack config", { BLUEMIND_API_KEY: "k", BLUEMIND_URL: secret }));
    expect(fromEnv).toBeInstanceOf(ConnectionError);
    expect(fromEnv.message).toBe("BLUEMIND_URL is not a URL (expected https://host…); its value is not shown as it may be a secret");
    const fromConfig = refusal(() => resolveConnection({ url: `ftp://${secret}`, apiKey: "k" }, "stack config", {}));
    expect(fromConfig.message).toBe("the BlueMind URL (stack config url) is not an http(s) URL (expected https://host…); its value is not shown as it may be a secret");
    for (const e of [fromEnv, fromConfig]) expect(e.message).not.toContain(secret);
    expect(resolveConnection({ url: "https://bm.example", apiKey: "k" }, "stack config", {}).url).toBe("https://bm.example");
  });
});

describe("the runtime", () => {
  it("is set up by a provider's configure from the stack config, and knows the default domain without a URL or key", async () => {
    await mailshareAclProvider.configure!({ config: config({ url: "https://config.example", apiKey: "config-key", domain: "acme.test" }) } as any);
    expect(currentConnection()).toMatchObject({ url: "https://config.example", apiKey: "config-key", domain: "acme.test" });
    useSettings({}, "stack config", { env: { BLUEMIND_DOMAIN: "beta.test" } });
    expect(RUNTIME.defaultDomain).toBe("beta.test");
    expect(() => RUNTIME.client).toThrow(ConnectionError);
  });

  it("lets a check resolve the default domain, and checks every part's mailshare reference", async () => {
    useSettings({}, "stack config", { env: { BLUEMIND_DOMAIN: "acme.test" } });
    const offline = await mailshareAclProvider.check!({}, { mailshare: "", shares: [] });
    expect(offline.failures).toEqual([{ property: "mailshare", reason: 'expected the uid of a mailshare (the uid output of a Mailshare), found ""' }]);
    useSettings({}, "stack config", { env: {} });
    const noDomain = await mailshareAclProvider.check!({}, { mailshare: "x", shares: [] });
    expect(noDomain.failures!.map((f) => f.property)).toEqual(["domain"]);
  });
});
