// A BlueMind URL that is not a URL (an API key pasted into BLUEMIND_URL, say) is refused by every
// command without its value ever being printed: `validate` and the connection of the other commands.
import { describe, it, expect } from "vitest";
import { runValidateCommand } from "../../cli/validate";
import { resolveCliConnection, UsageError } from "../../cli/connection";
import { seedDirectory } from "../desired/fake-directory";

const SECRET = "bmk_5e0c7d1a9b2f4e68";
const HIDDEN = "its value is not shown as it may be a secret";

async function validate(argv: string[], env: NodeJS.ProcessEnv) {
  let stdout = "";
  let stderr = "";
  let connected = false;
  const status = await runValidateCommand(argv, {
    env, connect: async () => { connected = true; return seedDirectory(); },
    stdout: (t) => (stdout += t), stderr: (t) => (stderr += t),
  });
  return { status, stdout, stderr, connected };
}

describe("a server URL that is not a URL", () => {
  it("validate refuses it, naming the variable but not its value, and asks the server nothing", async () => {
    const r = await validate(["-f", "examples/minimal.yaml"], { BLUEMIND_URL: SECRET, BLUEMIND_API_KEY: "k" });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`bmshare validate: BLUEMIND_URL is not a URL (expected https://host…); ${HIDDEN}\n`);
    expect(r.connected).toBe(false);
    const option = await validate(["-f", "examples/minimal.yaml", "--url", `ftp://${SECRET}`], { BLUEMIND_API_KEY: "k" });
    expect(option.stderr).toBe(`bmshare validate: --url is not an http(s) URL (expected https://host…); ${HIDDEN}\n`);
    for (const out of [r.stdout, r.stderr, option.stdout, option.stderr]) expect(out).not.toContain(SECRET);
  });

  it("validate --offline does not use the URL, so it does not refuse it", async () => {
    const r = await validate(["-f", "examples/minimal.yaml", "--offline"], { BLUEMIND_URL: SECRET });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
  });

  it("the other commands' connection refuses it the same way", () => {
    const refusal = (values: Parameters<typeof resolveCliConnection>[0], env: NodeJS.ProcessEnv) => {
      try {
        resolveCliConnection(values, env);
      } catch (e) {
        return e as Error;
      }
      throw new Error("accepted");
    };
    const fromEnv = refusal({}, { BLUEMIND_URL: SECRET, BLUEMIND_API_KEY: "k" });
    expect(fromEnv).toBeInstanceOf(UsageError);
    expect(fromEnv.message).toBe(`BLUEMIND_URL is not a URL (expected https://host…); ${HIDDEN}`);
    const fromOption = refusal({ url: `ftp://${SECRET}` }, { BLUEMIND_API_KEY: "k" });
    expect(fromOption.message).toBe(`--url is not an http(s) URL (expected https://host…); ${HIDDEN}`);
    for (const e of [fromEnv, fromOption]) expect(e.message).not.toContain(SECRET);
    expect(resolveCliConnection({ url: "https://bm.example" }, { BLUEMIND_API_KEY: "k" }).url).toBe("https://bm.example");
  });
});
