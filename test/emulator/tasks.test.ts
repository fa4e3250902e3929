// ITask of the emulator (docs/bluemind-api.md §2.12): status polling, current logs, the `_log` stream.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mailshareBody, startTestEmulator, waitTask, type Api, type TestEmulator } from "../support/emulator";

// Long enough steps that a poller reliably sees the task before it starts and while it runs.
const STEP_MS = 40;

let emu: TestEmulator;
let api: Api;
let counter = 0;

/** Creates a mailshare and starts its (asynchronous) delete; returns the task id. */
async function deleteTask(): Promise<string> {
  const uid = `task-share-${++counter}`;
  const put = await api("PUT", `/api/mailshares/acme.test/${uid}`, { body: mailshareBody(`task-share-${counter}`) });
  expect(put.status).toBe(200);
  const del = await api("DELETE", `/api/mailshares/acme.test/${uid}`);
  expect(del.status).toBe(200);
  return del.json.id;
}

function parseLines(text: string): any[] {
  return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
}

beforeAll(async () => {
  emu = await startTestEmulator({ taskStepMs: STEP_MS });
  api = emu.api;
});

afterAll(async () => {
  await emu.close();
});

describe("task status", () => {
  it("goes NotStarted → InProgress → Success while a mailshare delete runs", async () => {
    const id = await deleteTask();
    const states: string[] = [];
    let status: any;
    for (;;) {
      status = (await api("GET", `/api/tasks/${id}`)).json;
      if (states[states.length - 1] !== status.state) states.push(status.state);
      if (status.state === "Success" || status.state === "InError") break;
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(states).toEqual(["NotStarted", "InProgress", "Success"]);
    expect(status.result).toBe('""');
    expect(status.progress).toBe(status.steps);
    expect(status.lastLogEntry).toMatch(/deleted/);
  });

  it("answers 404 for an unknown task", async () => {
    const r = await api("GET", "/api/tasks/no-such-task");
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ errorCode: "NOT_FOUND", message: "no task no-such-task" });
  });

  it("ends InError with result [] when the deleted mailshare does not exist", async () => {
    const del = await api("DELETE", "/api/mailshares/acme.test/never-existed");
    expect(del.status).toBe(200);
    const status = await waitTask(api, del.json.id);
    expect(status.state).toBe("InError");
    expect(status.result).toBe("[]");
    expect(status.lastLogEntry).toBe("mailshare never-existed not found");
  });

  it("addresses ids containing @ both as is and percent-encoded", async () => {
    const put = await api("PUT", "/api/mailshares/acme.test/task-at-share", { body: mailshareBody("task-at-share") });
    expect(put.status).toBe(200);
    const repair = await api("POST", "/api/directory/acme.test/task-at-share/mgmt/_maintenance/repair", {
      body: { opIdentifiers: ["mailboxExists"], dry: true },
    });
    const id = repair.json.id;
    expect(id).toBe("repair-task-at-share@acme.test");
    await waitTask(api, id);
    const raw = await api("GET", "/api/tasks/repair-task-at-share@acme.test");
    const encoded = await api("GET", `/api/tasks/${encodeURIComponent(id)}`);
    expect(raw.status).toBe(200);
    expect(raw.json.state).toBe("Success");
    expect(encoded.json).toEqual(raw.json);
    expect((await api("GET", "/api/tasks/repair-task-at-share%40acme.test/_currentLogs")).json).toEqual(
      (await api("GET", "/api/tasks/repair-task-at-share@acme.test/_currentLogs")).json,
    );
  });

  it("needs no key (no RBAC on tasks)", async () => {
    const id = await deleteTask();
    const r = await api("GET", `/api/tasks/${id}`, { key: null });
    expect(r.status).toBe(200);
    expect(["NotStarted", "InProgress", "Success"]).toContain(r.json.state);
    await waitTask(api, id);
  });
});

describe("_currentLogs", () => {
  it("returns the log lines from an offset", async () => {
    const id = await deleteTask();
    await waitTask(api, id);
    const all = (await api("GET", `/api/tasks/${id}/_currentLogs`)).json;
    expect(all.length).toBeGreaterThanOrEqual(3);
    expect(all[0]).toMatch(/^Deleting mailshare task-share-\d+/);
    expect((await api("GET", `/api/tasks/${id}/_currentLogs?offset=0`)).json).toEqual(all);
    expect((await api("GET", `/api/tasks/${id}/_currentLogs?offset=2`)).json).toEqual(all.slice(2));
    expect((await api("GET", `/api/tasks/${id}/_currentLogs?offset=${all.length}`)).json).toEqual([]);
  });

  it("grows while the task runs, so a poller can follow with its running count", async () => {
    const id = await deleteTask();
    const seen: string[] = [];
    for (;;) {
      const status = (await api("GET", `/api/tasks/${id}`)).json;
      const fresh = (await api("GET", `/api/tasks/${id}/_currentLogs?offset=${seen.length}`)).json;
      seen.push(...fresh);
      if (status.state === "Success") break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen).toEqual((await api("GET", `/api/tasks/${id}/_currentLogs`)).json);
  });

  it("refuses a non-numeric offset and unknown tasks", async () => {
    const id = await deleteTask();
    const bad = await api("GET", `/api/tasks/${id}/_currentLogs?offset=abc`);
    expect(bad.status).toBe(500);
    expect(bad.json.message).toBe('Error during parsing parameter "offset"');
    expect((await api("GET", "/api/tasks/nope/_currentLogs")).status).toBe(404);
    await waitTask(api, id);
  });
});

describe("_log stream", () => {
  it("replays and follows a running task, one JSON object per line, ending with its status", async () => {
    const id = await deleteTask();
    const r = await api("GET", `/api/tasks/${id}/_log`);
    expect(r.status).toBe(200);
    const events = parseLines(r.text);
    const last = events[events.length - 1];
    expect(last).toMatchObject({ end: true, status: "Success" });
    expect(events.slice(0, -1).every((e) => e.end === false)).toBe(true);
    expect(events.map((e) => e.message)).toContain("Removing mail storage");
    for (const e of events) expect(Object.keys(e).sort()).toEqual(e.end ? ["done", "end", "message", "status", "total"] : ["done", "end", "message", "total"]);
    expect(last.done).toBe(last.total);
  });

  it("replays a finished task and terminates at once", async () => {
    const del = await api("DELETE", "/api/mailshares/acme.test/gone-share");
    await waitTask(api, del.json.id);
    const events = parseLines((await api("GET", `/api/tasks/${del.json.id}/_log`)).text);
    expect(events[events.length - 1]).toMatchObject({ end: true, status: "InError", message: "mailshare gone-share not found" });
  });

  it("answers 404 for an unknown task", async () => {
    const r = await api("GET", "/api/tasks/unknown-task/_log");
    expect(r.status).toBe(404);
    expect(r.json.message).toBe("no task unknown-task");
  });
});
