// Runs a Pulumi program under the SDK's mocks and records every resource registration with the
// options the engine would see (parent, deletedWith, retainOnDelete, dependencies).
//
// The program is loaded with Node's own require (through ts-node), not vitest's module runner:
// code loaded by vitest cannot be serialized (docs/pulumi.md §2 pitfall 2), and
// constructing a dynamic resource serializes its provider even under mocks (§4).
import { createRequire } from "node:module";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");
export const nativeRequire = createRequire(path.join(ROOT, "package.json"));

export interface Registration {
  type: string;
  name: string;
  urn: string;
  parent: string;
  deletedWith: string;
  retainOnDelete: boolean;
  dependencies: string[];
  inputs: Record<string, any>;
}

let registered = false;

/** Registers ts-node for native requires of the project's TypeScript (once per process). */
export function requireProjectModule(relative: string): any {
  if (!registered) {
    nativeRequire("ts-node").register({ transpileOnly: true, project: path.join(ROOT, "tsconfig.json") });
    registered = true;
  }
  return nativeRequire(path.join(ROOT, relative));
}

/** Installs mocks (project `bluemind-mailshares`, stack `test`) and records registrations. */
export function installMocks(config: Record<string, string> = {}): Registration[] {
  const pulumi = nativeRequire("@pulumi/pulumi");
  const { MockMonitor } = nativeRequire("@pulumi/pulumi/runtime/mocks");
  const records: Registration[] = [];
  const original = MockMonitor.prototype.registerResource;
  MockMonitor.prototype.registerResource = function (req: any, callback: any) {
    return original.call(this, req, (err: unknown, resp: any) => {
      if (!err) {
        records.push({
          type: req.getType(), name: req.getName(), urn: resp.getUrn(), parent: req.getParent(),
          deletedWith: req.getDeletedwith(), retainOnDelete: req.getRetainondelete(),
          dependencies: req.getDependenciesList(),
          inputs: nativeRequire("@pulumi/pulumi/runtime/rpc").deserializeProperties(req.getObject()),
        });
      }
      callback(err, resp);
    });
  };
  pulumi.runtime.setConfig && Object.entries(config).forEach(([k, v]) => pulumi.runtime.setConfig(`bluemind-mailshares:${k}`, v));
  const { mailshareUid } = requireProjectModule("providers/ids.ts");
  pulumi.runtime.setMocks({
    // A Mailshare's uid is the deterministic one its provider would give it.
    newResource: (args: any) => ({
      id: `${args.name}-id`,
      state: args.type.endsWith(":Mailshare") ? { ...args.inputs, uid: mailshareUid(args.inputs.domain, args.inputs.name) } : args.inputs,
    }),
    call: (args: any) => args.inputs,
  }, "bluemind-mailshares", "test", false);
  return records;
}

/** Waits until `records` holds `count` registrations (they complete asynchronously). */
export async function waitForRegistrations(records: Registration[], count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (records.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${records.length} of ${count} resources registered`);
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 50));
}
