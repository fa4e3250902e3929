// How apply shows its progress. On a terminal: finished operations scroll above a status line that
// is redrawn in place (`[3/12] acme.test/support: MailshareAcl, …`). In CI (the CI variable) or
// when the output is not a terminal: plain lines only, one per finished operation and per provider
// message (task progress), which logs keep readable. A task's own log lines are counted, not
// shown, unless --verbose.
import type { Level } from "../../providers/runtime";
import type { Operation, OperationResult } from "./apply";
import { resultLine } from "./render";
import type { Style } from "../style";

export interface ProgressDisplay {
  started(op: Operation): void;
  finished(result: OperationResult): void;
  /** A provider message (task progress, notices), attributed to its operation when known. */
  message(op: Operation | undefined, level: Level, text: string): void;
  /** Clears the status line. */
  close(): void;
}

const CLEAR_LINE = "\r\x1b[2K";

export interface ProgressOptions {
  live: boolean;
  total: number;
  /** Show every line of the tasks' logs (else each task's log is counted after its result). */
  verbose: boolean;
  style: Style;
}

export function progressDisplay(write: (text: string) => void, options: ProgressOptions): ProgressDisplay {
  const inFlight = new Set<Operation>();
  /** Task log lines not shown, per operation. */
  const folded = new Map<Operation | undefined, number>();
  let done = 0;
  let closed = false;
  // Consecutive messages of one operation with the same lead (`repairing … of mailshare X: …`)
  // print it once: the following lines are indented continuations.
  let last: { op: Operation | undefined; lead: string } | undefined;
  const status = () => {
    if (!options.live || inFlight.size === 0) return "";
    const names = [...inFlight].map((op) => `${op.mailshare.domain}/${op.mailshare.name}: ${op.resource.kind}`);
    const line = `[${done}/${options.total}] ${names.join(", ")}`;
    const width = process.stdout.columns ?? 100;
    return line.length > width - 1 ? `${line.slice(0, width - 2)}…` : line;
  };
  /** Prints a line above the status line (which is then redrawn). */
  const print = (line: string) => {
    write(options.live ? `${CLEAR_LINE}${line}\n${status()}` : `${line}\n`);
  };
  const redraw = () => {
    if (options.live) write(`${CLEAR_LINE}${status()}`);
  };
  return {
    started(op) {
      inFlight.add(op);
      redraw();
    },
    finished(result) {
      inFlight.delete([...inFlight].find((op) => op.resource === result.resource) as Operation);
      done++;
      // What was not attempted is listed once, in the account at the end.
      if (result.status === "not-attempted") return redraw();
      last = undefined;
      print(resultLine(result, options.style));
      const op = [...folded.keys()].find((o) => o?.resource === result.resource);
      if (op) {
        print(options.style.dim(`      (${folded.get(op)} task log line${folded.get(op) === 1 ? "" : "s"} not shown: --verbose shows them)`));
        folded.delete(op);
      }
    },
    message(op, level, text) {
      if (level === "detail" && !options.verbose) {
        if (op) folded.set(op, (folded.get(op) ?? 0) + 1);
        return;
      }
      const colon = text.indexOf(": ");
      const lead = colon > 0 ? text.slice(0, colon) : "";
      if (op && lead && level !== "warn" && last?.op === op && last.lead === lead) {
        print(`      ${text.slice(colon + 2)}`);
        return;
      }
      last = level !== "warn" ? { op, lead } : undefined;
      const line = `  ${level === "warn" ? "!" : "·"} ${op ? `${op.resource.name}: ` : ""}${text}`;
      print(level === "warn" ? options.style.warning(line) : line);
    },
    close() {
      if (options.live && !closed) write(CLEAR_LINE);
      closed = true;
    },
  };
}
