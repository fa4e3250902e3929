#!/usr/bin/env node
// The `bmshare` command: runs cli/main compiled in dist/ (`npm ci` and `npm run build` make it). When
// dist/ is missing or older than the sources, runs the sources through ts-node instead, with a
// one-line notice: slower to start, never out of date (bin/dist-status.js).
"use strict";
const path = require("node:path");
const { loadProjectModule } = require("./load-project");

// Stack traces (printed with --debug only) name the TypeScript lines; reading the maps costs time otherwise.
if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);

const notice = (reason) => process.stderr.write(`bmshare: ${reason}: running the TypeScript sources (slower start; \`npm run build\` compiles them)\n`);
loadProjectModule(path.join(__dirname, ".."), "cli/main", notice).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`bmshare: ${err && err.message ? err.message : err}`); process.exitCode = 1; },
);
