// vitest globalSetup: the child-process tests run bin/bmshare.js, which runs dist/ only while it is
// the compilation of the sources as they are (bin/dist-status.js) and the ts-node sources otherwise.
// So that tests exercise the compiled CLI, with its start times and output, dist/ is rebuilt here
// when a source changed since the last build — without type-checking: `tsc --noEmit` does that.
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

export default function buildDistIfStale(): void {
  const { distStatus } = createRequire(path.join(ROOT, "package.json"))("./bin/dist-status.js");
  const status = distStatus(ROOT);
  if (status.fresh) return;
  process.stdout.write(`${status.reason}: node bin/build.js --no-check\n`);
  execFileSync(process.execPath, [path.join(ROOT, "bin", "build.js"), "--no-check"], { cwd: ROOT, stdio: "inherit" });
}
