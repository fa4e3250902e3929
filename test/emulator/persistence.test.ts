// State across restarts (--data), crash safety of the state file, and parallel requests.
import { describe, it, expect } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawn } from "node:child_process";
import { startTestEmulator, mailshareBody, TEST_KEY } from "../support/emulator";

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-emu-"));
const ROOT = path.resolve(__dirname, "..", "..");

describe("persistence", () => {
  it("keeps mailshares, cards and photos across a restart with the same data folder", async () => {
    const dataDir = tmpDir();
    const first = await startTestEmulator({ dataDir });
    await first.api("PUT", "/api/mailshares/acme.test/p-1", {
      body: { ...mailshareBody("persisted"), card: { explanatory: { note: "kept" } } },
    });
    await first.close();

    const second = await startTestEmulator({ dataDir });
    try {
      const r = await second.api("GET", "/api/mailshares/acme.test/p-1/complete");
      expect(r.status).toBe(200);
      expect(r.json.value.card.explanatory.note).toBe("kept");
      // the seed is not re-applied over persisted state: the name stays taken
      const again = await second.api("PUT", "/api/mailshares/acme.test/p-2", { body: mailshareBody("persisted") });
      expect(again.json.errorCode).toBe("ALREADY_EXISTS");
    } finally {
      await second.close();
    }
  });

  it("ignores a torn temporary file left by a crash mid-write", async () => {
    const dataDir = tmpDir();
    const first = await startTestEmulator({ dataDir });
    await first.api("PUT", "/api/mailshares/acme.test/p-3", { body: mailshareBody("survivor") });
    await first.close();
    fs.writeFileSync(path.join(dataDir, "state.json.99999.tmp"), '{"version":1,"domains":{"acme.te');
    const second = await startTestEmulator({ dataDir });
    try {
      expect((await second.api("GET", "/api/mailshares/acme.test/p-3/complete")).status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it("a process killed while writing leaves a readable state file", async () => {
    const dataDir = tmpDir();
    const child = spawn(process.execPath, ["bin/bmshare.js", "emulator", "--port", "0", "--api-key", TEST_KEY, "--data", dataDir], {
      cwd: ROOT, stdio: ["ignore", "pipe", "pipe"],
    });
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (c) => {
        out += c;
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on("exit", (code) => reject(new Error(`emulator exited early (${code})`)));
    });
    // Hammer writes and kill the process in the middle of them.
    const writes = Array.from({ length: 60 }, (_, i) =>
      fetch(`${url}/api/mailshares/acme.test/k-${i}`, {
        method: "PUT", headers: { "X-BM-ApiKey": TEST_KEY, "Content-Type": "application/json" },
        body: JSON.stringify(mailshareBody(`killed-${i}`)),
      }).then((r) => r.status, () => 0),
    );
    await writes[0];
    child.kill("SIGKILL");
    const statuses = await Promise.all(writes);
    const acknowledged = statuses.map((s, i) => (s === 200 ? i : -1)).filter((i) => i >= 0);
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged.length).toBeLessThan(60);
    const state = JSON.parse(fs.readFileSync(path.join(dataDir, "state.json"), "utf8"));
    // Every acknowledged write was saved before its answer was sent.
    for (const i of acknowledged) expect(state.domains["acme.test"].mailshares[`k-${i}`]).toBeDefined();
  });
});

describe("concurrency", () => {
  it("parallel creates, updates and reads do not corrupt state", async () => {
    const emu = await startTestEmulator();
    try {
      const creates = await Promise.all(
        Array.from({ length: 80 }, (_, i) => emu.api("PUT", `/api/mailshares/acme.test/c-${i}`, { body: mailshareBody(`par-${i}`) })),
      );
      expect(creates.every((r) => r.status === 200)).toBe(true);
      // Same name from many clients at once: exactly one wins.
      const racing = await Promise.all(
        Array.from({ length: 20 }, (_, i) => emu.api("PUT", `/api/mailshares/acme.test/race-${i}`, { body: mailshareBody("contested") })),
      );
      expect(racing.filter((r) => r.status === 200)).toHaveLength(1);
      expect(racing.filter((r) => r.json?.errorCode === "ALREADY_EXISTS")).toHaveLength(19);
      // Interleaved full-replace updates and reads: every read sees one complete version.
      const quotas = Array.from({ length: 30 }, (_, i) => 1048576 + i * 1024);
      const mixed = await Promise.all(quotas.flatMap((quota) => [
        emu.api("POST", "/api/mailshares/acme.test/c-0", { body: { ...mailshareBody("par-0"), quota } }),
        emu.api("GET", "/api/mailshares/acme.test/c-0/complete"),
      ]));
      for (const r of mixed) expect(r.status).toBe(200);
      const reads = mixed.filter((_, i) => i % 2 === 1).map((r) => r.json.value.quota);
      for (const q of reads) expect([1048576, ...quotas]).toContain(q);
      const all = await emu.api("GET", "/api/mailshares/acme.test/_complete");
      const names = all.json.map((i: any) => i.value.name);
      for (let i = 0; i < 80; i++) expect(names).toContain(`par-${i}`);
      expect(new Set(names).size).toBe(names.length);
      const finalItem = await emu.api("GET", "/api/mailshares/acme.test/c-0/complete");
      expect(finalItem.json.version).toBe(31);
    } finally {
      await emu.close();
    }
  });
});
