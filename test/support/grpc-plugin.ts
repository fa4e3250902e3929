// Starting a Pulumi plugin the way the engine does — a child process that serves gRPC on a port it
// prints as its first line of output — and the gRPC and protobuf modules resolved from the SDK's own
// folder, so that their classes are the ones the plugin's messages are made of.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const req = createRequire(path.join(ROOT, "package.json"));
const sdkDir = path.dirname(req.resolve("@pulumi/pulumi/package.json"));
export const fromSdk = (m: string) => req(req.resolve(m, { paths: [sdkDir] }));
export const grpc = fromSdk("@grpc/grpc-js");
export const { Struct } = fromSdk("google-protobuf/google/protobuf/struct_pb");

/**
 * Spawns `node script ...args` in `cwd` and resolves once it prints its port; `output` collects
 * everything else it prints. Rejects with that output when the plugin exits before serving.
 */
export function spawnPlugin(script: string, args: string[], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ child: ChildProcess; port: number; output: { text: string } }> {
  const output = { text: "" };
  const child = spawn(process.execPath, [script, ...args], { cwd: o.cwd, env: o.env, stdio: ["ignore", "pipe", "pipe"] });
  child.stderr!.on("data", (c) => (output.text += c));
  return new Promise((resolve, reject) => {
    let buf = "";
    const onData = (c: Buffer) => {
      buf += c;
      if (!buf.includes("\n")) return;
      child.stdout!.off("data", onData);
      child.stdout!.on("data", (more) => (output.text += more));
      resolve({ child, port: Number(buf.split("\n")[0].trim()), output });
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`${path.basename(path.dirname(script))} exited (${code}) before serving:\n${buf}${output.text}`)));
  });
}

/** Closes the gRPC client and ends the plugin (SIGTERM), resolving once it has exited. */
export async function stopPlugin(child: ChildProcess, client: { close(): void }): Promise<void> {
  client.close();
  if (child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
