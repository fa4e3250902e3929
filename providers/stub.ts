// What Pulumi serializes into state for every resource: a tiny provider that loads the real
// implementation of its kind from the installed project at run time and delegates to it.
//
// Why: Pulumi serializes a dynamic provider's functions *with everything they capture* into each
// resource's `__provider` property. Capturing the real providers would inline the REST client, the
// validation and their dependencies (hundreds of KB per resource), change the state on every code
// edit, and copy process-wide state (limiter, connection) by value. The stub captures only its kind
// name and the loader below, so the state stays small and stable, and the host (which runs from
// the program's directory, docs/pulumi.md §3) runs the project's current code.
//
// Rules for this file (closure serialization, docs/pulumi.md §2): no module-level symbols or objects
// captured by the functions below, no `this`, nothing secret.
import type * as pulumi from "@pulumi/pulumi";

import type { ResourceKind } from "./kinds";

/**
 * Loads the providers of the project that runs the program (or BMSHARE_HOME): compiled in dist/ when
 * fresh, else `providers/registry.ts` through ts-node (the rule of bin/dist-status.js, shared with
 * bin/bmshare.js).
 */
function loadRegistry(): Record<string, pulumi.dynamic.ResourceProvider> {
  const g = globalThis as Record<string, any>;
  if (g.__bmshareRegistry) return g.__bmshareRegistry;
  const fs = require("node:fs");
  const path = require("node:path");
  const isProject = (dir: string) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).name === "bluemind-mailshares";
    } catch {
      return false;
    }
  };
  let root: string | undefined = process.env.BMSHARE_HOME;
  for (let dir = process.cwd(); !root; dir = path.dirname(dir)) {
    if (isProject(dir)) root = dir;
    else if (isProject(path.join(dir, "node_modules", "bluemind-mailshares"))) root = path.join(dir, "node_modules", "bluemind-mailshares");
    else if (path.dirname(dir) === dir) throw new Error(`bmshare: cannot find the bluemind-mailshares project from ${process.cwd()} (set BMSHARE_HOME)`);
  }
  const notice = (reason: string) => process.stderr.write(`bmshare providers: ${reason}: running the TypeScript sources\n`);
  g.__bmshareRegistry = require(path.join(root, "bin", "load-project.js")).loadProjectModule(root, "providers/registry", notice).PROVIDERS;
  return g.__bmshareRegistry;
}

/** One stub object per kind: Pulumi caches a provider's serialization per object. */
const stubs = new Map<ResourceKind, pulumi.dynamic.ResourceProvider>();

/** The serializable provider of one kind: every call goes to the real provider of that kind. */
export function providerStub(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  let stub = stubs.get(kind);
  if (!stub) stubs.set(kind, (stub = makeStub(kind)));
  return stub;
}

function makeStub(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  const real = () => {
    const provider = loadRegistry()[kind];
    if (!provider) throw new Error(`bmshare: no provider for ${kind}`);
    return provider;
  };
  return {
    configure: async (req) => real().configure?.(req),
    check: async (olds, news) => real().check!(olds, news),
    diff: async (id, olds, news) => real().diff!(id, olds, news),
    create: async (inputs) => real().create(inputs),
    read: async (id, props) => real().read!(id, props),
    update: async (id, olds, news) => real().update!(id, olds, news),
    delete: async (id, props) => real().delete!(id, props),
  };
}
