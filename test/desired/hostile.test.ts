// Hostile input is refused, quickly and with bounded memory, with one message naming the file and the
// line: alias bombs, huge keys and files, deep nesting, binary content, devices, link loops, and the
// YAML mistakes whose library messages blamed the wrong field (a second document, tabs, an alias to
// nothing). In process for the messages; once through the real `bmshare validate` in a child process
// with a 256 MB heap for the memory (its peak RSS is compared with a run on a tiny valid file).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { checkSources, loadDesiredState } from "../../desired/load";
import { formatError } from "../../desired/errors";
import { MAX_FILE_BYTES } from "../../desired/files";

const ROOT = path.resolve(__dirname, "..", "..");
let dir: string;
const files: Record<string, string> = {};

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, `${name}.yaml`);
  fs.writeFileSync(file, content);
  files[name] = file;
  return file;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-hostile-"));
  // 9 levels of 10 aliases each: 10^9 values once expanded.
  const bomb = ["domain: acme.test", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"];
  for (let i = 1; i < 10; i++) bomb.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(", ")}]`);
  write("bomb", `${bomb.join("\n")}\nmailshares:\n  - name: bomb\n    shares: *a9\n`);
  write("huge-file", "domain: acme.test\nmailshares:\n" + "  - name: m\n".repeat(Math.ceil((MAX_FILE_BYTES + 1) / 12)));
  // Just under the size limit: one unknown key of almost 1 MiB, explicit (YAML limits implicit keys to 1024 characters).
  write("huge-key", `domain: acme.test\nmailshares:\n  - name: x\n    ? ${"k".repeat(MAX_FILE_BYTES - 100)}\n    : 1\n`);
  write("many-values", `domain: acme.test\nmailshares:\n  - name: x\n    aliases: [${"1, ".repeat(150_000)}1]\n`);
  write("long-lists", `domain: acme.test\nmailshares:\n  - name: x\n    aliases: [${"1, ".repeat(30_000)}1]\n`);
  write("deep", `domain: acme.test\nmailshares: ${"[".repeat(90_000)}${"]".repeat(90_000)}\n`);
  write("nul", Buffer.from("domain: acme.test\nmailshares: []\nx: \x00\x01\x02 secret-looking-binary\n", "latin1"));
  write("latin1", Buffer.from("domain: acme.test\nmailshares:\n  - name: caf\xe9 secret-looking-binary\n", "latin1"));
  write("undefined-alias", "domain: acme.test\nmailshares:\n  - name: x\n    shares: *common\n");
  write("two-documents", "domain: acme.test\nmailshares:\n  - name: x\n---\ndomain: beta.test\nmailshares: []\n");
  write("tab", "domain: acme.test\nmailshares:\n  - name: x\n\temail: x@acme.test\n");
  fs.symlinkSync("loop.yaml", path.join(dir, "loop.yaml"));
  files.loop = path.join(dir, "loop.yaml");
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function refusalOf(name: string): Promise<{ lines: string[]; ms: number }> {
  const started = Date.now();
  const result = await loadDesiredState([files[name]]);
  const ms = Date.now() - started;
  expect(result.ok).toBe(false);
  expect(result.mailshares).toEqual([]);
  return { lines: result.errors.map(formatError), ms };
}

describe("hostile files are refused with one message naming file and line", () => {
  it("an alias bomb, at the alias that expands it", async () => {
    const { lines, ms } = await refusalOf("bomb");
    expect(lines).toEqual([
      `${files.bomb}:6:45: a4[7]: YAML aliases here expand to more than 100000 values, the limit of a file: ` +
        "an alias of an alias multiplies its size (an alias bomb?); write the repeated blocks out, or reuse fewer",
    ]);
    expect(ms).toBeLessThan(5000);
  });

  it("a file over the size limit, without reading it", async () => {
    const { lines, ms } = await refusalOf("huge-file");
    expect(lines).toEqual([
      `${files["huge-file"]}:1:1: (document): the file is 1.0 MiB, more than 1 MiB, the limit of a desired-state file: split it into several files (a folder of files works with -f)`,
    ]);
    expect(ms).toBeLessThan(5000);
  });

  it("an unknown key of almost 1 MiB: shortened in the message, no suggestion computed", async () => {
    const { lines, ms } = await refusalOf("huge-key");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${files["huge-key"].replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4:7: mailshares\\[0\\]\\["k{57}\\.\\.\\."\\]: unknown key "k{57}\\.\\.\\."; expected one of: name, `));
    expect(lines[0].length).toBeLessThan(1000);
    expect(ms).toBeLessThan(5000);
  });

  it("too many values, and lists longer than the bound", async () => {
    expect((await refusalOf("many-values")).lines).toEqual([
      `${files["many-values"]}:4:1: (document): the file holds more than 100000 values (keys, list items, texts; the limit is passed at line 4), ` +
        "the limit of a desired-state file: split it into several files (a folder of files works with -f)",
    ]);
    const { lines } = await refusalOf("long-lists");
    expect(lines).toContain(`${files["long-lists"]}:4:14: mailshares[0].aliases: expected at most 1000 items (bmshare's bound for a list), found 30001`);
    // The first items are still checked, and errors are bounded (a few hundred, not 30000).
    expect(lines.length).toBeLessThan(300);
  });

  it("nesting too deep for the YAML library", async () => {
    const { lines } = await refusalOf("deep");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^.*deep\.yaml:2:\d+: \(document\): values are nested too deeply to read \(far more than the 64 levels this format allows\)$/);
  });

  it("binary content, never echoed", async () => {
    expect((await refusalOf("nul")).lines).toEqual([
      `${files.nul}:3:1: (document): not a text file: it contains a NUL byte (line 3); a desired-state file is UTF-8 text`,
    ]);
    expect((await refusalOf("latin1")).lines).toEqual([
      `${files.latin1}:3:1: (document): not a text file: it is not valid UTF-8 (line 3); save it as UTF-8`,
    ]);
    const given = await checkSources([{ file: "given.yaml", text: "domain: acme.test\nmailshares: [\u0000]\n" }]);
    expect(given.errors.map(formatError)).toEqual(["given.yaml:2:1: (document): not a text file: it contains a NUL character (line 2); a desired-state file is UTF-8 text"]);
  });

  it("YAML mistakes, in the format's words: an alias to nothing, a second document, a tab", async () => {
    expect((await refusalOf("undefined-alias")).lines).toEqual([
      `${files["undefined-alias"]}:4:13: mailshares[0].shares: alias *common refers to no anchor: define &common earlier in the same file (an alias can only refer to an anchor above it)`,
    ]);
    expect((await refusalOf("two-documents")).lines).toEqual([
      `${files["two-documents"]}:4:1: (document): a file holds one YAML document; found a second one at line 4 (remove the "---" line and merge the two, or move the second into its own file)`,
    ]);
    expect((await refusalOf("tab")).lines).toEqual([`${files.tab}:4:1: (document): the indentation uses a tab at line 4: indent with spaces only`]);
  });

  it("what is not a file says what it is: a device, a symbolic link loop, a named pipe, a broken link in a folder", async () => {
    const fifo = path.join(dir, "pipe.yaml");
    const folder = path.join(dir, "folder");
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, "a.yaml"), "domain: acme.test\nmailshares: []\n");
    fs.symlinkSync("missing.yaml", path.join(folder, "b.yaml"));
    const { execFileSync } = await import("node:child_process");
    execFileSync("mkfifo", [fifo]);
    const result = await loadDesiredState(["/dev/zero", files.loop, fifo, folder]);
    expect(result.errors.map(formatError)).toEqual([
      "/dev/zero:1:1: (document): expected a YAML file, found a character device: not a regular file",
      `${files.loop}:1:1: (document): a symbolic link loop: the link leads back to itself`,
      `${fifo}:1:1: (document): expected a YAML file, found a named pipe (FIFO): not a regular file`,
      `${path.join(folder, "b.yaml")}:1:1: (document): no such file`,
    ]);
    expect(result.files).toContain(path.join(folder, "a.yaml"));
  });
});

describe("bmshare validate on every hostile file at once (child process, 256 MB heap)", () => {
  const PROBE = path.join(__dirname, "fixtures", "rss-probe.js");

  function run(args: string[]): Promise<{ status: number | null; stderr: string; rssMiB: number }> {
    return new Promise((resolve) => {
      execFile(process.execPath, ["--max-old-space-size=256", "--require", PROBE, "bin/bmshare.js", "validate", "--offline", ...args],
        { cwd: ROOT, encoding: "utf8", maxBuffer: 16 * 1024 * 1024, env: { ...process.env, BLUEMIND_URL: undefined } },
        (error, _stdout, stderr) => {
          const rss = /^rss-probe maxRSS=(\d+)$/m.exec(stderr);
          resolve({ status: error ? (typeof error.code === "number" ? error.code : null) : 0, stderr, rssMiB: rss ? Number(rss[1]) : NaN });
        });
    });
  }

  it("refuses each with its line, grows memory by less than 256 MB, and exits", async () => {
    const baseline = await run(["-f", "examples/minimal.yaml"]);
    expect(baseline.stderr).toMatch(/^rss-probe maxRSS=\d+\n$/);
    expect(baseline.status).toBe(0);
    const names = ["bomb", "huge-file", "huge-key", "many-values", "long-lists", "deep", "nul", "latin1", "undefined-alias", "two-documents", "tab", "loop"];
    const hostile = await run(["-f", ...names.map((n) => files[n]), "/dev/zero"]);
    expect(hostile.status).toBe(1);
    for (const n of names) expect(hostile.stderr, n).toContain(`${files[n]}:`);
    expect(hostile.stderr).toContain("/dev/zero:1:1: (document): expected a YAML file, found a character device");
    expect(hostile.stderr).not.toContain("secret-looking-binary");
    expect(hostile.stderr).not.toMatch(/\n\s+at |heap out of memory/);
    expect(Number.isFinite(hostile.rssMiB) && Number.isFinite(baseline.rssMiB)).toBe(true);
    expect(hostile.rssMiB - baseline.rssMiB).toBeLessThan(256);
  }, 180_000);
});
