// The serialized stubs of the resource kinds, as `new <Kind>(...)` puts them in state.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ProviderHost, serializeProviders } from "./pulumi-host";

const KINDS = ["Mailshare", "MailshareAliases", "MailshareAcl", "MailshareAutoReply", "MailshareFilters", "MailshareIdentity", "MailshareMaintenance"];

let texts: Record<string, string> | undefined;

/** The stub text of `kind` (all kinds serialized once per test process, in one child process). */
export function serializeStub(kind: string): string {
  if (!texts) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-stub-"));
    const file = path.join(dir, "stubs.ts");
    const stubModule = JSON.stringify(path.resolve(__dirname, "..", "..", "providers", "stub"));
    fs.writeFileSync(file, [
      `import { providerStub } from ${stubModule};`,
      ...KINDS.map((k) => `export const ${k} = providerStub(${JSON.stringify(k)});`),
    ].join("\n"));
    texts = serializeProviders(file, KINDS);
  }
  const text = texts[kind];
  if (!text) throw new Error(`unknown kind ${kind}`);
  return text;
}

/**
 * A dynamic-provider host serving `kind`, configured for `url` (the emulator) with the admin0 test
 * key, the acme.test default domain and no rate limit.
 */
export async function startHostFor(kind: string, url: string, apiKey: string): Promise<ProviderHost> {
  const host = await ProviderHost.start(serializeStub(kind));
  await host.configure({ url, apiKey, domain: "acme.test", maxRequestsPerSecond: "0" });
  return host;
}
