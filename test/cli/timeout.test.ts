// `--request-timeout SECONDS` (BLUEMIND_REQUEST_TIMEOUT, stack config `requestTimeout`): how long one request waits. A
// server that accepts connections and never answers then fails a command after timeout × attempts,
// with one message per read saying so, instead of minutes of the 30 s default.
import * as net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runPlanCommand } from "../../cli/plan";
import { runMaintainCommand } from "../../cli/maintain";
import { resolveConnection, settingsFromPulumiConfig } from "../../providers/connection";
import { EXAMPLE } from "./engine-support";
import { TEST_KEY } from "../support/emulator";

/** A server that takes connections and reads requests but never answers; counts the requests it got. */
async function silentServer(): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("data", (chunk) => (requests += (chunk.toString("latin1").match(/^(GET|POST|PUT|DELETE) /gm) ?? []).length));
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

let closeServer: (() => Promise<void>) | undefined;
afterEach(async () => {
  await closeServer?.();
  closeServer = undefined;
});

const run = async (argv: string[], env: NodeJS.ProcessEnv) => {
  let stdout = "";
  let stderr = "";
  const status = await runPlanCommand(argv, {
    env, isTTY: false,
    clientOptions: { retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 } },
    stdout: (t) => (stdout += t), stderr: (t) => (stderr += t),
  });
  return { status, stdout, stderr };
};

describe("--request-timeout", () => {
  it("ends a plan against a server that never answers with the timeout it was given, said once", async () => {
    const silent = await silentServer();
    closeServer = silent.close;
    const r = await run(["-f", EXAMPLE, "--request-timeout", "0.2"], { BLUEMIND_URL: silent.url, BLUEMIND_API_KEY: TEST_KEY });
    expect(r.status).toBe(1);
    // The first read (the server's version) times out twice (one retry here), and nothing else is tried.
    const lines = r.stderr.trim().split("\n");
    expect(lines.slice(0, -1)).toEqual([expect.stringMatching(/^warning: IInstallation.getVersion GET \/api\/system\/installation\/version: ETIMEDOUT; retry 1\/1 in \d+ ms$/)]);
    expect(lines.at(-1)).toMatch(/cannot reach the server \(.*no answer within 200 ms\): nothing was read further and nothing was written$/);
    expect(silent.requests()).toBe(2);
    expect(r.stderr).not.toContain(TEST_KEY);
  });

  it("is not maintain's --timeout (how long it follows a task): each keeps its own meaning", async () => {
    let out = "";
    expect(await runMaintainCommand(["--help"], { stdout: (t: string) => (out += t), stderr: () => {} })).toBe(0);
    expect(out.match(/^ +--timeout /gm)).toHaveLength(1);
    expect(out).toMatch(/^ +--request-timeout SECONDS$/m);
  });

  it("is read from BLUEMIND_REQUEST_TIMEOUT, and a flag wins over it", () => {
    const env = { BLUEMIND_URL: "https://bm.acme.test", BLUEMIND_API_KEY: "k", BLUEMIND_REQUEST_TIMEOUT: "12.5" };
    expect(resolveConnection({}, "flags", env).timeoutMs).toBe(12_500);
    expect(resolveConnection({ requestTimeout: "3" }, "flags", env).timeoutMs).toBe(3000);
    expect(resolveConnection({}, "flags", { ...env, BLUEMIND_REQUEST_TIMEOUT: "" }).timeoutMs).toBeUndefined();
  });

  it("refuses a value that is not a number of seconds, naming where it came from, before any request", async () => {
    for (const [argv, env, source] of [
      [["--request-timeout", "0"], {}, "--request-timeout"],
      [["--request-timeout=soon"], {}, "--request-timeout"],
      [["--request-timeout="], {}, "--request-timeout"],
      [["--request-timeout", "0x10"], {}, "--request-timeout"],
      [["--request-timeout", " 5"], {}, "--request-timeout"],
      [[], { BLUEMIND_REQUEST_TIMEOUT: "7200" }, "BLUEMIND_REQUEST_TIMEOUT"],
    ] as const) {
      const r = await run(["-f", EXAMPLE, ...argv], { BLUEMIND_URL: "http://127.0.0.1:9", BLUEMIND_API_KEY: TEST_KEY, ...env });
      expect(r.status, source).toBe(1);
      expect(r.stderr).toContain(`${source} must be a number of seconds from 0.1 to 3600`);
      expect(r.stderr).not.toContain("ECONNREFUSED");
    }
    const config = { get: (k: string) => (k === "requestTimeout" ? "-1" : undefined) } as Parameters<typeof settingsFromPulumiConfig>[0];
    expect(() => settingsFromPulumiConfig(config)).toThrow("requestTimeout must be a number of seconds from 0.1 to 3600");
  });
});
