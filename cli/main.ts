// `bmshare <command>`: the command line of docs/architecture.md, "CLI contract". Returns the process exit code
// (0 success / nothing to change, 2 changes found, 1 error).
//
// Each command's module is required only when that command runs, so a command loads its own
// dependencies and nothing else (`bmshare --help` loads none; `validate` no REST client).
import type { Connection } from "../providers/connection";
import { packageVersion } from "../project-dir";

type Command = (argv: string[]) => Promise<number>;

/** validate's server connection, loaded only when it has one (cli/validate-lookups.ts). */
const connectLookups = (connection: Connection) =>
  (require("./validate-lookups") as typeof import("./validate-lookups")).connectLookups(connection);

const COMMANDS: Record<string, Command> = {
  validate: (argv) => (require("./validate") as typeof import("./validate")).runValidateCommand(argv, { connect: connectLookups }),
  export: (argv) => (require("./export") as typeof import("./export")).runExportCommand(argv),
  report: (argv) => (require("./report") as typeof import("./report")).runReportCommand(argv),
  maintain: (argv) => (require("./maintain") as typeof import("./maintain")).runMaintainCommand(argv),
  plan: (argv) => (require("./plan") as typeof import("./plan")).runPlanCommand(argv),
  apply: (argv) => (require("./apply") as typeof import("./apply")).runApplyCommand(argv),
  drift: (argv) => (require("./drift") as typeof import("./drift")).runDriftCommand(argv),
  start: (argv) => (require("./start") as typeof import("./start")).runStartCommand(argv),
  emulator: (argv) => (require("./emulator") as typeof import("./emulator")).runEmulatorCommand(argv),
  init: (argv) => (require("./init") as typeof import("./init")).runInitCommand(argv),
};


const usage = () => `usage: bmshare <command> [options]

commands:
  init        start a GitOps repository: mailshares/, Pulumi program, CI pipelines (bmshare init DIR)
  validate    check mailshare files: schema and cross-checks (bmshare validate -f FILE...)
  export      write the live mailshares of a domain as a desired-state file (bmshare export -o FILE)
  report      who can read, write and manage which mailshare (bmshare report access --format html)
  maintain    run and follow a maintenance task on a mailshare (bmshare maintain NAME --op repair)
  plan        what apply would change, field by field (bmshare plan -f FILE... [--json|--markdown])
  apply       make the server match the files (bmshare apply -f FILE... [--yes] [--allow-delete])
  drift       how the server differs from the files, classified, for CI gates (bmshare drift -f FILE...)
  emulator    run the BlueMind API emulator (bmshare emulator --help)
  start       the demo (npm start): an emulator, examples/mailshares.yaml applied, what to try next

  -V, --version   the version of bmshare
  -h, --help      this help; bmshare <command> --help for a command's options

bmshare ${packageVersion()} (bluemind-mailshares), Node.js ${process.versions.node}
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && Object.hasOwn(COMMANDS, command)) return COMMANDS[command](rest);
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(usage());
      return command === undefined ? 1 : 0;
    case "--version":
    case "-V":
      process.stdout.write(`${packageVersion()}\n`);
      return 0;
    default:
      process.stderr.write(`bmshare: unknown command "${command}"\n${usage()}`);
      return 1;
  }
}
