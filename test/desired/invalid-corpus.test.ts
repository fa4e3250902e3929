// The corpus of invalid files (test/desired/invalid/*.yaml), one per rule. Each file lists the errors it
// must produce in `# expect: LINE:COL PATH: MESSAGE` comments (the message part is matched as a prefix
// of the reported message); the loader must report exactly those, in that order.
import { describe, it, expect } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadDesiredState } from "../../desired/load";
import { formatError } from "../../desired/errors";

const DIR = path.join(__dirname, "invalid");
const EXPECT = /^# expect: (\d+):(\d+) (\S+): (.+)$/;

interface Expected { line: number; column: number; path: string; message: string }

function expectationsOf(file: string): Expected[] {
  return fs.readFileSync(file, "utf8").split("\n").flatMap((line) => {
    const m = EXPECT.exec(line);
    return m ? [{ line: Number(m[1]), column: Number(m[2]), path: m[3], message: m[4] }] : [];
  });
}

const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".yaml")).sort();

describe("invalid files: one per rule, each error at its line and path", () => {
  it("has a corpus with expectations in every file", () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    for (const f of files) expect(expectationsOf(path.join(DIR, f)), f).not.toEqual([]);
  });

  for (const f of files) {
    it(f.replace(/\.yaml$/, ""), async () => {
      const file = path.join(DIR, f);
      const result = await loadDesiredState([file]);
      expect(result.ok).toBe(false);
      const got = result.errors.map((e) => ({ line: e.line, column: e.column, path: e.path, message: e.message, text: formatError(e) }));
      const want = expectationsOf(file);
      expect(got.map((e) => `${e.line}:${e.column} ${e.path}`)).toEqual(want.map((e) => `${e.line}:${e.column} ${e.path}`));
      got.forEach((e, i) => {
        expect(e.message.startsWith(want[i].message), `${e.text}\nshould start with: ${want[i].message}`).toBe(true);
        expect(e.text.startsWith(`${file}:${e.line}:${e.column}: ${e.path}: `)).toBe(true);
      });
    });
  }
});
