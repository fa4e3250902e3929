// ITask — /api/tasks/{taskId} (docs/bluemind-api.md §2.12). No RBAC: whoever knows a task id may read
// it. Task ids such as `repair-<uid>@acme.test` contain `@`; the router URL-decodes the segment,
// so the id can be sent as is or percent-encoded.
import type { Router } from "../router";
import { StreamResult, type Ctx } from "../context";
import { parseError } from "../faults";

/** The `offset` query parameter is an `Integer`: absent means 0, a non-number fails to parse. */
function offsetParam(ctx: Ctx): number {
  const raw = ctx.query.get("offset");
  if (raw === null || raw === "") return 0;
  if (!/^[+-]?\d+$/.test(raw.trim())) throw parseError("offset");
  return Number(raw.trim());
}

/**
 * `_log`: one JSON object per line, `{done,total,message,end[,status]}`. The subscription is taken
 * before the response starts, so an unknown task is a plain 404 and no event is lost in between.
 */
function logStream(ctx: Ctx): StreamResult {
  const buffered: string[] = [];
  let sink: ((chunk: string) => void) | null = null;
  const ended = ctx.emu.tasks.follow(ctx.params.taskId, (event) => {
    const line = `${JSON.stringify(event)}\n`;
    if (sink) sink(line);
    else buffered.push(line);
  });
  return new StreamResult(async (write) => {
    buffered.forEach(write);
    sink = write;
    await ended;
  });
}

export function register(r: Router): void {
  const base = "/api/tasks/{taskId}";

  r.get(base, (ctx) => ctx.emu.tasks.status(ctx.params.taskId));

  r.get(`${base}/_currentLogs`, (ctx) => ctx.emu.tasks.currentLogs(ctx.params.taskId, offsetParam(ctx)));

  r.get(`${base}/_log`, logStream);
}
