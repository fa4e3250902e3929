// The JSON Schema and the TypeScript model stay in step (docs/architecture.md, rule 8): the property names of every
// schema object equal the key lists of desired/model.ts (which `tsc` ties to the TS types), the enums
// are the same, and the schema keeps the properties editors rely on: descriptions and valid examples on
// every property, strict objects, and only the composite forms the error translator understands.
import { describe, it, expect } from "vitest";
import Ajv2020 from "ajv/dist/2020";
import { MAILSHARES_SCHEMA, isNullableAnyOf, isOneKeyOf } from "../../desired/schema";
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
  ajv.addKeyword("patternErrorMessage");
  ajv.addKeyword("errorMessage");
  ajv.addKeyword("defaultSnippets");
  ajv.addKeyword("limitReason");
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
