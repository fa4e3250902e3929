// Task following: polling with backoff, progress callbacks, InError, timeouts, the log stream.
// Tasks take 5 steps of 20 ms here, long enough to be seen running.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { NotFoundError, TaskFailedError, TaskTimeoutError, type BlueMindClient, type TaskProgress } from "../../bluemind";
import { mailshare, requestsOutsideContract, startClientEmulator, uid, type ClientEmulator } from "./support";

const D = "acme.test";
let env: ClientEmulator;
let client: BlueMindClient;

beforeAll(async () => {
  env = await startClientEmulator({ taskStepMs: 20 });
  client = env.client();
});
afterAll(async () => {
  await env.close();
  expect(requestsOutsideContract(env.requests)).toEqual([]);
});

async function deleteTask(name: string): Promise<string> {
  const id = uid();
  await client.mailshares.create(D, id, mailshare(name));
  return (await client.mailshares.delete(D, id)).id;
}

const statusPolls = (taskId: string) => env.requests.filter((l) => l.includes(` /api/tasks/${taskId} `)).length;

describe("followTask", () => {
  it("reports progress while the task runs, each log line once, and resolves with state, result and logs", async () => {
    const taskId = await deleteTask("follow-me");
    const seen: TaskProgress[] = [];
    const outcome = await client.followTask({ id: taskId }, { pollMs: 5, onProgress: (p) => seen.push(p) });
    expect(outcome).toMatchObject({ taskId, state: "Success", result: JSON.stringify("") });
    expect(outcome.logs[0]).toMatch(/^Deleting mailshare follow-me/);
    expect(seen.some((p) => p.state === "InProgress")).toBe(true);
    expect(seen.flatMap((p) => p.newLogs)).toEqual(outcome.logs);
    const progress = seen.map((p) => p.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toMatchObject({ state: "Success", steps: 5, progress: 5 });
  });

  it("backs off from 50 ms towards 1 s: a ~120 ms task is polled only a few times", async () => {
    const taskId = await deleteTask("backoff");
    const started = Date.now();
    await client.followTask(taskId);
    const polls = statusPolls(taskId);
    // 50 + 100 (+ 200) ms: three or four polls, where a fixed 5 ms interval would need ~25.
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(polls).toBeLessThanOrEqual(4);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("throws TaskFailedError with the logs when the task ends InError, or resolves with it on request", async () => {
    const ref = await client.mailshares.delete(D, uid("never-existed"));
    const err = await client.followTask(ref, { pollMs: 5 }).catch((e) => e);
    expect(err).toBeInstanceOf(TaskFailedError);
    expect(err.taskId).toBe(ref.id);
    expect(err.taskStatus.state).toBe("InError");
    expect(err.logs.join("\n")).toMatch(/not found/);
    expect(err.message).toMatch(/not found/);
    const outcome = await client.followTask(ref, { rejectOnError: false });
    expect(outcome.state).toBe("InError");
    expect(outcome.result).toBe("[]");
    expect(outcome.logs.join("\n")).toMatch(/not found/);
  });

  it("gives up with TaskTimeoutError after timeoutMs; the task keeps running and can be followed again", async () => {
    const taskId = await deleteTask("slow-follow");
    const started = Date.now();
    const err = await client.followTask(taskId, { timeoutMs: 30, pollMs: 5 }).catch((e) => e);
    expect(err).toBeInstanceOf(TaskTimeoutError);
    expect(err.taskId).toBe(taskId);
    // It gave up while the task was still running (the proof), soon after the 30 ms.
    expect(["NotStarted", "InProgress"]).toContain(err.taskStatus.state);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await client.followTask(taskId, { pollMs: 5 })).state).toBe("Success");
  });

  it("reads the status, the logs from an offset, and the whole log stream", async () => {
    const taskId = await deleteTask("raw-task-calls");
    const events = await client.tasks.log(taskId);
    expect(events[events.length - 1]).toMatchObject({ end: true, status: "Success" });
    expect(events.filter((e) => !e.end).map((e) => e.message)[0]).toMatch(/^Deleting mailshare raw-task-calls/);
    const status = await client.tasks.status(taskId);
    expect(status).toMatchObject({ state: "Success", steps: 5, progress: 5 });
    const all = await client.tasks.getCurrentLogs(taskId);
    expect(await client.tasks.getCurrentLogs(taskId, 2)).toEqual(all.slice(2));
    const unknown = await client.tasks.status("no-such-task").catch((e) => e);
    expect(unknown).toBeInstanceOf(NotFoundError);
  });
});
