// The gRPC host harness itself, proven on a trivial provider.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { ProviderHost, serializeProvider } from "./support/pulumi-host";

let host: ProviderHost;
beforeAll(async () => {
  host = await ProviderHost.start(serializeProvider("test/fixtures/echo-provider.ts", "echoProvider"));
  await host.configure({ greeting: "hello" });
});
afterAll(async () => {
  await host.stop();
});

describe("dynamic-provider host harness", () => {
  it("runs check, create, diff, update, read and delete in the host process", async () => {
    const urn = host.urn("Echo", "e1");
    expect((await host.check(urn, {}, { name: "BAD" })).failures).toEqual([{ property: "name", reason: "name must be lower-case letters" }]);
    const { inputs } = await host.check(urn, {}, { name: "abc" });
    const created = await host.create(urn, inputs);
    expect(created).toEqual({ id: "echo-abc", outs: { name: "abc", greeting: "hello" } });
    expect((await host.diff(urn, created.id, created.outs, { name: "abc" })).changes).toBe("none");
    expect((await host.diff(urn, created.id, created.outs, { name: "xyz" })).changes).toBe("some");
    expect((await host.update(urn, created.id, created.outs, { name: "xyz" })).outs.name).toBe("xyz");
    expect((await host.read(urn, created.id, { name: "xyz" })).props.name).toBe("xyz");
    await host.delete(urn, created.id, { name: "xyz" });
  });
});
