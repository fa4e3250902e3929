import { defineConfig } from "vitest/config";

// Forks, not threads: Pulumi's closure serializer needs every builtin, trace_events included,
// which worker threads lack (docs/pulumi.md §2, pitfall 3).
export default defineConfig({
  test: {
    pool: "forks",
    // Rebuilds dist/ (what child processes of bin/bmshare.js run) when a source changed since.
    globalSetup: ["test/support/fresh-dist.ts"],
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
