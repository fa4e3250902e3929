// Progress and notices from providers: through pulumi.log under the Pulumi engine (the host
// prints them for the engine), or to the sink the CLI installs.
import * as pulumi from "@pulumi/pulumi";

export type Level = "info" | "warn";
export type ProgressSink = (level: Level, message: string) => void;

function state(): { sink?: ProgressSink } {
  const g = globalThis as Record<string, any>;
  g.__bmshareProgress ??= {};
  return g.__bmshareProgress;
}

/** Routes provider messages to `sink` (the CLI); undefined restores pulumi.log. */
export function setProgressSink(sink: ProgressSink | undefined): void {
  state().sink = sink;
}

export function report(level: Level, message: string): void {
  const sink = state().sink;
  if (sink) sink(level, message);
  else if (level === "warn") void pulumi.log.warn(message);
  else void pulumi.log.info(message);
}
