// Bad input is reported with nothing sent to the server: a file with an error of its own (schema,
// cross-checks, a file that cannot be read) stops plan, apply, drift and validate before their
// first request, version read and server cross-checks included, and its error is what they say,
// whatever the server would have answered (a refused key, no server at all).
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startHarness, tempYaml, type Harness } from "./engine-support";
import { TEST_KEY } from "../support/emulator";
import { runApplyCommand } from "../../cli/apply";
import { runPlanCommand } from "../../cli/plan";
import { runDriftCommand } from "../../cli/drift";
import { runValidateCommand } from "../../cli/validate";
import { connectLookups } from "../../cli/validate-lookups";

const GOOD = `domain: acme.test
mailshares:
  - name: desk
    shares:
      - { user: alice@acme.test, level: write }
`;
// A schema error in one mailshare, beside a valid one: the valid one is not read either.
const BAD = `${GOOD}  - name: sales
    quota: 2 GB
`;
const BAD_LINE = /mailshares\.yaml:7:12: mailshares\[1\]\.quota: expected a size/;

type Run = (argv: string[], env: NodeJS.ProcessEnv) => Promise<{ status: number; stderr: string }>;

const io = (env: NodeJS.ProcessEnv) => {
  const out = { stderr: "" };
  return { out, deps: { env, isTTY: false, stdout: () => {}, stderr: (t: string) => (out.stderr += t) } };
};

const COMMANDS: [string, Run][] = [
  ["plan", async (argv, env) => { const { out, deps } = io(env); return { status: await runPlanCommand(argv, deps), stderr: out.stderr }; }],
  ["apply --yes", async (argv, env) => { const { out, deps } = io(env); return { status: await runApplyCommand([...argv, "--yes"], deps), stderr: out.stderr }; }],
  ["drift", async (argv, env) => { const { out, deps } = io(env); return { status: await runDriftCommand(argv, deps), stderr: out.stderr }; }],
  ["validate", async (argv, env) => {
    const { out, deps } = io(env);
    return { status: await runValidateCommand(argv, { ...deps, connect: connectLookups }), stderr: out.stderr };
  }],
];

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe("bad input sends nothing to the server", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());

  describe.each(COMMANDS)("%s", (_name, run) => {
    it("stops at the file's error before its first request, and sends its requests once the file is fixed", async () => {
      h.clearLog();
      const bad = await run(["-f", tempYaml(BAD)], { BLUEMIND_URL: h.emu.url, BLUEMIND_API_KEY: TEST_KEY });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(BAD_LINE);
      expect(h.requests()).toEqual([]);
      // The same run with the file fixed does reach the server (the test above could not pass by accident).
      const good = await run(["-f", tempYaml(GOOD)], { BLUEMIND_URL: h.emu.url, BLUEMIND_API_KEY: TEST_KEY });
      expect(good.stderr).not.toMatch(BAD_LINE);
      expect(h.requests()[0]).toBe("GET /api/system/installation/version");
    });

    it("says the file's error, not the server's refusal, when the key is refused", async () => {
      h.clearLog();
      const r = await run(["-f", tempYaml(BAD)], { BLUEMIND_URL: h.emu.url, BLUEMIND_API_KEY: "not-the-key" });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(BAD_LINE);
      expect(r.stderr).not.toContain("refused");
      expect(h.requests()).toEqual([]);
    });

    it("says the file's error, not that the server cannot be reached, when there is no server", async () => {
      const r = await run(["-f", tempYaml(BAD)], { BLUEMIND_URL: `http://127.0.0.1:${await closedPort()}`, BLUEMIND_API_KEY: TEST_KEY });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(BAD_LINE);
      expect(r.stderr).not.toMatch(/ECONNREFUSED|cannot reach|retry/);
    });

    it("sends nothing either when a file given cannot be read", async () => {
      h.clearLog();
      const good = tempYaml(GOOD);
      const missing = path.join(path.dirname(good), "missing.yaml");
      expect(fs.existsSync(missing)).toBe(false);
      const r = await run(["-f", good, "-f", missing], { BLUEMIND_URL: h.emu.url, BLUEMIND_API_KEY: TEST_KEY });
      expect(r.status).toBe(1);
      expect(r.stderr).toContain("missing.yaml");
      expect(h.requests()).toEqual([]);
    });
  });
});
