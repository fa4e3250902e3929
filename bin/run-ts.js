#!/usr/bin/env node
// Runs a TypeScript file of this project through ts-node (transpile only: `npm test` type-checks).
"use strict";
const path = require("path");
require("ts-node").register({ transpileOnly: true, project: path.join(__dirname, "..", "tsconfig.json") });
const [script, ...rest] = process.argv.slice(2);
process.argv = [process.argv[0], script, ...rest];
require(path.resolve(script));
