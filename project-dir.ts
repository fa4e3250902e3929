// The project's folder, whether this code runs from its TypeScript sources or compiled in dist/:
// what reads the project's own files at run time (the example mailshares, the schema, the
// emulator's seeds, the templates of `bmshare init`) finds them here, next to the sources, never a
// copy in dist/; and the package's version, read from its package.json.
import * as fs from "node:fs";
import * as path from "node:path";

export const PROJECT_DIR = fs.existsSync(path.join(__dirname, "package.json")) ? __dirname : path.dirname(__dirname);

/** The package's version (`bmshare --version`), read when asked: no module is loaded for it. */
export const packageVersion = (): string => JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")).version;
