// Policy-pack tests' support: a pack folder as a team writes one; the stack as the engine hands it to
// AnalyzeStack (each resource's parent and the resources its `mailshare` input is taken from), with
// the URN each diagnostic names; and the resources mailsharesProgram declares for mailshare files,
// with the CLI's verdicts on the same files.
import * as fs from "node:fs";
import * as path from "node:path";
import { loadDesiredState } from "../../desired/load";
import { declareMailshare } from "../../providers/declarations";
import { mailshareUid } from "../../providers/ids";
import { evaluatePolicy, organisationDomains } from "../../policy/evaluate";
import type { Violation } from "../../policy/model";
import type { Diagnostic, PolicyHost } from "../support/policy-host";
import { req } from "../support/grpc-plugin";
import { policyOf, tempDir } from "./support";

const ROOT = path.resolve(__dirname, "..", "..");
const analyzerproto = req("@pulumi/pulumi/proto/analyzer_pb");

/** The value the engine sends for an input not known during a preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A pack folder as a team writes one: PulumiPolicy.yaml, package.json, index.js and its policy. */
export function packWith(policy: string): string {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "test-pack", version: "1.2.3", main: "index.js" }));
  fs.writeFileSync(path.join(dir, "bmshare.policy.yaml"), policy);
  fs.writeFileSync(path.join(dir, "index.js"), `require(${JSON.stringify(path.join(ROOT, "dist", "policy", "index.js"))}).servePolicyPack({ policyFile: "bmshare.policy.yaml", name: "acme-mail" });\n`);
  return dir;
}

export interface StackEntry {
  kind: string;
  name: string;
  props: Record<string, unknown>;
  /** The name of its parent resource. */
  parent?: string;
  /** The name of the resource whose output its `mailshare` input is (the engine's property dependencies). */
  mailshareFrom?: string;
}

export type StackDiagnostic = Diagnostic & { urn: string };

/**
 * AnalyzeStack on `entries`, with the parents and property dependencies PolicyHost.analyzeStack
 * leaves out, and the URN of each diagnostic (PolicyHost's Diagnostic has none): through the host's
 * own request builder and client.
 */
export async function analyzeStackAt(host: PolicyHost, entries: readonly StackEntry[]): Promise<StackDiagnostic[]> {
  const build = (e: StackEntry) => host["resource"](new analyzerproto.AnalyzerResource(), e.kind, e.name, e.props);
  const urns = new Map(entries.map((e) => [e.name, build(e).getUrn() as string]));
  const request = new analyzerproto.AnalyzeStackRequest();
  request.setResourcesList(entries.map((e) => {
    const r = build(e);
    if (e.parent) r.setParent(urns.get(e.parent));
    if (e.mailshareFrom) {
      r.setDependenciesList([urns.get(e.mailshareFrom)]);
      r.getPropertydependenciesMap().set("mailshare", new analyzerproto.AnalyzerPropertyDependencies().setUrnsList([urns.get(e.mailshareFrom)]));
    }
    return r;
  }));
  const response: any = await host["call"]("analyzeStack", request);
  const diagnostics: Diagnostic[] = host["diagnostics"](response);
  return diagnostics.map((d, i) => ({ ...d, urn: response.getDiagnosticsList()[i].getUrn() }));
}

/** The URN PolicyHost gives a resource. */
export const urnOf = (kind: string, name: string) => `urn:pulumi:test::bluemind-mailshares::pulumi-nodejs:dynamic/bluemind:${kind}::${name}`;

/** Mailshare files: paths, or texts by file name (written to a temporary folder). */
type Files = readonly string[] | Record<string, string>;

async function load(files: Files) {
  let paths = files as readonly string[];
  if (!Array.isArray(files)) {
    const dir = tempDir();
    paths = Object.entries(files).map(([name, text]) => {
      fs.writeFileSync(path.join(dir, name), text);
      return path.join(dir, name);
    });
  }
  const loaded = await loadDesiredState(paths);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join("\n"));
  return loaded;
}

/** The CLI's verdicts on mailshare files (offline: the organisation is the policy's domains, else the files'). */
export async function cliViolations(files: Files, policy: string, now: number): Promise<Violation[]> {
  const loaded = await load(files);
  const checked = policyOf(policy);
  return evaluatePolicy(checked, loaded.mailshares, { organisationDomains: await organisationDomains(checked, loaded.domains), now });
}

/**
 * The resources mailsharesProgram declares for the mailshares of `files`, as the engine shows them to
 * a pack during a preview: the inputs after the providers' check (a Mailshare's carries its uid), the
 * parts under their Mailshare. `omitEmptyParts`: without the parts that hold nothing (no aliases, no
 * shares, …), as a TypeScript program may declare a mailshare.
 */
export async function programResources(files: Files, o: { omitEmptyParts?: boolean } = {}): Promise<StackEntry[]> {
  const loaded = await load(files);
  const empty = (inputs: Record<string, unknown>) =>
    Object.entries(inputs).every(([k, v]) => k === "domain" || k === "mailshare" || v === null || (Array.isArray(v) && v.length === 0));
  return loaded.mailshares.flatMap((m) => declareMailshare(m).flatMap((d): StackEntry[] => {
    const props = JSON.parse(JSON.stringify(d.inputs));
    if (d.kind === "Mailshare") return [{ kind: d.kind, name: d.name, props: { ...props, uid: mailshareUid(m.domain, m.name) } }];
    return o.omitEmptyParts && empty(props) ? [] : [{ kind: d.kind, name: d.name, props, parent: d.mailshare }];
  }));
}
