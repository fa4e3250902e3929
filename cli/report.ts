// `bmshare report access [--expand-groups] [--format text|markdown|json|html] [-o FILE]`: who can read,
// write (and so send as) and manage which mailshare, as a user × mailshare matrix from the live ACLs
// (cli/report/access.ts), rendered for a terminal, a pull request, a program or a printed audit; with
// `--diff BEFORE.json` who gained and lost access since, with `--plan FILE` who would if a saved plan
// were applied (cli/report/diff.ts, cli/report/plan.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import { CONNECTION_HELP, CONNECTION_OPTIONS, UsageError } from "./connection";
import { runServerCommand, type IoDependencies } from "./command";
import { domainNameOf, liveMailshareItems, providerOf, safeUrl } from "./live-mailshares";
import { accessReport, type AccessReport } from "./report/access";
import { renderMarkdown, renderText } from "./report/text";
import { renderHtml } from "./report/html";
import { diffAccess, diffMarkdown, diffText, readAccessReport, type AccessDiff } from "./report/diff";
import { plannedAccess } from "./report/plan";
import { readSavedPlan } from "./engine/saved-plan";
import type { Plan } from "./engine/model";

const HELP = `usage: bmshare report access [--domain DOMAIN] [--mailshare NAME ...] [--expand-groups]
                            [--diff BEFORE.json | --plan PLAN] [--format text|markdown|json|html]
                            [-o FILE] [options]

Who can read, write (and so send as) and manage each mailshare of a domain, as a matrix of users and
groups × mailshares, from the live sharing lists (ACLs).

  --mailshare NAME    only this mailshare (repeat for several)
  --expand-groups     replace groups by their members (nested groups too); each cell says which
                      group a right comes from, and the highest level wins
  --format FORMAT     text (default), markdown, json (documented shape, "version": 1) or html (one
                      self-contained page that prints on A4); default from the -o extension
  --diff BEFORE.json  who gained and lost access since BEFORE.json (an earlier report made with
                      --format json, and the same --expand-groups): text, markdown or json
  --plan PLAN         who would gain and lose access if the saved plan PLAN (bmshare plan --out
                      PLAN) were applied, from the server as it is now; changes apply would refuse
                      (changed on the server since the plan) are listed apart: text, markdown or
                      json. PLAN is checked as apply checks it (digest, server, photos: run it from
                      the folder the plan was made in); its domain is the default --domain
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
  plan: string | undefined;
}

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  mailshare: { type: "string", multiple: true },
  "expand-groups": { type: "boolean" },
  format: { type: "string" },
  output: { type: "string", short: "o" },
  diff: { type: "string" },
  plan: { type: "string" },
} as const;

function parseReportArgs(values: Record<string, any>, positionals: string[]): ReportArgs {
  const [kind, ...extra] = positionals;
  if (kind !== "access") throw new UsageError(kind === undefined ? "name the report: bmshare report access" : `unknown report "${kind}" (the report is: access)`);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]} (name mailshares with --mailshare NAME)`);
  const output = values.output ?? null;
  const inferred = output === null ? undefined : BY_EXTENSION[path.extname(output).toLowerCase()];
  const format = (values.format ?? inferred ?? "text") as Format;
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format "${values.format}" (expected one of ${FORMATS.join(", ")})`);
  if (values.diff !== undefined && values.plan !== undefined) throw new UsageError("give --diff BEFORE.json or --plan PLAN, not both");
  for (const flag of ["diff", "plan"] as const) {
    if (values[flag] !== undefined && format === "html") throw new UsageError(`--${flag} gives text, markdown or json, not html`);
  }
  return {
    names: values.mailshare ?? [], expandGroups: values["expand-groups"] === true, format, output,
    domain: values.domain, diff: values.diff, plan: values.plan,
  };
}

/** The one domain a saved plan changes, the default --domain of `--plan`; none when it has several. */
function soleDomainOf(plan: Plan | null): string | undefined {
  const domains = new Set((plan?.mailshares ?? []).map((m) => m.domain));
  return domains.size === 1 ? [...domains][0] : undefined;
}

/**
 * `--mailshare NAME`s over the mailshares as they are and as the plan leaves them: a name must be
 * one of either (a mailshare the plan creates counts).
 */
function inScope(names: readonly string[], planned: readonly { value: { name: string } }[], live: readonly { value: { name: string } }[], domain: string, file: string) {
  const known = new Set([...live, ...planned].map((m) => m.value.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0) throw new Error(`no mailshare named ${unknown.join(", ")} in ${domain}, nor created by ${file}`);
  return <T extends { value: { name: string } }>(list: T[]) => (names.length === 0 ? list : list.filter((m) => names.includes(m.value.name)));
}

export async function runReportCommand(argv: string[], deps: ReportDependencies = {}): Promise<number> {
  return runServerCommand("report", HELP, argv, OPTIONS, deps, async ({ values, positionals, connection, rt, out, err }) => {
    const args = parseReportArgs(values, positionals);
    // The earlier report or the saved plan is read before anything is asked of the server.
    const before = args.diff === undefined ? null : readAccessReport(args.diff);
    const saved = args.plan === undefined ? null : readSavedPlan(args.plan, { url: connection.url }).plan;
    const domain = await domainNameOf(rt, args.domain ?? connection.domain ?? soleDomainOf(saved));
    const live = await liveMailshareItems(rt, domain, saved ? [] : args.names);
    const report = (mailshares: typeof live, acl = providerOf("MailshareAcl")) => accessReport({
      rt, domain, mailshares, expandGroups: args.expandGroups, acl, server: safeUrl(connection.url), now: (deps.now ?? (() => new Date()))(),
    });
    let diff: AccessDiff | null = null;
    // The mailshares reported on: those of the report, or of the access once the plan is applied.
    let count = live.length;
    if (before) diff = diffAccess(before, await report(live), args.diff!, args.names);
    else if (saved) {
      const after = await plannedAccess({ rt, domain, plan: saved, live, acl: providerOf("MailshareAcl") });
      const scoped = inScope(args.names, after.mailshares, live, domain, args.plan!);
      const now = await report(scoped(live));
      const planned = await report(scoped(after.mailshares), after.acl);
      const d = diffAccess(now, planned, args.plan!, args.names);
      const refused = after.refused.filter((r) => args.names.length === 0 || args.names.includes(r.mailshare));
      diff = { ...d, before: { generatedAt: now.generatedAt }, after: { generatedAt: now.generatedAt, plan: args.plan! }, refused };
      count = planned.mailshares.length;
    }
    const text = diff ? DIFF_RENDER[args.format as Exclude<Format, "html">](diff) : RENDER[args.format](await report(live));
    if (args.output === null) {
      out(text);
    } else {
      fs.mkdirSync(path.dirname(path.resolve(args.output)), { recursive: true });
      fs.writeFileSync(args.output, text);
      err(`access ${diff ? "changes" : "report"} of ${count} mailshare${count === 1 ? "" : "s"} of ${domain} (${args.format}) written to ${args.output}\n`);
    }
    return 0;
  }, (values, positionals) => void parseReportArgs(values, positionals));
}
