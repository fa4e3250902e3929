// `bmshare <command>`: the command line of docs/architecture.md, "CLI contract". Returns the process exit code
// (0 success / nothing to change, 2 changes found, 1 error).
import { runEmulatorCommand } from "./emulator";
import { runPlanCommand } from "./plan";
import { runApplyCommand } from "./apply";
import { runDriftCommand } from "./drift";
import { runStartCommand } from "./start";
import { runExportCommand } from "./export";
import { runReportCommand } from "./report";
import { runMaintainCommand } from "./maintain";
import { runValidateCommand } from "./validate";
import { bluemindLookups } from "../desired/bluemind-lookups";
import { RUNTIME, useSettings } from "../providers/runtime";
import type { Connection } from "../providers/connection";

/** The directory lookups of `validate`'s server cross-checks, over the providers' client (limits included). */
async function connectLookups(connection: Connection) {
  useSettings(connection, "flags");
  return bluemindLookups(RUNTIME.client);
}

const USAGE = `usage: bmshare <command> [options]

commands:
  validate    check mailshare files: schema and cross-checks (bmshare validate -f FILE...)
  export      write the live mailshares of a domain as a desired-state file (bmshare export -o FILE)
  report      who can read, write and manage which mailshare (bmshare report access --format html)
  maintain    run and follow a maintenance task on a mailshare (bmshare maintain NAME --op repair)
  plan        what apply would change, field by field (bmshare plan -f FILE... [--json|--markdown])
  apply       make the server match the files (bmshare apply -f FILE... [--yes] [--allow-delete])
  drift       how the server differs from the files, classified, for CI gates (bmshare drift -f FILE...)
  emulator    run the BlueMind API emulator (bmshare emulator --help)
  start       the demo (npm start): an emulator, examples/mailshares.yaml applied, what to try next
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "validate":
      return runValidateCommand(rest, { connect: connectLookups });
    case "export":
      return runExportCommand(rest);
    case "report":
      return runReportCommand(rest);
    case "maintain":
      return runMaintainCommand(rest);
    case "plan":
      return runPlanCommand(rest);
    case "apply":
      return runApplyCommand(rest);
    case "drift":
      return runDriftCommand(rest);
    case "start":
      return runStartCommand(rest);
    case "emulator":
      return runEmulatorCommand(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`bmshare: unknown command "${command}"\n${USAGE}`);
      return 1;
  }
}
