// The ajv instances that compile schemas/mailshares.schema.json, and its first-error validators
// compiled ahead of time. Compiling them costs ~0.4 s per process (a new ajv checks the schema
// against the meta-schema, then every validator is generated and evaluated), more than a valid
// file's whole check; so `npm run build` writes them as JavaScript to dist/desired/schema-precompiled.js
// (ajv's standalone code, generated from the same schema file, stamped with it) and the compiled CLI
// loads that. The sources (ts-node, the tests) compile them at run time: same ajv, same schema, same
// code. Only the first-error validators are precompiled, since they are all a valid file meets; the
// validators that collect every error (and whose errors are translated) compile when a file has one.
import type { ValidateFunction } from "ajv/dist/2020";
import schemaJson from "../schemas/mailshares.schema.json";

type JsonSchema = { [keyword: string]: any };

export const MAILSHARES_SCHEMA: JsonSchema = schemaJson;

/**
 * Keywords of the schemas that validate nothing: editor annotations (yaml-language-server / VS Code:
 * `markdownDescription` is the description they render as Markdown) and our `limitReason`. ajv's
 * strict mode refuses unknown keywords, so every ajv that compiles a schema of schemas/ adds these.
 */
export const SCHEMA_ANNOTATIONS = ["patternErrorMessage", "errorMessage", "defaultSnippets", "limitReason", "markdownDescription"] as const;

export function newAjv(allErrors: boolean, options: { source?: boolean } = {}) {
  // Loaded here, not at the top: a run with precompiled validators and valid files never loads ajv.
  const { default: Ajv2020 } = require("ajv/dist/2020") as typeof import("ajv/dist/2020");
  const ajv = new Ajv2020({
    // Only the errors of the all-errors validators are translated (they need `verbose`'s schemas).
    allErrors, verbose: allErrors, strict: true, strictRequired: false, allowUnionTypes: true, ...(options.source ? { code: { source: true } } : {}),
  });
  for (const keyword of SCHEMA_ANNOTATIONS) ajv.addKeyword(keyword);
  ajv.addSchema(MAILSHARES_SCHEMA, "mailshares");
  return ajv;
}

/** The first-error validators: `file` (a whole file) and `field:KEY` (one mailshare field), with their schema references. */
export function firstErrorRefs(): Record<string, string> {
  const refs: Record<string, string> = { file: "mailshares" };
  for (const key of Object.keys(MAILSHARES_SCHEMA.$defs.mailshare.properties)) refs[`field:${key}`] = `mailshares#/$defs/mailshare/properties/${key}`;
  return refs;
}

/** The JavaScript of a CommonJS module exporting the first-error validators by `firstErrorRefs` name (bin/build.js writes it). */
export function precompiledSource(): string {
  const { default: standaloneCode } = require("ajv/dist/standalone") as typeof import("ajv/dist/standalone");
  return standaloneCode(newAjv(false, { source: true }), firstErrorRefs());
}

export const PRECOMPILED_MODULE = "./schema-precompiled.js";

/**
 * The precompiled first-error validators, or null where there are none (the sources run, not dist/).
 * `load` is the module loader: `require`, resolving from this module's folder.
 */
export function loadPrecompiled(load: (id: string) => unknown): Record<string, ValidateFunction> | null {
  try {
    return load(PRECOMPILED_MODULE) as Record<string, ValidateFunction>;
  } catch (err) {
    // Only this module missing means "no build": anything else (a runtime module of ajv gone) is an error.
    if ((err as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND" && String((err as Error).message).includes("schema-precompiled")) return null;
    throw err;
  }
}
