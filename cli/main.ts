// `bmshare <command>`: the command line of design.md §5. Returns the process exit code
// (0 success / nothing to change, 2 changes found, 1 error).
import { runEmulatorCommand } from "./emulator";
import { runValidateCommand, type ServerConnection } from "./validate";
import { BlueMindClient } from "../bluemind";
import { bluemindLookups } from "../desired/bluemind-lookups";

/** The directory lookups of `validate`'s server cross-checks, over the REST client. */
async function connectLookups(c: ServerConnection) {
  if (!c.apiKey) throw new Error("no API key for the server cross-checks: give --api-key or BLUEMIND_API_KEY (or use --offline)");
  return bluemindLookups(new BlueMindClient({ url: c.url, apiKey: c.apiKey, insecure: c.insecure }));
}

const USAGE = `usage: bmshare <command> [options]

commands:
  validate    check mailshare files: schema and cross-checks (bmshare validate -f FILE...)
  emulator    run the BlueMind API emulator (bmshare emulator --help)
`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "validate":
      return runValidateCommand(rest, { connect: connectLookups });
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
