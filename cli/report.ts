// `bmshare report access [--expand-groups] [--format text|markdown|json|html] [-o FILE]`: who can read,
// write (and so send as) and manage which mailshare, as a user × mailshare matrix from the live ACLs
// (cli/report/access.ts), rendered for a terminal, a pull request, a program or a printed audit.
import * as fs from "node:fs";
import * as path from "node:path";
import { CONNECTION_HELP, CONNECTION_OPTIONS, UsageError } from "./connection";
import { runServerCommand, type IoDependencies } from "./command";
import { domainNameOf, liveMailshareItems, providerOf, safeUrl } from "./live-mailshares";
import { accessReport, type AccessReport } from "./report/access";
import { renderMarkdown, renderText } from "./report/text";
import { renderHtml } from "./report/html";
import { diffAccess, diffMarkdown, diffText, readAccessReport, type AccessDiff } from "./report/diff";

const HELP = `usage: bmshare report access [--domain DOMAIN] [--mailshare NAME ...] [--expand-groups]
                            [--diff BEFORE.json] [--format text|markdown|json|html] [-o FILE] [options]

Who can read, write (and so send as) and manage each mailshare of a domain, as a matrix of users and
groups × mailshares, from the live sharing lists (ACLs).

  --mailshare NAME    only this mailshare (repeat for several)
  --expand-groups     replace groups by their members (nested groups too); each cell says which
                      group a right comes from, and the highest level wins
  --format FORMAT     text (default), markdown, json (documented shape, "version": 1) or html (one
                      self-contained page that prints on A4); default from the -o extension
  --diff BEFORE.json  who gained and lost access since BEFORE.json (an earlier report made with
                      --format json, and the same --expand-groups): text, markdown or json
  -o, --output FILE   write to FILE (default: standard output)
  -h, --help          this help

${CONNECTION_HELP}`;

const FORMATS = ["text", "markdown", "json", "html"] as const;
type Format = (typeof FORMATS)[number];
const BY_EXTENSION: Record<string, Format> = { ".md": "markdown", ".markdown": "markdown", ".json": "json", ".html": "html", ".htm": "html", ".txt": "text" };

const RENDER: Record<Format, (r: AccessReport) => string> = {
  text: renderText,
  markdown: renderMarkdown,
  json: (r) => `${JSON.stringify(r, null, 2)}\n`,
  html: renderHtml,
};

const DIFF_RENDER: Record<Exclude<Format, "html">, (d: AccessDiff) => string> = {
  text: diffText,
  markdown: diffMarkdown,
  json: (d) => `${JSON.stringify(d, null, 2)}\n`,
};

export interface ReportDependencies extends IoDependencies {
  /** The clock of the report's generation time (tests). */
  now?: () => Date;
}

interface ReportArgs {
  names: string[];
  expandGroups: boolean;
  format: Format;
  output: string | null;
  domain: string | undefined;
  diff: string | undefined;
}

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  mailshare: { type: "string", multiple: true },
  "expand-groups": { type: "boolean" },
  format: { type: "string" },
  output: { type: "string", short: "o" },
  diff: { type: "string" },
} as const;

function parseReportArgs(values: Record<string, any>, positionals: string[]): ReportArgs {
  const [kind, ...extra] = positionals;
  if (kind !== "access") throw new UsageError(kind === undefined ? "name the report: bmshare report access" : `unknown report "${kind}" (the report is: access)`);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]} (name mailshares with --mailshare NAME)`);
  const output = values.output ?? null;
  const inferred = output === null ? undefined : BY_EXTENSION[path.extname(output).toLowerCase()];
  const format = (values.format ?? inferred ?? "text") as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format "${values.format}" (expected one of ${FORMATS.join(", ")})`);
  if (values.diff !== undefined && format === "html") throw new UsageError("--diff gives text, markdown or json, not html");
  return {
    names: values.mailshare ?? [], expandGroups: values["expand-groups"] === true, format, output,
    domain: values.domain, diff: values.diff,
  };
}

export async function runReportCommand(argv: string[], deps: ReportDependencies = {}): Promise<number> {
  return runServerCommand("report", HELP, argv, OPTIONS, deps, async ({ values, positionals, connection, rt, out, err }) => {
    const args = parseReportArgs(values, positionals);
    // The earlier report is read before anything is asked of the server.
    const before = args.diff === undefined ? null : readAccessReport(args.diff);
    const domain = await domainNameOf(rt, args.domain ?? connection.domain);
    const report = await accessReport({
      rt,
      domain,
      mailshares: await liveMailshareItems(rt, domain, args.names),
      expandGroups: args.expandGroups,
      acl: providerOf("MailshareAcl"),
      server: safeUrl(connection.url),
      now: (deps.now ?? (() => new Date()))(),
    });
    const text = before ? DIFF_RENDER[args.format as Exclude<Format, "html">](diffAccess(before, report, args.diff!, args.names)) : RENDER[args.format](report);
    if (args.output === null) {
      out(text);
    } else {
      fs.mkdirSync(path.dirname(path.resolve(args.output)), { recursive: true });
      fs.writeFileSync(args.output, text);
      err(`access ${before ? "changes" : "report"} of ${report.mailshares.length} mailshare${report.mailshares.length === 1 ? "" : "s"} of ${domain} (${args.format}) written to ${args.output}\n`);
    }
    return 0;
  }, (values, positionals) => void parseReportArgs(values, positionals));
}
