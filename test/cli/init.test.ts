// `bmshare init`: the scaffold of a GitOps repository — a starter that validates, or the live domain
// exported with --from-server; the organisation's starter policy, every rule advisory; the Pulumi
// program calling the package's function; the CI pipelines exactly as examples/ci/ shows them; and
// never a file replaced.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import { CI_PIPELINES, runInitCommand } from "../../cli/init";
import { loadDesiredState } from "../../desired/load";
import { runValidateCommand } from "../../cli/validate";
import { readPolicyFile } from "../../policy/load";

const ROOT = path.resolve(__dirname, "..", "..");
let emu: TestEmulator;
const made: string[] = [];

beforeAll(async () => {
  emu = await startTestEmulator();
}, 30_000);
afterAll(() => emu?.close());
afterEach(() => made.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tmpDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bmshare-init-"));
  made.push(dir);
  return dir;
}

/** Every file below `dir`, relative, sorted. */
const filesIn = (dir: string): string[] => (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
  .filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();

async function init(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = "";
  let stderr = "";
  const code = await runInitCommand(argv, { env, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const SCAFFOLD = [
  ".github/workflows/mailshares.yml", ".gitignore", ".gitlab-ci.yml", "Pulumi.yaml", "README.md", "bmshare.policy.yaml", "index.ts", "package.json", "tsconfig.json",
];

async function validate(dir: string) {
  let [stdout, stderr] = ["", ""];
  const status = await runValidateCommand(["-f", path.join(dir, "mailshares"), "--offline"], { env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe("bmshare init", () => {
  it("writes a starter that validates, the Pulumi program, the pipelines of examples/ci/ and a package.json", async () => {
    const dir = path.join(tmpDir(), "acme-mail");
    const r = await init([dir, "--domain", "acme.test"]);
    expect(r.code, r.stderr).toBe(0);
    expect(filesIn(dir)).toEqual([...SCAFFOLD, "mailshares/acme.test.yaml"].sort());

    const starter = fs.readFileSync(path.join(dir, "mailshares", "acme.test.yaml"), "utf8");
    expect(starter.split("\n")[0]).toBe("# yaml-language-server: $schema=../node_modules/bluemind-mailshares/schemas/mailshares.schema.json");
    const loaded = await loadDesiredState([path.join(dir, "mailshares")]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.mailshares.map((m) => `${m.domain}/${m.name}`)).toEqual(["acme.test/team-inbox"]);

    for (const [file, example] of Object.entries(CI_PIPELINES)) {
      expect(fs.readFileSync(path.join(dir, file), "utf8"), file).toBe(fs.readFileSync(path.join(ROOT, "examples", "ci", example), "utf8"));
    }
    expect(fs.readFileSync(path.join(dir, "index.ts"), "utf8")).toContain('import { mailsharesProgram } from "bluemind-mailshares";');
    expect(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")).toMatch(/^name: acme-mail\n[^]*\nmain: index\.ts\n/);
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    const own = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(pkg.dependencies).toEqual({ "bluemind-mailshares": `^${own.version}` });
    expect(r.stdout).toContain("npm install");
  });

  it("writes a starter policy at the root, every rule advisory, that the starter files pass", async () => {
    const dir = tmpDir();
    expect((await init([dir, "--domain", "acme.test"])).code).toBe(0);
    const file = path.join(dir, "bmshare.policy.yaml");
    const text = fs.readFileSync(file, "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=node_modules/bluemind-mailshares/schemas/policy.schema.json");
    expect(text).toContain("# domains: [acme.test]");
    expect(text).toContain("make it mandatory");
    const policy = readPolicyFile(file).policy!;
    expect(Object.keys(policy.rules).sort()).toEqual(["auto-reply-end", "description-required", "forwarding-domains", "manage-share", "share-domains"]);
    expect(Object.values(policy.rules).map((r) => r.level)).toEqual(Array(5).fill("advisory"));

    // Once the folder is a Git work tree, the root's policy applies to mailshares/: advisory findings only.
    fs.mkdirSync(path.join(dir, ".git"));
    const r = await validate(dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^valid: 1 mailshare in 1 file \(acme\.test\); schema and offline cross-checks passed; policy \S*bmshare\.policy\.yaml: 1 advisory policy violation\n$/);
    expect(r.stderr).toMatch(/: advisory manage-share: nobody manages it/);
  });

  it("refuses to replace a policy file that is there", async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, "bmshare.policy.yaml"), "rules: {}\n");
    const r = await init([dir, "--domain", "acme.test"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("already has bmshare.policy.yaml: init replaces no file");
    expect(filesIn(dir)).toEqual(["bmshare.policy.yaml"]);
    expect(fs.readFileSync(path.join(dir, "bmshare.policy.yaml"), "utf8")).toBe("rules: {}\n");
  });

  it("keeps a package.json that is there (npm install made it) and still writes the rest", async () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, "package.json"), '{ "dependencies": { "bluemind-mailshares": "file:x.tgz" } }\n');
    const r = await init([dir], { BLUEMIND_DOMAIN: "beta.test" });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, "package.json"), "utf8")).toBe('{ "dependencies": { "bluemind-mailshares": "file:x.tgz" } }\n');
    expect(filesIn(dir)).toContain("mailshares/beta.test.yaml");
  });

  it("refuses when a file it would write exists: names every one, writes nothing", async () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    fs.writeFileSync(path.join(dir, ".github", "workflows", "mailshares.yml"), "mine\n");
    fs.writeFileSync(path.join(dir, "README.md"), "mine\n");
    const r = await init([dir, "--domain", "acme.test"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("already has README.md, .github/workflows/mailshares.yml: init replaces no file");
    expect(filesIn(dir)).toEqual([".github/workflows/mailshares.yml", "README.md"]);
    expect(fs.readFileSync(path.join(dir, "README.md"), "utf8")).toBe("mine\n");
  });

  it("--from-server exports the live domain as its file, the modeline pointing into node_modules", async () => {
    const dir = tmpDir();
    const r = await init([dir, "--from-server", "--domain", "acme.test"], { BLUEMIND_URL: emu.url, BLUEMIND_API_KEY: TEST_KEY });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("exported 1 mailshare of acme.test");
    // The next steps name the server it read, not an example, and never the key.
    expect(r.stdout).toContain(`  export BLUEMIND_URL=${emu.url} BLUEMIND_API_KEY=…\n`);
    expect(r.stdout).not.toContain(TEST_KEY);
    expect(filesIn(dir)).toEqual([...SCAFFOLD, "mailshares/acme.test.yaml"].sort());
    const text = fs.readFileSync(path.join(dir, "mailshares", "acme.test.yaml"), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../node_modules/bluemind-mailshares/schemas/mailshares.schema.json");
    expect(text).not.toContain(TEST_KEY);
    const loaded = await loadDesiredState([path.join(dir, "mailshares")]);
    expect(loaded.errors).toEqual([]);
    expect(loaded.mailshares.map((m) => [m.name, m.adopt])).toEqual([["noreply", true]]);
  });

  it("--from-server refuses before reading anything when the domain's file exists", async () => {
    const dir = tmpDir();
    fs.mkdirSync(path.join(dir, "mailshares"));
    fs.writeFileSync(path.join(dir, "mailshares", "acme.test.yaml"), "mine\n");
    const r = await init([dir, "--from-server"], { BLUEMIND_URL: emu.url, BLUEMIND_API_KEY: TEST_KEY, BLUEMIND_DOMAIN: "acme.test" });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("already has mailshares/acme.test.yaml: init replaces no file");
    expect(filesIn(dir)).toEqual(["mailshares/acme.test.yaml"]);
  });

  it("--from-server needs a server, and says how to give one", async () => {
    const r = await init([tmpDir(), "--from-server"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^bmshare init: .*BLUEMIND_URL/);
  });
});
