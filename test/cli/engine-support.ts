// Support for the plan / apply / drift tests: an emulator in this process, the commands run in
// process with captured output, the emulator's access log to see which writes were sent, and
// small temporary mailshare files.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import type { CommandDependencies } from "../../cli/engine/command";
import type { EmulatorOptions } from "../../emulator/emulator";

export const ROOT = path.resolve(__dirname, "..", "..");
export const EXAMPLE = path.join(ROOT, "examples", "mailshares.yaml");

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

export type Command = (argv: string[], deps?: CommandDependencies) => Promise<number>;

/** POSTs that only read (BlueMind's search and multi-get endpoints). */
const READ_POST = /\/(_mget|_search|_entry|_childs|_canAccess|_byroles|_roleusers|_rolegroups|_byAdmin)$/;

export interface Harness {
  emu: TestEmulator;
  /** Runs a command in process against the emulator; a non-TTY session unless `deps` says otherwise. */
  run(command: Command, argv: string[], deps?: CommandDependencies): Promise<Run>;
  /** Every request since the last `clearLog()`, as `METHOD /path`. */
  requests(): string[];
  /** The requests that change state (PUT, DELETE, and POSTs that are not reads). */
  writes(): string[];
  clearLog(): void;
  close(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const emu = await startTestEmulator({ taskStepMs: 1, ...options });
  let log: string[] = [];
  emu.emulator.setAccessLog((line) => {
    const [, method, target] = line.split(" ");
    log.push(`${method} ${target.split("?")[0]}`);
  });
  return {
    emu,
    async run(command, argv, deps = {}) {
      let stdout = "";
      let stderr = "";
      const status = await command(argv, {
        env: { BLUEMIND_URL: emu.url, BLUEMIND_API_KEY: TEST_KEY },
        isTTY: false,
        ...deps,
        // Quick retries and no rate limit: the emulator is local, and the tests inject faults.
        clientOptions: {
          retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 5 }, limits: { maxConcurrent: 8, requestsPerSecond: 0 }, ...deps.clientOptions,
        },
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
      });
      return { status, stdout, stderr };
    },
    requests: () => [...log],
    writes: () => log.filter((r) => {
      const [method, p] = r.split(" ");
      return method === "PUT" || method === "DELETE" || (method === "POST" && !READ_POST.test(p) && !p.startsWith("/api/auth/"));
    }),
    clearLog: () => {
      log = [];
    },
    close: () => emu.close(),
  };
}

/** A temporary mailshare file with `text` (photos, if any, relative to the repository's examples). */
export function tempYaml(text: string, name = "mailshares.yaml"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-cli-"));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

/**
 * A temporary copy of examples/mailshares.yaml with some text replaced (its photo still found), as
 * the same owner: the example edited, not another team's file.
 */
export function editedExample(edits: [string, string][]): string {
  let text = fs.readFileSync(EXAMPLE, "utf8").replace("./photos/", `${path.join(ROOT, "examples", "photos")}/`)
    .replace("\ndomain: acme.test\n", "\nowner: examples/mailshares.yaml\ndomain: acme.test\n");
  for (const [from, to] of edits) {
    if (!text.includes(from)) throw new Error(`examples/mailshares.yaml does not contain ${JSON.stringify(from)}`);
    text = text.replace(from, to);
  }
  return tempYaml(text);
}
