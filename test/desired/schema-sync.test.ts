// The JSON Schema and the TypeScript model stay in step (docs/architecture.md, rule 8): the property names of every
// schema object equal the key lists of desired/model.ts (which `tsc` ties to the TS types), the enums
// are the same, and the schema keeps the properties editors rely on: descriptions and valid examples on
// every property, strict objects, and only the composite forms the error translator understands.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it, expect } from "vitest";
import PLAN_SCHEMA from "../../schemas/plan.schema.json";
import Ajv2020 from "ajv/dist/2020";
import { MAILSHARES_SCHEMA, SCHEMA_ANNOTATIONS, isNullableAnyOf, isOneKeyOf } from "../../desired/schema";
import { SCHEMA_ENUMS, SCHEMA_OBJECT_KEYS } from "../../desired/model";
import { parseSize } from "../../desired/sizes";
import { parseDate } from "../../desired/dates";

type Schema = Record<string, any>;
const defs: Record<string, Schema> = MAILSHARES_SCHEMA.$defs;
const objectDefs = Object.entries(defs).filter(([, s]) => s.properties);

/** Every subschema with its JSON pointer. */
function walk(schema: unknown, pointer = "#", out: [string, Schema][] = []): [string, Schema][] {
  if (Array.isArray(schema)) schema.forEach((s, i) => walk(s, `${pointer}/${i}`, out));
  else if (schema && typeof schema === "object") {
    out.push([pointer, schema as Schema]);
    for (const [k, v] of Object.entries(schema)) if (!["examples", "default", "enum", "const", "defaultSnippets"].includes(k)) walk(v, `${pointer}/${k}`, out);
  }
  return out;
}

describe("schema and TypeScript model in step", () => {
  it("has the same property names per object as the model's key lists", () => {
    expect(objectDefs.map(([name]) => name).sort()).toEqual(Object.keys(SCHEMA_OBJECT_KEYS).sort());
    for (const [name, schema] of objectDefs) {
      expect(Object.keys(schema.properties).sort(), name).toEqual([...SCHEMA_OBJECT_KEYS[name]].sort());
    }
  });

  it("has the same enumerations", () => {
    for (const [key, values] of Object.entries(SCHEMA_ENUMS)) {
      const [def, property] = key.split(".");
      expect(defs[def].properties[property].enum, key).toEqual([...values]);
    }
  });

  it("refuses unknown keys in every object", () => {
    for (const [pointer, schema] of walk(MAILSHARES_SCHEMA)) {
      const isObject = schema.type === "object" || (Array.isArray(schema.type) && schema.type.includes("object"));
      if (isObject) expect(schema.additionalProperties, pointer).toBe(false);
    }
  });

  it("uses only the composite forms the error translator handles", () => {
    for (const [pointer, schema] of walk(MAILSHARES_SCHEMA)) {
      if (schema.anyOf) expect(isNullableAnyOf(schema), pointer).toBe(true);
      if (schema.oneOf) expect(isOneKeyOf(schema), pointer).toBe(true);
    }
  });
});

describe("schema for editors", () => {
  const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true });
  for (const keyword of SCHEMA_ANNOTATIONS) ajv.addKeyword(keyword);
  ajv.addSchema(MAILSHARES_SCHEMA, "mailshares");

  it("describes every property, with examples that the property accepts", () => {
    let checked = 0;
    for (const [name, schema] of objectDefs) {
      for (const [property, sub] of Object.entries<Schema>(schema.properties)) {
        const where = `${name}.${property}`;
        expect(typeof sub.description === "string" && sub.description.length >= 5, `${where} description`).toBe(true);
        expect(Array.isArray(sub.examples) && sub.examples.length > 0, `${where} examples`).toBe(true);
        const validate = ajv.getSchema(`mailshares#/$defs/${name}/properties/${property}`)!;
        for (const example of sub.examples) {
          expect(validate(example), `${where} example ${JSON.stringify(example)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(80);
  });

  it("accepts the documented size and date forms exactly as the parsers do", () => {
    const sizePattern = new RegExp(defs.size.pattern, "u");
    for (const ok of ["2 GiB", "500 MiB", "1048576 KiB", "1.5 GiB", "2GiB", "1 TiB"]) {
      expect(sizePattern.test(ok), ok).toBe(true);
      expect("kib" in parseSize(ok), ok).toBe(true);
    }
    for (const bad of ["2 GB", "2 gib", "2G", " 2 GiB", "2  GiB", "-1 MiB", "GiB", "1e3 KiB", "2 GiB "]) {
      expect(sizePattern.test(bad), bad).toBe(false);
      expect("error" in parseSize(bad), bad).toBe(true);
    }
    const datePattern = new RegExp(defs.date.pattern, "u");
    for (const ok of ["2026-12-24", "2026-12-24T18:00Z", "2026-12-24T18:00:30+01:00", "2026-12-24T18:00:00-05:30"]) {
      expect(datePattern.test(ok), ok).toBe(true);
      expect("ms" in parseDate(ok), ok).toBe(true);
    }
    for (const bad of ["2026-12-24 18:00", "2026-12-24T18:00", "24/12/2026", "2026-12-24T18:00:00.5Z", "2026-1-2", "tomorrow"]) {
      expect(datePattern.test(bad), bad).toBe(false);
      expect("error" in parseDate(bad), bad).toBe(true);
    }
  });
});

describe("schema descriptions as editors show them", () => {
  const markdown = /`|\*\*|\[[^\]]+\]\([^)]+\)/;
  const plain = (text: string) => text.replace(/\[([^\]]+)\]\(([^)]+)\)/g, "$1 ($2)").replace(/\*\*|`/g, "");
  const schemas: [string, Schema][] = [["mailshares", MAILSHARES_SCHEMA], ["plan", PLAN_SCHEMA]];

  it("gives Markdown as markdownDescription, and the same text without markup as description", () => {
    let withMarkdown = 0;
    for (const [name, schema] of schemas) {
      for (const [pointer, sub] of walk(schema)) {
        const where = `${name} ${pointer}`;
        if (typeof sub.description === "string") expect(sub.description, where).not.toMatch(markdown);
        if (sub.markdownDescription !== undefined) {
          withMarkdown++;
          expect(sub.description, where).toBe(plain(sub.markdownDescription));
        }
      }
    }
    expect(withMarkdown).toBeGreaterThan(20);
  });

  it("shows each property's own description on hover: no definition it reaches through anyOf, oneOf or then has one", () => {
    // yaml-language-server shows the description of the innermost schema that matches a value: a
    // nullable `quota` would show the size definition's text instead of the quota's.
    for (const [pointer, sub] of walk(MAILSHARES_SCHEMA)) {
      const branches = [...(sub.anyOf ?? []), ...(sub.oneOf ?? []), ...Object.values<Schema>(sub.then?.properties ?? {})];
      for (const branch of branches) {
        if (typeof branch.$ref !== "string") continue;
        const target = defs[branch.$ref.replace("#/$defs/", "")];
        expect(target.description, `${pointer} → ${branch.$ref}`).toBeUndefined();
        expect(target.markdownDescription, `${pointer} → ${branch.$ref}`).toBeUndefined();
      }
    }
    expect(defs.mailshare.properties.quota.description).toMatch(/^Mailbox quota: a size with a binary unit/);
  });

  it("has an $id where the published package serves it: unpkg.com/<package>@<version>/schemas/<file>", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
    for (const [name, schema] of schemas) {
      expect(schema.$id, name).toBe(`https://unpkg.com/${pkg.name}@${pkg.version}/schemas/${name}.schema.json`);
      expect(fs.existsSync(path.join(__dirname, "..", "..", "schemas", `${name}.schema.json`))).toBe(true);
    }
  });
});

