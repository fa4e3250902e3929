// ITask — /api/tasks/{taskId}, and the task follower: long jobs (delete, xfer, repair,
// consolidate) return a TaskRef; `follow` polls the status and the new log lines with a growing
// interval (50 ms → 1 s by default) until Success or InError (docs/bluemind-api.md §2.12). Right after
// the call a task may still be NotStarted: that is normal, keep polling.
import type { Transport } from "./transport";
import { isOutcomeUnknown, TaskFailedError, TaskTimeoutError } from "./errors";
import { sleep } from "./retry";
import type { TaskLogEvent, TaskRef, TaskState, TaskStatus } from "./types";

export interface TaskProgress {
  taskId: string;
  steps: number;
  progress: number;
  state: TaskState;
  /** Log lines that appeared since the previous callback. */
  newLogs: string[];
}

export interface FollowOptions {
  /** Give up after this long (TaskTimeoutError; the task may still be running). Default 10 min. */
  timeoutMs?: number;
  /** Polling interval: a fixed number of ms, or a backoff range (default `{ min: 50, max: 1000 }`). */
  pollMs?: number | { min: number; max: number };
  /** Called whenever the state, progress or logs changed. */
  onProgress?: (progress: TaskProgress) => void;
  /** With `false`, a task ending InError resolves with its outcome instead of throwing TaskFailedError. */
  rejectOnError?: boolean;
}

export interface TaskOutcome {
  taskId: string;
  state: "Success" | "InError";
  /** The task's result string (often JSON-encoded), or null. */
  result: string | null;
  /** Every log line of the task. */
  logs: string[];
  status: TaskStatus;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;
const DEFAULT_POLL = { min: 50, max: 1000 };

function ended(state: TaskState): state is "Success" | "InError" {
  return state === "Success" || state === "InError";
}

function sameStatus(a: TaskStatus | null, b: TaskStatus): boolean {
  return a !== null && a.state === b.state && a.progress === b.progress && a.steps === b.steps && a.lastLogEntry === b.lastLogEntry;
}

/** Splits a stream of concatenated (or newline-separated) JSON values. */
export function parseJsonSequence(text: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === "}" || ch === "]") {
      depth--;
      if (depth === 0 && start >= 0) {
        values.push(JSON.parse(text.slice(start, i + 1)));
        start = -1;
      }
    }
  }
  // A JSON array holding the events is the same stream.
  return values.length === 1 && Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
}

export class TaskService {
  private readonly t: Transport;

  constructor(t: Transport) {
    this.t = t;
  }

  /** The task's status; unknown id → NotFoundError. No RBAC: anyone knowing the id may read it. */
  status(taskId: string): Promise<TaskStatus> {
    return this.t.required<TaskStatus>({ endpoint: "ITask.status", params: { taskId }, repeat: "read" });
  }

  /** Log lines from index `offset` on (`[]` once the logs expired, 10 min after the end). */
  getCurrentLogs(taskId: string, offset = 0): Promise<string[]> {
    return this.t.list<string>({ endpoint: "ITask.getCurrentLogs", params: { taskId }, query: { offset }, repeat: "read" });
  }

  /**
   * The whole log stream `{done, total, message, end[, status]}`; the answer ends with the task, so
   * it gets its own timeout (default 10 min).
   */
  async log(taskId: string, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<TaskLogEvent[]> {
    const text = await this.t.text({ endpoint: "ITask.log", params: { taskId }, repeat: "read", timeoutMs });
    return parseJsonSequence(text) as TaskLogEvent[];
  }

  /** Polls a task until it ends; see FollowOptions. */
  async follow(ref: TaskRef | string, options: FollowOptions = {}): Promise<TaskOutcome> {
    const taskId = typeof ref === "string" ? ref : ref.id;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const poll = typeof options.pollMs === "number" ? { min: options.pollMs, max: options.pollMs } : options.pollMs ?? DEFAULT_POLL;
    const deadline = Date.now() + timeoutMs;
    const logs: string[] = [];
    let last: TaskStatus | null = null;
    let delay = poll.min;
    for (;;) {
      const status = await this.status(taskId);
      const changed = !sameStatus(last, status);
      // Logs are read after the status, so that a status saying "ended" comes with every line.
      const newLogs = changed || ended(status.state) ? await this.getCurrentLogs(taskId, logs.length) : [];
      logs.push(...newLogs);
      if (changed || newLogs.length > 0) {
        options.onProgress?.({ taskId, steps: status.steps, progress: status.progress, state: status.state, newLogs });
      }
      last = status;
      if (ended(status.state)) {
        const outcome: TaskOutcome = { taskId, state: status.state, result: status.result, logs, status };
        if (status.state === "InError" && options.rejectOnError !== false) throw new TaskFailedError(taskId, status, logs);
        return outcome;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new TaskTimeoutError(taskId, timeoutMs, status, logs);
      await sleep(Math.min(delay, left));
      delay = Math.min(poll.max, delay * 2);
    }
  }

  /**
   * For task-starting calls with a deterministic task id (`repair-…`, `xfer-…`): after an
   * OutcomeUnknownError, a task with that id still NotStarted / InProgress was started by the lost
   * call (BlueMind refuses a second one while it runs), so its ref is returned. Anything else is
   * rethrown.
   */
  async recoverRunning(err: unknown, taskId: string): Promise<TaskRef> {
    if (!isOutcomeUnknown(err)) throw err;
    let status: TaskStatus;
    try {
      status = await this.status(taskId);
    } catch {
      throw err;
    }
    if (ended(status.state)) throw err;
    this.t.log("info", `task ${taskId} is running: the ambiguous call started it`);
    return { id: taskId };
  }
}
