// `bmshare init [DIR] [--from-server]`: starts a GitOps repository that uses the installed package —
// `mailshares/<domain>.yaml` (the live domain, exported, with --from-server; else a commented
// starter), the organisation's policy (`bmshare.policy.yaml`, every rule advisory: it never blocks a
// first apply), a Pulumi program calling the package's `mailsharesProgram`, the CI pipelines of
// examples/ci/ for GitHub and GitLab, `.gitignore`, a README, and a package.json when there is none.
// It never replaces a file: when any of them exists it names them all and writes nothing.
//
// What it writes comes from the package's own files (templates/init/, examples/ci/), so the
// pipelines a user gets are the very examples the documentation shows and the tests check.
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { CONNECTION_HELP, CONNECTION_OPTIONS, UsageError } from "./connection";
import { runServerCommand, type IoDependencies } from "./command";
import { exportMailshares } from "./export";
import { domainNameOf, safeUrl } from "./live-mailshares";
import { PROJECT_DIR, packageVersion } from "../project-dir";
import { POLICY_FILE_NAME } from "../desired/files";

const HELP = `usage: bmshare init [DIR] [--from-server | --domain DOMAIN] [options]

Starts a GitOps repository for BlueMind mailshares in DIR (default: the current folder):

  mailshares/DOMAIN.yaml        the desired state: with --from-server the live mailshares of the
                                domain (bmshare export), else a commented starter
  bmshare.policy.yaml           the organisation's policy (docs/policy.md): starter rules, all
                                advisory (shown, never blocking) until you make one mandatory
  Pulumi.yaml, index.ts,        a Pulumi program calling the package's mailsharesProgram()
  tsconfig.json
  .github/workflows/mailshares.yml, .gitlab-ci.yml
                                CI: validate and plan on pull/merge requests (one comment, updated
                                in place), apply of the reviewed plan on merge, a daily drift check
  .gitignore, README.md         and package.json when DIR has none

Refuses to replace any file: when one exists, names them all and writes nothing.

  --from-server       export the live domain (needs a connection, below)
  --domain DOMAIN     the domain (default: $BLUEMIND_DOMAIN; without --from-server, example.com)
  -h, --help          this help

${CONNECTION_HELP}`;

const OPTIONS = { ...CONNECTION_OPTIONS, "from-server": { type: "boolean" } } as const;

/** The domain of the starter file when none is given. */
const STARTER_DOMAIN = "example.com";

/** Where the modeline of a file in mailshares/ finds the schema: the package installed in DIR. */
const SCHEMA_MODELINE = " yaml-language-server: $schema=../node_modules/bluemind-mailshares/schemas/mailshares.schema.json";

/** A file init writes: its path relative to DIR and its content. */
interface Scaffold {
  file: string;
  text: string;
}

export type InitDependencies = IoDependencies;

/** A template of templates/init/ with its `{{name}}` placeholders filled in. */
function template(name: string, values: Record<string, string>): string {
  const text = fs.readFileSync(path.join(PROJECT_DIR, "templates", "init", name), "utf8");
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    if (!Object.hasOwn(values, key)) throw new Error(`templates/init/${name}: unknown placeholder ${whole}`);
    return values[key];
  });
}

/** The CI pipeline of examples/ci/, as is: what the documentation shows is what init writes. */
export const CI_PIPELINES: Readonly<Record<string, string>> = {
  ".github/workflows/mailshares.yml": "github-bmshare.yml",
  ".gitlab-ci.yml": "gitlab-bmshare.yml",
};

const ciPipeline = (example: string) => fs.readFileSync(path.join(PROJECT_DIR, "examples", "ci", example), "utf8");

/** A Pulumi project name from the folder's name (letters, digits, `-`, `_`, `.`). */
export function projectName(dir: string): string {
  const base = path.basename(path.resolve(dir)).replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "");
  return base || "mailshares";
}

/**
 * Every file init writes in `dir` but the exported domain file: the policy, the Pulumi program, the
 * pipelines, `.gitignore`, the README, the starter (when `starter`) and a package.json when `dir` has none.
 */
export function scaffoldFiles(dir: string, domain: string, starter: boolean): Scaffold[] {
  const values = { project: projectName(dir), domain, version: packageVersion() };
  const files: Scaffold[] = [
    { file: POLICY_FILE_NAME, text: template(POLICY_FILE_NAME, values) },
    { file: "Pulumi.yaml", text: template("Pulumi.yaml", values) },
    { file: "index.ts", text: template("index.ts", values) },
    { file: "tsconfig.json", text: template("tsconfig.json", values) },
    // npm leaves files named .gitignore out of a package: the template has no dot.
    { file: ".gitignore", text: template("gitignore", values) },
    { file: "README.md", text: template("README.md", values) },
    ...Object.entries(CI_PIPELINES).map(([file, example]) => ({ file, text: ciPipeline(example) })),
  ];
  if (starter) files.unshift({ file: domainFile(domain), text: template("mailshares.yaml", values) });
  if (!fs.existsSync(path.join(dir, "package.json"))) files.push({ file: "package.json", text: template("package.json", values) });
  return files;
}

const domainFile = (domain: string) => `mailshares/${domain}.yaml`;

/** The files of `wanted` (relative to `dir`) that exist already. */
function existing(dir: string, wanted: string[]): string[] {
  return wanted.filter((file) => {
    try {
      fs.lstatSync(path.join(dir, file));
      return true;
    } catch {
      return false;
    }
  });
}

/** `dir` as the person typed it, more or less: relative when below the current folder. */
function shown(dir: string): string {
  const relative = path.relative(process.cwd(), dir);
  return relative === "" ? "." : relative.startsWith("..") || path.isAbsolute(relative) ? dir : relative;
}

function refuse(dir: string, files: string[]): never {
  const where = shown(dir);
  throw new Error(`${where} already has ${files.join(", ")}: init replaces no file (move ${files.length === 1 ? "it" : "them"} away, or init another folder)`);
}

/** Writes `files` into `dir`, each only if it does not exist (`wx`: not even one made meanwhile). */
function writeAll(dir: string, files: Scaffold[]): void {
  for (const { file, text } of files) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text, { flag: "wx" });
  }
}

/** `server`: the one --from-server read (without user info), else an example. */
function nextSteps(dir: string, domain: string, wrotePackage: boolean, out: (text: string) => void, server = "https://mail.example.com"): void {
  const where = shown(dir);
  const cd = where === "." ? "" : `cd ${where} && `;
  out(`Next:
  ${cd}${wrotePackage ? "npm install" : "npm install --save-dev typescript@~5.9 ts-node@^10 @types/node@20   # for pulumi only"}
  npx bmshare validate -f mailshares/ --offline
  export BLUEMIND_URL=${server} BLUEMIND_API_KEY=…
  npx bmshare plan -f mailshares/
Then commit, and set the CI variables README.md lists (mailshares/${domain}.yaml is the domain's file).
The rules of bmshare.policy.yaml are advisory: make those you want enforced mandatory.
`);
}

interface InitArgs {
  dir: string;
  domain: string | undefined;
}

function parseInitArgs(values: Record<string, any>, positionals: string[]): InitArgs {
  if (positionals.length > 1) throw new UsageError(`unexpected argument ${positionals[1]} (init takes one folder)`);
  return { dir: path.resolve(positionals[0] ?? "."), domain: values.domain };
}

export async function runInitCommand(argv: string[], deps: InitDependencies = {}): Promise<number> {
  const out = deps.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => void process.stderr.write(t));
  const env = deps.env ?? process.env;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: { ...OPTIONS, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true });
  } catch (e) {
    err(`bmshare init: ${(e as Error).message}\nrun bmshare init --help for the options\n`);
    return 1;
  }
  if (parsed.values.help) {
    out(HELP);
    return 0;
  }
  if (parsed.values["from-server"]) return initFromServer(argv, deps);
  try {
    const args = parseInitArgs(parsed.values, parsed.positionals);
    const domain = args.domain ?? (env.BLUEMIND_DOMAIN || STARTER_DOMAIN);
    const files = scaffoldFiles(args.dir, domain, true);
    const taken = existing(args.dir, files.map((f) => f.file));
    if (taken.length > 0) refuse(args.dir, taken);
    writeAll(args.dir, files);
    out(`bmshare init: wrote ${files.map((f) => f.file).join(", ")} in ${shown(args.dir)}\n`);
    if (domain === STARTER_DOMAIN && !args.domain) out(`note: mailshares/${domain}.yaml is for ${domain}: give --domain for yours (or rename the file and its domain: key)\n`);
    nextSteps(args.dir, domain, files.some((f) => f.file === "package.json"), out);
    return 0;
  } catch (e) {
    err(`bmshare init: ${(e as Error).message}\n`);
    if (e instanceof UsageError) err("run bmshare init --help for the options\n");
    return 1;
  }
}

/** `--from-server`: the domain's live mailshares exported as its file, then the rest of the scaffold. */
function initFromServer(argv: string[], deps: InitDependencies): Promise<number> {
  return runServerCommand("init", HELP, argv, OPTIONS, deps, async (ctx) => {
    const args = parseInitArgs(ctx.values, ctx.positionals);
    const domain = await domainNameOf(ctx.rt, args.domain ?? ctx.connection.domain);
    const files = scaffoldFiles(args.dir, domain, false);
    // The export may write photos beside the file: their folder must be new too.
    const taken = existing(args.dir, [domainFile(domain), "mailshares/photos", ...files.map((f) => f.file)]);
    if (taken.length > 0) refuse(args.dir, taken);
    await exportMailshares(ctx, { domain, names: [], output: path.join(args.dir, domainFile(domain)), schema: [SCHEMA_MODELINE], exclusive: true });
    writeAll(args.dir, files);
    ctx.out(`bmshare init: wrote ${[domainFile(domain), ...files.map((f) => f.file)].join(", ")} in ${shown(args.dir)}\n`);
    nextSteps(args.dir, domain, files.some((f) => f.file === "package.json"), ctx.out, safeUrl(ctx.connection.url));
    return 0;
  }, (values, positionals) => void parseInitArgs(values, positionals));
}
