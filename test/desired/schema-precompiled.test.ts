// The compiled CLI checks files with the schema's first-error validators written by the build as
// JavaScript (desired/schema-validators.ts); the sources compile them at run time. Both must give the
// same verdict on every file and every field, or a file would be valid for one and not the other.
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { ValidateFunction } from "ajv/dist/2020";
import { firstErrorRefs, newAjv, precompiledSource, MAILSHARES_SCHEMA } from "../../desired/schema-validators";

const ROOT = path.resolve(__dirname, "../..");

/** The generated module, evaluated as CommonJS resolving its requires (ajv's runtime) from the project. */
function evaluate(source: string): Record<string, ValidateFunction> {
  const module = { exports: {} as Record<string, ValidateFunction> };
  new Function("exports", "require", "module", source)(module.exports, createRequire(path.join(ROOT, "package.json")), module);
  return module.exports;
}

const yamlFiles = (dir: string): string[] => fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []);

/** Every mailshare file of the examples and of the invalid corpus, parsed (a file YAML cannot read is left out). */
function corpus(): { file: string; data: unknown }[] {
  return [...yamlFiles("examples"), ...yamlFiles("test/desired/invalid")]
    .filter((f) => !f.endsWith("bmshare.policy.yaml") && !f.includes(`${path.sep}ci${path.sep}`))
    .flatMap((file) => {
      try {
        return [{ file, data: parse(fs.readFileSync(path.join(ROOT, file), "utf8"), { logLevel: "silent" }) as unknown }];
      } catch {
        return [];
      }
    });
}

describe("precompiled first-error validators", () => {
  const precompiled = evaluate(precompiledSource());
  const ajv = newAjv(false);
  const refs = firstErrorRefs();
  const files = corpus();

  it("exist for the whole file and for every field of a mailshare", () => {
    expect(Object.keys(precompiled).sort()).toEqual(Object.keys(refs).sort());
    for (const key of Object.keys(MAILSHARES_SCHEMA.$defs.mailshare.properties)) expect(precompiled[`field:${key}`], key).toBeTypeOf("function");
  });

  it("give the run-time compiled verdict on every file of the examples and the invalid corpus", () => {
    expect(files.length).toBeGreaterThan(40);
    const runtime = ajv.getSchema(refs.file)!;
    const verdicts = files.map(({ file, data }) => [file, precompiled.file(data), runtime(data)]);
    for (const [file, mine, theirs] of verdicts) expect(mine, String(file)).toBe(theirs);
    // The corpus holds both kinds, so the comparison means something.
    expect(new Set(verdicts.map((v) => v[1]))).toEqual(new Set([true, false]));
  });

  it("give the run-time compiled verdict on every field of every mailshare of the corpus", () => {
    let compared = 0;
    const seen = new Set<boolean>();
    for (const { file, data } of files) {
      const mailshares = (data as { mailshares?: unknown })?.mailshares;
      if (!Array.isArray(mailshares)) continue;
      for (const m of mailshares) {
        if (!m || typeof m !== "object") continue;
        for (const [key, value] of Object.entries(m)) {
          const name = `field:${key}`;
          if (!refs[name]) continue;
          const mine = precompiled[name](value);
          expect(mine, `${file}: ${key}`).toBe(ajv.getSchema(refs[name])!(value));
          seen.add(mine);
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(seen).toEqual(new Set([true, false]));
  });

  it("are in dist/ (the globalSetup built it), of this very schema", () => {
    const built = path.join(ROOT, "dist/desired/schema-precompiled.js");
    expect(fs.readFileSync(built, "utf8")).toBe(precompiledSource());
  });
});
