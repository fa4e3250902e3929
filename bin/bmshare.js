#!/usr/bin/env node
// The `bmshare` command: runs cli/main compiled in dist/ (`npm ci` and `npm run build` make it). When
// dist/ is missing or older than the sources, runs the sources through ts-node instead, with a
// one-line notice: slower to start, never out of date (bin/dist-status.js).
"use strict";
const path = require("node:path");
const { loadProjectModule } = require("./load-project");

// Stack traces (printed with --debug only) name the TypeScript lines; reading the maps costs time otherwise.
if (process.argv.includes("--debug")) process.setSourceMapsEnabled(true);

// V8 lets the heap grow to about four times what survives each full collection while collecting is
// cheap: a plan of 3000 mailshares, with some 90 MB live, then peaks near 480 MB. Growing by at most
// twice keeps that one near 320 MB at the same speed (measured: README, "Scale"). The factor is read
// at every collection, so it can be set here; a value given in NODE_OPTIONS or on the node command
// line wins.
const nodeFlags = `${process.env.NODE_OPTIONS ?? ""} ${process.execArgv.join(" ")}`;
if (!/--heap-growing-percent/.test(nodeFlags)) require("node:v8").setFlagsFromString("--heap-growing-percent=100");

const notice = (reason) => process.stderr.write(`bmshare: ${reason}: running the TypeScript sources (slower start; \`npm run build\` compiles them)\n`);
loadProjectModule(path.join(__dirname, ".."), "cli/main", notice).main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`bmshare: ${err && err.message ? err.message : err}`); process.exitCode = 1; },
);
