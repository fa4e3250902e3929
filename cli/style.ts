// Colour on a terminal: what is added, removed or changed, and errors. Whether a stream gets colour
// is decided here, once per stream, by the conventions terminals and CI systems share:
//   --no-color                   never;
//   FORCE_COLOR                  always, unless it is "0" or "false" (then never), as Node itself reads it;
//   NO_COLOR (set, not empty)    never (https://no-color.org);
//   otherwise                    only on a terminal whose TERM is not "dumb".
// picocolors writes the escape codes; it is told the answer instead of guessing it from the process,
// because the commands write through sinks handed to them (tests, `start`'s captured output).
import { createColors } from "picocolors";

export interface Style {
  enabled: boolean;
  added(text: string): string;
  removed(text: string): string;
  changed(text: string): string;
  error(text: string): string;
  warning(text: string): string;
  /** Context a reader may skip: unchanged lines, what is left alone, diff headers. */
  dim(text: string): string;
  bold(text: string): string;
}

export interface ColorSituation {
  /** `--no-color` was given. */
  noColorFlag: boolean;
  env: NodeJS.ProcessEnv;
  /** The stream is a terminal. */
  isTTY: boolean;
}

export function colorWanted({ noColorFlag, env, isTTY }: ColorSituation): boolean {
  if (noColorFlag) return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTTY && env.TERM !== "dumb";
}

export function styleOf(enabled: boolean): Style {
  const c = createColors(enabled);
  return {
    enabled,
    added: c.green,
    removed: c.red,
    changed: c.yellow,
    error: c.red,
    warning: c.yellow,
    dim: c.dim,
    bold: c.bold,
  };
}

export const PLAIN: Style = styleOf(false);

/** Whether the streams a command writes to are terminals. */
export interface Terminal {
  stdout?: boolean;
  stderr?: boolean;
}

export interface OutputStyles {
  /** Colours of standard output and of standard error, each decided for its own stream. */
  out: Style;
  err: Style;
}

/**
 * The styles of a command's two streams. A stream handed to the command (`stdout` / `stderr`
 * given) is a terminal only when `terminal` says so; the process's own streams are asked.
 */
export function outputStyles(
  io: { stdout?: unknown; stderr?: unknown; terminal?: Terminal },
  env: NodeJS.ProcessEnv,
  noColorFlag: boolean,
): OutputStyles {
  const tty = (injected: unknown, given: boolean | undefined, stream: NodeJS.WriteStream) =>
    given ?? (injected === undefined && stream.isTTY === true);
  return {
    out: styleOf(colorWanted({ noColorFlag, env, isTTY: tty(io.stdout, io.terminal?.stdout, process.stdout) })),
    err: styleOf(colorWanted({ noColorFlag, env, isTTY: tty(io.stderr, io.terminal?.stderr, process.stderr) })),
  };
}

/** A unified diff with its lines coloured: additions, removals, hunk and file headers. */
export function styledPatch(patch: string, style: Style): string {
  if (!style.enabled) return patch;
  return patch.split("\n").map((line) => {
    if (line.startsWith("+++") || line.startsWith("---") || line.startsWith("@@")) return style.dim(line);
    if (line.startsWith("+")) return style.added(line);
    if (line.startsWith("-")) return style.removed(line);
    return line;
  }).join("\n");
}
