// Serializes a provider the way `new pulumi.dynamic.Resource` does, in a plain Node process
// (code loaded through vitest cannot be serialized: docs/pulumi.md §2 pitfall 2).
//   node bin/run-ts.js test/support/serialize-provider.ts <module path> <export name>...
// Prints {"<export name>": {"text": ..., "containsSecrets": ...}, ...} as JSON on stdout.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";

async function main(): Promise<void> {
  const [modulePath, ...exportNames] = process.argv.slice(2);
  const mod = require(path.resolve(modulePath));
  const out: Record<string, { text: string; containsSecrets: boolean }> = {};
  for (const exportName of exportNames) {
    const provider = mod[exportName];
    if (!provider) throw new Error(`${modulePath} has no export ${exportName}`);
    const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    out[exportName] = { text: serialized.text, containsSecrets: serialized.containsSecrets };
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
