// How apply shows its progress. On a terminal: finished operations scroll above a status line that
// is redrawn in place (`[3/12] acme.test/support: MailshareAcl, …`). In CI (the CI variable) or
// when the output is not a terminal: plain lines only, one per finished operation and per provider
// message (task progress), which logs keep readable.
import type { Level } from "../../providers/runtime";
import type { Operation, OperationResult } from "./apply";
import { resultLine } from "./render";

export interface ProgressDisplay {
  started(op: Operation): void;
  finished(result: OperationResult): void;
  /** A provider message (task progress, notices), attributed to its operation when known. */
  message(op: Operation | undefined, level: Level, text: string): void;
  /** Clears the status line. */
  close(): void;
}

const CLEAR_LINE = "\r\x1b[2K";

export function progressDisplay(write: (text: string) => void, options: { live: boolean; total: number }): ProgressDisplay {
  const inFlight = new Set<Operation>();
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
      print(resultLine(result));
    },
    message(op, level, text) {
      const colon = text.indexOf(": ");
      const lead = colon > 0 ? text.slice(0, colon) : "";
      if (op && lead && level === "info" && last?.op === op && last.lead === lead) {
        print(`      ${text.slice(colon + 2)}`);
        return;
      }
      last = level === "info" ? { op, lead } : undefined;
      print(`  ${level === "warn" ? "!" : "·"} ${op ? `${op.resource.name}: ` : ""}${text}`);
    },
    close() {
      if (options.live && !closed) write(CLEAR_LINE);
      closed = true;
    },
  };
}
