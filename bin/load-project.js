// Loads a module of this project the way bin/bmshare.js and the Pulumi provider stub run it: the
// compiled JavaScript in dist/ when dist/ is fresh (bin/dist-status.js), else the TypeScript source
// through ts-node (transpile only), after telling `notice` why. Never an out-of-date dist/.
"use strict";
const path = require("node:path");
const { distStatus } = require("./dist-status");

/**
 * `name` is a path from the project root without extension (`cli/main`); `notice(reason)` is called
 * once when the sources are run instead of dist/.
 */
function loadProjectModule(root, name, notice) {
  const status = distStatus(root);
  if (status.fresh) return require(path.join(root, "dist", `${name}.js`));
  notice(status.reason);
  // Another copy of ts-node (a test process, Pulumi's own TypeScript runner) may have registered already.
  if (!require.extensions[".ts"]) {
    require(require.resolve("ts-node", { paths: [root] })).register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
  }
  return require(path.join(root, `${name}.ts`));
}

module.exports = { loadProjectModule };
