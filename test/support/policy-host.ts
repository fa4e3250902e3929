// Drives a policy pack through the analyzer host the SDK ships, over gRPC, as the engine does for a
// Node.js pack: it runs `@pulumi/pulumi/cmd/run-policy-pack <engine> .` in the pack's folder (the
// `pulumi-analyzer-policy` shim does exactly this), reads the port the pack prints, then calls
// GetAnalyzerInfo, ConfigureStack, Analyze per resource and AnalyzeStack. The engine marshals a
// resource's inputs without internal keys (`__provider`), and so does this.
import type { ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fromSdk, grpc, req, spawnPlugin, stopPlugin, Struct } from "./grpc-plugin";

const { Empty } = fromSdk("google-protobuf/google/protobuf/empty_pb");
const analyzerproto = req("@pulumi/pulumi/proto/analyzer_pb");
const analyzerrpc = req("@pulumi/pulumi/proto/analyzer_grpc_pb");

const LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;

export interface Diagnostic {
  policy: string;
  level: (typeof LEVELS)[number];
  message: string;
}

export interface PolicyInfo {
  name: string;
  description: string;
  level: (typeof LEVELS)[number];
}

export class PolicyHost {
  private constructor(private readonly child: ChildProcess, private readonly client: any, private readonly output: { text: string }) {}

  get logs(): string {
    return this.output.text;
  }

  /**
   * Starts the pack in `packDir` as the engine does, with the runner Node finds from that folder (a
   * pack in a temporary folder, which has none, gets this repository's); rejects with its output when
   * the pack exits first.
   */
  static async start(packDir: string): Promise<PolicyHost> {
    let runner: string;
    try {
      runner = createRequire(path.join(packDir, "package.json")).resolve("@pulumi/pulumi/cmd/run-policy-pack");
    } catch {
      runner = req.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    }
    const { child, port, output } = await spawnPlugin(runner, ["127.0.0.1:1", "."], { cwd: packDir, env: { ...process.env } });
    const client = new analyzerrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new PolicyHost(child, client, output);
  }

  private call<T>(method: string, request: any): Promise<T> {
    return new Promise((resolve, reject) => this.client[method](request, (err: any, resp: T) => (err ? reject(err) : resolve(resp))));
  }

  async info(): Promise<{ name: string; version: string; policies: PolicyInfo[] }> {
    const resp: any = await this.call("getAnalyzerInfo", new Empty());
    return {
      name: resp.getName(), version: resp.getVersion(),
      policies: resp.getPoliciesList().map((p: any) => ({ name: p.getName(), description: p.getDescription(), level: LEVELS[p.getEnforcementlevel()] })),
    };
  }

  async configureStack(stack: string, project: string): Promise<void> {
    const r = new analyzerproto.AnalyzerStackConfigureRequest();
    r.setStack(stack);
    r.setProject(project);
    await this.call("configureStack", r);
  }

  private resource<T>(message: T & { setUrn(u: string): void; setType(t: string): void; setName(n: string): void; setProperties(s: unknown): void; setOptions(o: unknown): void }, kind: string, name: string, props: Record<string, unknown>): T {
    const type = `pulumi-nodejs:dynamic/bluemind:${kind}`;
    message.setUrn(`urn:pulumi:test::bluemind-mailshares::${type}::${name}`);
    message.setType(type);
    message.setName(name);
    message.setProperties(Struct.fromJavaScript(props));
    message.setOptions(new analyzerproto.AnalyzerResourceOptions());
    return message;
  }

  private diagnostics(resp: any): Diagnostic[] {
    return resp.getDiagnosticsList().map((d: any) => ({ policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], message: d.getMessage() }));
  }

  /** Analyze: one resource's inputs, before the engine creates or updates it. */
  async analyze(kind: string, name: string, props: Record<string, unknown>): Promise<Diagnostic[]> {
    return this.diagnostics(await this.call("analyze", this.resource(new analyzerproto.AnalyzeRequest(), kind, name, props)));
  }

  /** AnalyzeStack: every resource at the end of a preview or update. */
  async analyzeStack(resources: { kind: string; name: string; props: Record<string, unknown> }[]): Promise<Diagnostic[]> {
    const r = new analyzerproto.AnalyzeStackRequest();
    r.setResourcesList(resources.map((x) => this.resource(new analyzerproto.AnalyzerResource(), x.kind, x.name, x.props)));
    return this.diagnostics(await this.call("analyzeStack", r));
  }

  stop(): Promise<void> {
    return stopPlugin(this.child, this.client);
  }
}
