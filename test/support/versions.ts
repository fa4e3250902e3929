// The version matrix of the provider tests: `describeEachVersion` runs a block once per release the
// emulator can be (EMULATED_VERSIONS), each against an emulator of that release, through a Runtime
// of its own — so the file's other blocks keep the process's RUNTIME as they set it up.
import { describe, beforeAll, afterAll } from "vitest";
import { BlueMindClient } from "../../bluemind";
import type { EmulatorOptions } from "../../emulator/emulator";
import { defineProvider, type BmshareProvider, type Props } from "../../providers/base";
import { RUNTIME, type Level, type Runtime } from "../../providers/runtime";
import { EMULATED_VERSIONS, startTestEmulator, TEST_KEY, type TestEmulator } from "./emulator";

export interface VersionedServer {
  /** The release (`4.8`, `5.0`, `5.1`). */
  readonly version: string;
  readonly is4: boolean;
  /** The emulator of this release (started before the block's tests, closed after them). */
  readonly emu: TestEmulator;
  /** The block's runtime: this emulator's client, the acme.test default domain, reports kept in `reports`. */
  readonly rt: Runtime;
  /** What providers reported through `rt` (plan notes, task progress). */
  readonly reports: { level: Level; message: string }[];
  /** A new run: a new client with nothing read yet (what the next command or deployment sees). */
  newRun(): void;
  /** `provider` as the CLI calls it (check resolves the domain…), over the block's runtime. */
  bind<I extends Props, O extends Props>(provider: BmshareProvider<I, O>): BmshareProvider<I, O>;
}

/** `describe.each(EMULATED_VERSIONS)`: `body` declares the tests of one release. */
export function describeEachVersion(title: string, body: (server: VersionedServer) => void, options: EmulatorOptions = {}): void {
  describe.each(EMULATED_VERSIONS)(`${title} on BlueMind %s`, (version) => {
    let emu: TestEmulator | undefined;
    let client: BlueMindClient | undefined;
    const reports: { level: Level; message: string }[] = [];
    const rt: Runtime = {
      get client() {
        if (!emu) throw new Error("the emulator of this block is not running");
        return (client ??= new BlueMindClient({ url: emu.url, apiKey: TEST_KEY }));
      },
      defaultDomain: "acme.test",
      lock: RUNTIME.lock,
      report: (level, message) => void reports.push({ level, message }),
    };
    const server: VersionedServer = {
      version,
      is4: version.startsWith("4."),
      get emu() {
        if (!emu) throw new Error("the emulator of this block is not running");
        return emu;
      },
      rt,
      reports,
      newRun: () => void (client = undefined),
      bind: (provider) => defineProvider(provider.definition, rt),
    };
    beforeAll(async () => {
      emu = await startTestEmulator({ ...options, bluemindVersion: version });
    }, 30_000);
    afterAll(async () => {
      await emu?.close();
      emu = undefined;
    });
    body(server);
  });
}
