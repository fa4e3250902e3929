#!/usr/bin/env node
// The `bmshare` command: runs cli/main.ts through ts-node (transpile only; `npm test` type-checks).
"use strict";
const path = require("path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
require("../cli/main.ts").main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`bmshare: ${err && err.message ? err.message : err}`); process.exitCode = 1; },
);
