// The `yaml` library, loaded on first use: a valid file is read by fast-parse.ts (js-yaml) alone, and
// `validate` or a no-op plan never needs `yaml` at all (test/cli/fast-start.test.ts pins this). Its
// users that need it only sometimes (parse.ts for files with errors, the plan's renderings of values) ask for it here.
let library: typeof import("yaml") | undefined;

export const yamlLibrary = (): typeof import("yaml") => (library ??= require("yaml") as typeof import("yaml"));
