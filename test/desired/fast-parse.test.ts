// The fast reading (desired/fast-parse.ts) side by side with the position-keeping one (parse.ts): on
// every YAML file of the repository, on scalar edge cases and on thousands of mutations of real files,
// a text the fast reading accepts must be one the other reads without error, to the same data, with
// its top-level values and mailshares at the same places.
import { describe, it, expect } from "vitest";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseYamlFast } from "../../desired/fast-parse";
import { parseYaml } from "../../desired/parse";
import { checkSources } from "../../desired/load";

const root = path.resolve(__dirname, "../..");

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" || e.name === "dist" || e.name.startsWith(".") ? [] : yamlFiles(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** JSON with the numbers JSON cannot spell spelt out, so that NaN and -0 compare too. */
const spelled = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "number" && (!Number.isFinite(x) || Object.is(x, -0)) ? `number:${x}${Object.is(x, -0) ? "-0" : ""}` : x));

/** Compares both readings of `text`; returns whether the fast one accepted it. */
function compareReadings(text: string, label: string): boolean {
  const slowFull = () => parseYaml("f.yaml", text, { full: true }).map;
  const fast = parseYamlFast("f.yaml", text, slowFull);
  if (fast === null) return false;
  const slow = parseYaml("f.yaml", text);
  expect(slow.errors, `${label}: the fast reading accepted a text the YAML reading refuses`).toEqual([]);
  expect(spelled(fast.data), `${label}: read differently`).toBe(spelled(slow.data));
  const data = slow.data as Record<string, unknown>;
  const paths: (string | number)[][] = [[]];
  for (const [key, value] of Object.entries(data)) {
    paths.push([key]);
    if (Array.isArray(value)) value.forEach((_v, i) => paths.push([key, i]));
  }
  for (const p of paths) {
    expect(fast.map.locate(p), `${label}: place of ${JSON.stringify(p)}`).toEqual(slow.map.locate(p));
    expect(fast.map.locate(p, true), `${label}: key place of ${JSON.stringify(p)}`).toEqual(slow.map.locate(p, true));
  }
  return true;
}

/** A small deterministic generator (xorshift32), so that a failure is the same on every run. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

const SIGNIFICANT = [":", "-", " ", "  ", "\n", "[", "]", "{", "}", ",", "#", "'", '"', "|", ">", "?", "0x1", ".5", "~", "null", "\\"];

function mutate(text: string, random: () => number): string {
  const at = Math.floor(random() * text.length);
  const lines = text.split("\n");
  const line = Math.floor(random() * lines.length);
  switch (Math.floor(random() * 5)) {
    case 0: return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
    case 1: return text.slice(0, at) + SIGNIFICANT[Math.floor(random() * SIGNIFICANT.length)] + text.slice(at);
    case 2: lines.splice(line, 0, lines[line]); return lines.join("\n");
    case 3: lines[line] = (random() < 0.5 ? " " : "") + lines[line].replace(/^ /, random() < 0.5 ? "" : "   "); return lines.join("\n");
    default: lines.splice(line, 1); return lines.join("\n");
  }
}

describe("fast YAML reading", () => {
  const files = [...yamlFiles(path.join(root, "examples")), ...yamlFiles(path.join(root, "test"))];

  it("reads every YAML file of the repository as the YAML reading does, or leaves it to it", () => {
    expect(files.length).toBeGreaterThan(40);
    let accepted = 0;
    for (const f of files) if (compareReadings(fs.readFileSync(f, "utf8"), path.relative(root, f))) accepted++;
    // Most files are plain YAML: the fast reading must take them (else it is no faster).
    expect(accepted).toBeGreaterThan(files.length / 2);
  });

  it("resolves scalars with the YAML 1.2 core schema, as the YAML reading does", () => {
    const scalars = [
      "0b101", "0x1F", "0o17", "017", "1_000", "+12", "-0", "1e3", "1.5e+3", ".5", "+.5", ".inf", "-.Inf", ".NaN", "~", "Null",
      "NULL", "", "true", "True", "TRUE", "yes", "on", "off", "y", "2026-12-24", "2026-12-24T10:00:00Z", "12:30", "1:20:30", "0.", "+1.",
      "0x_1", "1e", "+", "-", "'it''s'", '"\\x41\\u00e9\\N\\_\\L\\P\\/\\0\\a\\e"', '"\\U0001F600"', "é", "a#b", "a #b",
      "|-\n  a\n  b", "|+\n  a\n\n", ">\n  a\n  b\n\n  c", ">-\n  a\n   b\n  c", "[a, b, ]", "{a: 1, b}", "{a: [1, {b: c}]}",
    ];
    for (const s of scalars) {
      for (const text of [`k: ${s}\n`, `k:\n  - ${s}\n`, `k: [${s}]\n`]) compareReadings(text, JSON.stringify(text));
    }
    expect(parseYamlFast("f.yaml", "k: 0b101\n", () => { throw new Error("not needed"); })?.data).toEqual({ k: "0b101" });
    expect(parseYamlFast("f.yaml", "k: +.5\n", () => { throw new Error("not needed"); })?.data).toEqual({ k: 0.5 });
  });

  it("leaves to the YAML reading the structures the two libraries read differently", () => {
    for (const text of [
      "k: &a 1\nl: *a\n", "k: !!str 1\n", "%YAML 1.1\n---\nk: yes\n", "k: [a: b]\n", "{[a]: b}\n", "? [a]\n: b\n",
      "k: 'a\n\nb'\n", "k: \"a\n  b\"\n", "k: plain\n  more\n", "k: >2\n   a\n", "\ufeffk: v\n", "k:\tv\n", "- a\n", "just text\n", "",
    ]) {
      expect(parseYamlFast("f.yaml", text, () => { throw new Error("not needed"); }), JSON.stringify(text)).toBeNull();
    }
  });

  it("never accepts a mutation of a real file that the YAML reading refuses or reads differently", () => {
    const seeds = ["examples/mailshares.yaml", "examples/minimal.yaml", "examples/split/it.yaml"].map((f) => fs.readFileSync(path.join(root, f), "utf8"));
    const random = prng(20261202);
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      let text = seeds[i % seeds.length];
      for (let m = 1 + Math.floor(random() * 3); m > 0; m--) text = mutate(text, random);
      if (compareReadings(text, `mutation ${i}: ${JSON.stringify(text.slice(0, 80))}…`)) accepted++;
    }
    expect(accepted).toBeGreaterThan(100); // the property is tested on texts the fast reading takes
  });

  it("gives the loader the same mailshares, places included, as reading every file the slow way", async () => {
    const example = path.join(root, "examples/mailshares.yaml");
    const text = fs.readFileSync(example, "utf8");
    const read = (t: string) => checkSources([{ file: example, text: t, baseDir: path.dirname(example) }]);
    // The anchor sends the file to the slow reading (the signature's "tel:+33" is read the fast way).
    expect(parseYamlFast(example, text, () => { throw new Error("not needed"); })).not.toBeNull();
    const fast = await read(text);
    const slow = await read(text.replace(/^domain:/m, "domain: &d"));
    expect(fast.ok && slow.ok).toBe(true);
    expect(fast.mailshares).toEqual(slow.mailshares);
  });
});
