// The serialized stub of a resource kind, as `new <Kind>(...)` puts it in state.
import { serializeProvider } from "./pulumi-host";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const cache = new Map<string, string>();

/** Serializes `providerStub(kind)` in a child process (cached per test process). */
export function serializeStub(kind: string): string {
  let text = cache.get(kind);
  if (!text) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-stub-"));
    const file = path.join(dir, "stub.ts");
    fs.writeFileSync(file, `import { providerStub } from ${JSON.stringify(path.resolve(__dirname, "..", "..", "providers", "stub"))};\nexport const stub = providerStub(${JSON.stringify(kind)});\n`);
    text = serializeProvider(file, "stub");
    cache.set(kind, text);
  }
  return text;
}
