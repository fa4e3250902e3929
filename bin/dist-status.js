// Is dist/ the compilation of the sources as they are now? The one rule, shared by bin/bmshare.js,
// the Pulumi provider stub (providers/stub.ts) and the test setup: code that runs must never be an
// older compilation of what is on disk.
//
// bin/build.js records in dist/build-stamp.json every file the compilation read (the .ts sources
// and JSON files of tsconfig.build.json's program, and the tsconfig files) with its size and mtime.
// dist/ is fresh when every one of them still has that size and mtime; a file edited, restored from
// an older copy, or deleted since makes it stale. A file edited while the build ran is recorded as
// changed, so the build after it is not skipped. A new source file needs no entry: it runs only once
// a recorded file imports it, and that edit makes dist/ stale. Checking costs one stat per recorded
// file (~130: a few ms).
//
// An installed package (`npm install bluemind-mailshares`) ships dist/ but neither the TypeScript
// sources nor the tsconfig files (package.json's "files"): with none of them on disk nothing could
// be compiled, so dist/ is what runs. (npm gives every file of a tarball one fixed time, so the
// files it does ship, the schemas, cannot be compared; the code reads the copies in dist/.)
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const STAMP = "build-stamp.json";

/** `{ fresh: true }` (`installed: true` for a package without sources), or `{ fresh: false, reason }` with a reason a person can read. */
function distStatus(root) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(path.join(root, "dist", STAMP), "utf8"));
  } catch {
    return { fresh: false, reason: "dist/ is not built" };
  }
  if (!stamp.inputs) return { fresh: false, reason: "dist/ has no valid build stamp" };
  const buildFiles = Object.keys(stamp.inputs).filter((file) => file.endsWith(".ts") || /^tsconfig[\w.-]*\.json$/.test(path.basename(file)));
  if (buildFiles.length > 0 && !buildFiles.some((file) => fs.existsSync(path.join(root, file)))) return { fresh: true, installed: true };
  for (const [file, recorded] of Object.entries(stamp.inputs)) {
    let now;
    try {
      now = fs.statSync(path.join(root, file));
    } catch {
      return { fresh: false, reason: `dist/ is older than the sources (${file} is gone)` };
    }
    if (!recorded || now.mtimeMs !== recorded.mtimeMs || now.size !== recorded.size) {
      return { fresh: false, reason: `dist/ is older than the sources (${file} changed)` };
    }
  }
  return { fresh: true };
}

/**
 * The stamp of a build of `files` (paths relative to `root`) that started at `startedAt` (ms): a file
 * modified after that may have been read before its edit, so it is recorded as changed (null).
 */
function buildStamp(root, files, startedAt) {
  const inputs = {};
  for (const file of [...files].sort()) {
    const st = fs.statSync(path.join(root, file));
    inputs[file] = st.mtimeMs < startedAt ? { mtimeMs: st.mtimeMs, size: st.size } : null;
  }
  return { startedAt: new Date(startedAt).toISOString(), inputs };
}

module.exports = { STAMP, distStatus, buildStamp };
