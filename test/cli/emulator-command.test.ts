// `bmshare emulator` as a user runs it: a child process that prints its URL and serves the API.
import { describe, it, expect } from "vitest";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "bmshare.js");

function startCli(args: string[]): Promise<{ url: string; output: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, "emulator", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (out += c));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      // The banner is written in several chunks: wait for its last line.
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m || !out.includes("Press Ctrl-C to stop.")) return;
      clearInterval(timer);
      resolve({
        url: m[1],
        output: () => out,
        stop: () => new Promise((res) => {
          child.once("exit", (code) => res(code));
          child.kill("SIGINT");
        }),
      });
    }, 20);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`exited ${code}: ${out}`));
    });
  });
}

describe("bmshare emulator", () => {
  it("serves on a random port with --port 0 and accepts the --api-key", async () => {
    const cli = await startCli(["--port", "0", "--api-key", "K"]);
    try {
      expect(cli.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const r = await fetch(`${cli.url}/api/mailshares/acme.test/_complete`, { headers: { "X-BM-ApiKey": "K" } });
      expect(r.status).toBe(200);
      const names = (await r.json()).map((i: any) => i.value.name);
      expect(names).toEqual(["noreply"]);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it("prints a generated admin0 password that logs in, and writes an access log without keys", async () => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-cli-")), "access.log");
    const cli = await startCli(["--port", "0", "--access-log", log]);
    let key: string;
    try {
      const password = /admin0@global\.virt \/ (\S+)/.exec(cli.output())?.[1];
      expect(password).toBeTruthy();
      const login = await fetch(`${cli.url}/api/auth/login?login=admin0@global.virt&origin=test`, {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(password),
      });
      const body = await login.json();
      expect(body.status).toBe("Ok");
      key = body.authKey as string;
      expect((await fetch(`${cli.url}/api/mailshares/acme.test/_complete?apikey=${key}`)).status).toBe(200);
    } finally {
      await cli.stop();
    }
    const lines = fs.readFileSync(log, "utf8").trim().split("\n");
    expect(lines.length).toBe(2);
    expect(lines[1]).toMatch(/GET \/api\/mailshares\/acme\.test\/_complete 200 /);
    expect(fs.readFileSync(log, "utf8")).not.toContain(key);
  });

  it("rejects bad options with a clear message and exit code 1", () => {
    const r = spawnSync(process.execPath, [BIN, "emulator", "--fail-rate", "2"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--fail-rate must be a number between 0 and 1");
    const unknown = spawnSync(process.execPath, [BIN, "emulator", "--prot", "1"], { cwd: ROOT, encoding: "utf8" });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("--prot");
  });

  it("loads another seed with --seed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-seed-"));
    const seed = path.join(dir, "seed.yaml");
    fs.writeFileSync(seed, [
      "servers: [{ name: imap, fqdn: imap.tiny.test, tags: [mail/imap] }]",
      "domains:",
      "  - name: tiny.test",
      "    assignments: [{ server: imap, tag: mail/imap }]",
      "    users: [{ login: solo, password: pw, roles: [admin] }]",
    ].join("\n"));
    const cli = await startCli(["--port", "0", "--api-key", "K", "--seed", seed]);
    try {
      const put = await fetch(`${cli.url}/api/mailshares/tiny.test/m1`, {
        method: "PUT", headers: { "X-BM-ApiKey": "K", "Content-Type": "application/json" },
        body: JSON.stringify({ name: "shared", routing: "internal", emails: [{ address: "shared@tiny.test", isDefault: true }] }),
      });
      expect(put.status).toBe(200);
      expect((await fetch(`${cli.url}/api/mailshares/acme.test/_complete`, { headers: { "X-BM-ApiKey": "K" } })).status).toBe(404);
    } finally {
      await cli.stop();
    }
  });
});
