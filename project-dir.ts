// The project's folder, whether this code runs from its TypeScript sources or compiled in dist/:
// what reads the project's own files at run time (the example mailshares, the schema, the
// emulator's seeds) finds them here, next to the sources, never a copy in dist/.
import * as fs from "node:fs";
import * as path from "node:path";

export const PROJECT_DIR = fs.existsSync(path.join(__dirname, "package.json")) ? __dirname : path.dirname(__dirname);
