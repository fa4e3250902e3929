// Long jobs as BlueMind tasks (docs/bluemind-api.md §2.12): NotStarted → InProgress → Success | InError,
// logs readable while the task runs, finished tasks kept with their logs for 10 minutes and then
// status-only in a 4096-entry history. Deterministic ids (repair-, xfer-) refuse a second start
// while the first runs.
import { randomUUID } from "node:crypto";
import type { TaskState, TaskStatus } from "./model";
import { notFound, unknownFault } from "./faults";

const LOGS_KEPT_MS = 10 * 60 * 1000;
const HISTORY = 4096;

/** What a running job can do: log a line (optionally advancing progress) and pause between steps. */
export interface TaskContext {
  log(message: string, progressed?: number): void;
  /** Progress without a log line. */
  advance(progressed: number): void;
  setSteps(steps: number): void;
  /** Waits one emulated step, so that clients see the task InProgress. */
  step(): Promise<void>;
}

/**
 * A job's outcome: the task `result` string, or a thrown Error (→ InError with its message; an
 * Error carrying a `result` property sets the task result too).
 */
export type Job = (t: TaskContext) => Promise<string | null>;

export interface LogEvent {
  done: number;
  total: number;
  message: string;
  end: boolean;
  status?: TaskState;
}

interface Task {
  id: string;
  status: TaskStatus;
  logs: string[];
  endedAt: number | null;
  listeners: Set<(e: LogEvent) => void>;
}

export class Tasks {
  private readonly tasks = new Map<string, Task>();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly stepMs: number, private readonly onEnd: () => void = () => {}) {}

  /** Starts `job` and returns its TaskRef. */
  start(job: Job, id: string = randomUUID()): { id: string } {
    const existing = this.tasks.get(id);
    if (existing && existing.endedAt === null) throw unknownFault(`task ${id} already running`);
    const task: Task = {
      id,
      status: { steps: 1, progress: 0, lastLogEntry: null, state: "NotStarted", result: null },
      logs: [],
      endedAt: null,
      listeners: new Set(),
    };
    this.tasks.delete(id);
    this.tasks.set(id, task);
    this.trimHistory();
    const run = this.run(task, job).finally(() => this.running.delete(run));
    this.running.add(run);
    return { id };
  }

  private async run(task: Task, job: Job): Promise<void> {
    const sleep = () => new Promise<void>((r) => setTimeout(r, this.stepMs));
    const emit = (message: string, end: boolean) => {
      const e: LogEvent = { done: task.status.progress, total: task.status.steps, message, end };
      if (end) e.status = task.status.state;
      for (const l of task.listeners) l(e);
    };
    const ctx: TaskContext = {
      log: (message, progressed = 0) => {
        task.logs.push(message);
        task.status.lastLogEntry = message;
        task.status.progress = Math.min(task.status.steps, task.status.progress + progressed);
        emit(message, false);
      },
      advance: (progressed) => {
        task.status.progress = Math.min(task.status.steps, task.status.progress + progressed);
      },
      setSteps: (steps) => (task.status.steps = Math.max(1, steps)),
      step: sleep,
    };
    // Status travels over the event bus: right after the call the task may still be NotStarted.
    await sleep();
    task.status.state = "InProgress";
    try {
      const result = await job(ctx);
      task.status.progress = task.status.steps;
      task.status.result = result;
      task.status.state = "Success";
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      task.logs.push(message);
      task.status.lastLogEntry = message;
      task.status.state = "InError";
      task.status.result = (err as { result?: string }).result ?? null;
    }
    task.endedAt = Date.now();
    emit(task.status.lastLogEntry ?? "", true);
    task.listeners.clear();
    this.onEnd();
  }

  private get(id: string): Task {
    const task = this.tasks.get(id);
    if (!task) throw notFound(`no task ${id}`);
    return task;
  }

  private logsExpired(task: Task): boolean {
    return task.endedAt !== null && Date.now() - task.endedAt > LOGS_KEPT_MS;
  }

  status(id: string): TaskStatus {
    return { ...this.get(id).status };
  }

  currentLogs(id: string, offset: number): string[] {
    const task = this.get(id);
    if (this.logsExpired(task)) return [];
    return task.logs.slice(Math.max(0, offset));
  }

  /** Replays the logs so far, then follows the task until it ends. */
  follow(id: string, write: (e: LogEvent) => void): Promise<void> {
    const task = this.get(id);
    if (this.logsExpired(task)) throw unknownFault(`task ${id} logs are no longer available`);
    task.logs.forEach((message, i) =>
      write({ done: Math.min(i, task.status.progress), total: task.status.steps, message, end: false }),
    );
    if (task.endedAt !== null) {
      write({
        done: task.status.progress, total: task.status.steps, message: task.status.lastLogEntry ?? "", end: true,
        status: task.status.state,
      });
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const listener = (e: LogEvent) => {
        write(e);
        if (e.end) resolve();
      };
      task.listeners.add(listener);
    });
  }

  private trimHistory(): void {
    for (const [id, task] of this.tasks) {
      if (this.tasks.size <= HISTORY) break;
      if (task.endedAt !== null) this.tasks.delete(id);
    }
  }

  /** Waits for every running task (used on shutdown so that state is saved once they end). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
