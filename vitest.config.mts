import { defineConfig } from "vitest/config";

// Forks, not threads: Pulumi's closure serializer needs every builtin, trace_events included,
// which worker threads lack (shared/pulumi-notes.md §2).
export default defineConfig({
  test: {
    pool: "forks",
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
