// `bmshare <command>`: the command line of design.md §5. Returns the process exit code
// (0 success / nothing to change, 2 changes found, 1 error).
import { runEmulatorCommand } from "./emulator";
import { runValidateCommand } from "./validate";

const USAGE = `usage: bmshare <command> [options]

commands:
  validate    check mailshare files: schema and cross-checks (bmshare validate -f FILE...)
  emulator    run the BlueMind API emulator (bmshare emulator --help)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "validate":
      return runValidateCommand(rest);
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
