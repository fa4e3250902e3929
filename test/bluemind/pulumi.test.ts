// The client inside a Pulumi dynamic provider: the provider that creates clients in its methods
// is serialized by Pulumi's closure serializer (in a child process) and run by the SDK's real
// dynamic-provider host, with require(esm) switched off (as on Node 20.0–20.18, where no ES-only
// package may be required). This proves the constraints of docs/pulumi.md §1–§2: only node's own
// http modules for the wire, no connection, agent or limiter captured at module load, no #private
// fields, no `this`-capturing arrow properties, no secret in the serialized text.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { ProviderHost, serializeProvider } from "../support/pulumi-host";
import { TEST_KEY, requestsOutsideContract, startClientEmulator, type ClientEmulator } from "./support";

let env: ClientEmulator;
let host: ProviderHost;
let text: string;

beforeAll(async () => {
  env = await startClientEmulator();
  text = serializeProvider("test/bluemind/fixtures/client-provider.ts", "clientProvider");
  host = await ProviderHost.start(text, { NODE_OPTIONS: "--no-experimental-require-module" });
  await host.configure({ url: env.emu.url, apiKey: TEST_KEY });
}, 60_000);
afterAll(async () => {
  await host?.stop();
  await env.close();
  expect(requestsOutsideContract(env.requests)).toEqual([]);
});

describe("BlueMind client in a serialized dynamic provider", () => {
  it("serializes without capturing an HTTP agent, a limiter or a secret", () => {
    expect(text).not.toContain(TEST_KEY);
    expect(text).toMatch(/require\("(node:)?https?"\)/);
    expect(text).not.toMatch(/require\("got"\)|import\("got"\)/);
    expect(text).not.toContain("#");
  });

  it("creates clients at run time in the host, talks to the server, follows a task, shares one limiter", async () => {
    const { id, outs } = await host.create(host.urn("ClientProbe", "p1"), {
      domain: "acme.test", uid: "pulumi-probe-1", name: "pulumi-probe",
    });
    expect(id).toBe("pulumi-probe-1");
    expect(outs).toEqual({
      domain: "acme.test", imapServers: 2, createdName: "pulumi-probe", orgUnit: "/Europe/Paris", taskState: "Success",
      sawProgress: true, limiterShared: true, limiterMax: 2, requireModule: "false",
      // Errors keep their class, name, message and stack once serialized.
      errorName: "NotFoundError", errorMessage: "ITask.status (GET /api/tasks/{taskId}) failed: HTTP 404 NOT_FOUND: no task no-such-task",
      errorStack: true,
    });
    expect(env.requests.some((l) => l.includes("DELETE /api/mailshares/acme.test/pulumi-probe-1 200"))).toBe(true);
  });
});
