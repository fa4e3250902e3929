// Drives the Pulumi SDK's real dynamic-provider host over gRPC, as the engine does
// (docs/pulumi.md §3): spawn `@pulumi/pulumi/cmd/dynamic-provider` from the project root,
// read its port, then Configure / Check / Diff / Create / Read / Update / Delete.
import { execFileSync, type ChildProcess } from "node:child_process";
import { grpc, req, ROOT, spawnPlugin, stopPlugin, Struct } from "./grpc-plugin";

const provproto = req("@pulumi/pulumi/proto/provider_pb");
const provrpc = req("@pulumi/pulumi/proto/provider_grpc_pb");

export const PROJECT = "bluemind-mailshares";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Serializes exports of `modulePath` (relative to the project root) in one child process. */
export function serializeProviders(modulePath: string, exportNames: string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out = execFileSync(process.execPath, ["bin/run-ts.js", "test/support/serialize-provider.ts", modulePath, ...exportNames], {
    cwd: ROOT, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024,
  });
  const parsed: Record<string, { text: string }> = JSON.parse(out);
  return Object.fromEntries(Object.entries(parsed).map(([name, s]) => [name, s.text]));
}

/** Serializes `exportName` of `modulePath` (relative to the project root) in a child process. */
export function serializeProvider(modulePath: string, exportName: string, env: NodeJS.ProcessEnv = process.env): string {
  return serializeProviders(modulePath, [exportName], env)[exportName];
}

export interface DiffResult {
  changes: "unknown" | "none" | "some";
  replaces: string[];
  deleteBeforeReplace: boolean;
  diffs: string[];
}

let deployments = 0;

export class ProviderHost {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    readonly providerText: string,
    private readonly output: { text: string },
  ) {}

  /** Everything the host printed (pulumi.log lines land here without an engine). */
  get logs(): string {
    return this.output.text;
  }

  /** The same host process, sending another provider (each resource carries its own, as in state). */
  withProvider(providerText: string): ProviderHost {
    return new ProviderHost(this.child, this.client, providerText, this.output);
  }

  /**
   * The same host process as if the engine had started it for the next deployment: the host
   * configures a provider once per process (on its first call), and a deployment's reads are
   * shared by its resources (the run cache), so a change made out of band between two steps is
   * seen by the next deployment. A provider text the host has not seen yet (the same code, a
   * distinct comment) is configured again, which starts a new run.
   */
  nextDeployment(): ProviderHost {
    deployments++;
    return this.withProvider(`${this.providerText}\n// deployment ${deployments}\n`);
  }

  static async start(providerText: string, env: NodeJS.ProcessEnv = {}): Promise<ProviderHost> {
    const { child, port, output } = await spawnPlugin(req.resolve("@pulumi/pulumi/cmd/dynamic-provider"), ["127.0.0.1:1"], {
      cwd: ROOT,
      env: { ...process.env, PULUMI_NODEJS_PROJECT: PROJECT, ...env },
    });
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new ProviderHost(child, client, providerText, output);
  }

  private call<T>(method: string, request: any): Promise<T> {
    return new Promise((resolve, reject) => {
      this.client[method](request, (err: any, resp: T) => (err ? reject(err) : resolve(resp)));
    });
  }

  private struct(props: Record<string, unknown>): any {
    return Struct.fromJavaScript({ ...props, __provider: this.providerText });
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:test::${PROJECT}::pulumi-nodejs:dynamic/bluemind:${type}::${name}`;
  }

  async configure(config: Record<string, string>): Promise<void> {
    const r = new provproto.ConfigureRequest();
    r.setArgs(Struct.fromJavaScript(Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v]))));
    await this.call("configure", r);
  }

  async check(urn: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const r = new provproto.CheckRequest();
    r.setUrn(urn);
    r.setOlds(this.struct(olds));
    r.setNews(this.struct(news));
    const resp: any = await this.call("check", r);
    const inputs = resp.getInputs()?.toJavaScript() ?? {};
    delete inputs.__provider;
    const failures = resp.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() }));
    return { inputs, failures: failures as { property: string; reason: string }[] };
  }

  async diff(urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>): Promise<DiffResult> {
    const r = new provproto.DiffRequest();
    r.setUrn(urn);
    r.setId(id);
    r.setOlds(this.struct(olds));
    r.setNews(this.struct(news));
    const resp: any = await this.call("diff", r);
    const changes = ["unknown", "none", "some"][resp.getChanges()] as DiffResult["changes"];
    return { changes, replaces: resp.getReplacesList(), deleteBeforeReplace: resp.getDeletebeforereplace(), diffs: resp.getDiffsList() };
  }

  async create(urn: string, props: Record<string, unknown>) {
    const r = new provproto.CreateRequest();
    r.setUrn(urn);
    r.setProperties(this.struct(props));
    const resp: any = await this.call("create", r);
    const outs = resp.getProperties().toJavaScript();
    delete outs.__provider;
    return { id: resp.getId() as string, outs };
  }

  async read(urn: string, id: string, props: Record<string, unknown>) {
    const r = new provproto.ReadRequest();
    r.setUrn(urn);
    r.setId(id);
    r.setProperties(this.struct(props));
    const resp: any = await this.call("read", r);
    const outs = resp.getProperties()?.toJavaScript() ?? {};
    const inputs = resp.getInputs()?.toJavaScript();
    delete outs.__provider;
    if (inputs) delete inputs.__provider;
    return { id: resp.getId() as string, props: outs, inputs };
  }

  async update(urn: string, id: string, olds: Record<string, unknown>, news: Record<string, unknown>) {
    const r = new provproto.UpdateRequest();
    r.setUrn(urn);
    r.setId(id);
    r.setOlds(this.struct(olds));
    r.setNews(this.struct(news));
    const resp: any = await this.call("update", r);
    const outs = resp.getProperties().toJavaScript();
    delete outs.__provider;
    return { outs };
  }

  async delete(urn: string, id: string, props: Record<string, unknown>): Promise<void> {
    const r = new provproto.DeleteRequest();
    r.setUrn(urn);
    r.setId(id);
    r.setProperties(this.struct(props));
    await this.call("delete", r);
  }

  stop(): Promise<void> {
    return stopPlugin(this.child, this.client);
  }
}
