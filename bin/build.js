#!/usr/bin/env node
// `npm run build` (and `npm ci`'s and `npm pack`'s prepare): compiles what the CLI, the Pulumi program
// and the Pulumi provider host run (tsconfig.build.json: cli/, desired/, providers/, bluemind/,
// emulator/, program/) to dist/, with their type declarations, and stamps it with what it read
// (bin/dist-status.js). Tests, scripts and examples stay TypeScript.
//
//   node bin/build.js              type-check and emit, like `tsc -p tsconfig.build.json`; exit 1 on errors
//   node bin/build.js --no-check   emit only, no declarations (the test setup: `tsc --noEmit` is what
//                                  type-checks; the package is built by `npm pack` without it)
//
// The output is written to a folder of its own and then put in place of dist/ by renames, so a
// process starting meanwhile finds the old dist/, the new one, or none (and runs the sources) — never
// a half-written one; builds running at the same time each put a complete dist/ in place.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");
const { STAMP, buildStamp } = require("./dist-status");

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const CONFIG = path.join(ROOT, "tsconfig.build.json");

function build({ check }) {
  const startedAt = Date.now();
  const config = ts.getParsedCommandLineOfConfigFile(CONFIG, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => fail([d]) });
  if (config.errors.length) fail(config.errors);
  const out = path.join(ROOT, `dist.build-${process.pid}`);
  fs.rmSync(out, { recursive: true, force: true });
  const options = check
    ? { ...config.options, outDir: out }
    // What ts-node's transpile-only mode does: each file alone, no import followed, no type read
    // (a third of the time: the type-checked build reads the SDK's ~650 declaration files).
    : { ...config.options, outDir: out, noCheck: true, isolatedModules: true, noResolve: true, noLib: true, types: [], declaration: false };
  const program = ts.createProgram({ rootNames: config.fileNames, options });
  const sources = config.fileNames.map((f) => path.relative(ROOT, f));
  const json = jsonImports(config.fileNames);
  if (check) {
    // The build without type-checking compiles the include list alone: the code must import nothing else.
    const known = new Set([...sources, ...json]);
    const missing = program.getSourceFiles().map((f) => path.relative(ROOT, f.fileName))
      .filter((f) => !f.startsWith("..") && !f.split(path.sep).includes("node_modules") && !known.has(f));
    if (missing.length) failWith(`${missing.join(", ")}: imported but not in tsconfig.build.json's "include"`);
  }
  const emitted = program.emit();
  const errors = [...(check ? ts.getPreEmitDiagnostics(program) : program.getSyntacticDiagnostics()), ...emitted.diagnostics];
  if (emitted.emitSkipped) {
    fs.rmSync(out, { recursive: true, force: true });
    fail(errors);
  }
  for (const file of json) fs.cpSync(path.join(ROOT, file), path.join(out, file));
  const inputs = [...sources, ...json, "tsconfig.json", "tsconfig.build.json"];
  fs.writeFileSync(path.join(out, STAMP), JSON.stringify(buildStamp(ROOT, inputs, startedAt), null, 1) + "\n");
  replaceDist(out);
  if (errors.length) fail(errors);
  process.stdout.write(`bmshare build: ${sources.length} files compiled to dist/ in ${((Date.now() - startedAt) / 1000).toFixed(1)} s${check ? "" : " (not type-checked)"}\n`);
}

/** The JSON files the sources import by relative path (`../schemas/x.json`), relative to the root. */
function jsonImports(files) {
  const found = new Set();
  for (const file of files) {
    for (const { fileName } of ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true).importedFiles) {
      if (fileName.startsWith(".") && fileName.endsWith(".json")) found.add(path.relative(ROOT, path.resolve(path.dirname(file), fileName)));
    }
  }
  return [...found];
}

/** Puts `out` in place of dist/: dist/ moves aside (if there is one), `out` takes its name. */
function replaceDist(out) {
  for (let attempt = 0; ; attempt++) {
    const old = path.join(ROOT, `dist.old-${process.pid}-${attempt}`);
    try {
      fs.renameSync(DIST, old);
    } catch (err) {
      if (err.code !== "ENOENT") throw err;
    }
    try {
      fs.renameSync(out, DIST);
      return;
    } catch (err) {
      // Another build put its dist/ in place between the two renames: move that one aside too.
      if ((err.code !== "ENOTEMPTY" && err.code !== "EEXIST") || attempt > 20) throw err;
    } finally {
      fs.rmSync(old, { recursive: true, force: true });
    }
  }
}

function failWith(message) {
  process.stderr.write(`bmshare build: ${message}\n`);
  process.exit(1);
}

function fail(diagnostics) {
  const host = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" };
  const format = process.stderr.isTTY ? ts.formatDiagnosticsWithColorAndContext : ts.formatDiagnostics;
  process.stderr.write(format(diagnostics, host));
  failWith(`${diagnostics.length} error(s)`);
}

build({ check: !process.argv.includes("--no-check") });
