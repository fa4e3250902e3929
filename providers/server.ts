// What every resource kind asks the server: the mailshare a part belongs to, the domain's default
// quota, a task followed to its end with progress, and whether an error means "no server to ask".
import type { ItemValue, Mailshare, TaskRef } from "../bluemind/types";
import { isServerUnreachable, type TaskOutcome } from "../bluemind";
import { ConnectionError } from "./connection";
import type { Runtime } from "./runtime";

/**
 * The mailshare `uid` of `domain` as the run knows it (the domain's list, read once; a mailshare
 * written since is read again alone): what the parts of a mailshare ask to know it exists.
 */
export async function liveMailshare(rt: Runtime, domain: string, uid: string): Promise<ItemValue<Mailshare> | null> {
  return (await mailshareExists(rt, domain, uid)) ? rt.client.mailshares.find(domain, uid) : null;
}

/** Whether the mailshare exists, as `liveMailshare` knows it (without copying it). */
export async function mailshareExists(rt: Runtime, domain: string, uid: string): Promise<boolean> {
  if (await rt.client.mailshares.exists(domain, uid)) return true;
  // Absent from the list the run read: it may have been created since. Asked again, alone — a
  // request only for a part whose mailshare is missing, never for the parts of one that exists.
  rt.client.mailshares.expire(domain, uid);
  return rt.client.mailshares.exists(domain, uid);
}

/** Fails with a clear message when the mailshare is not there (as `mailshareExists` knows it). */
export async function requireMailshare(rt: Runtime, domain: string, uid: string): Promise<void> {
  if (!(await mailshareExists(rt, domain, uid))) throw missing(domain, uid);
}

/** The mailshare read from the server now (the base of a read-modify-write); fails when it is not there. */
export async function freshMailshare(rt: Runtime, domain: string, uid: string): Promise<ItemValue<Mailshare>> {
  const item = await rt.client.mailshares.getComplete(domain, uid);
  if (!item) throw missing(domain, uid);
  return item;
}

/**
 * Whether the server, asked now, has no such mailshare: what a part checks before calling itself
 * gone when its own container is missing (the run's list may predate a delete).
 */
export async function goneNow(rt: Runtime, domain: string, uid: string): Promise<boolean> {
  return (await rt.client.mailshares.getComplete(domain, uid)) === null;
}

const missing = (domain: string, uid: string) =>
  new Error(`mailshare ${uid} does not exist in ${domain} (deleted outside bmshare? run a refresh)`);

/** Follows a task to its end, reporting each new log line; throws when it ends InError. */
export async function followTask(rt: Runtime, ref: TaskRef, what: string): Promise<TaskOutcome> {
  rt.report("info", `${what}: task ${ref.id} started`);
  const outcome = await rt.client.followTask(ref, {
    onProgress: (p) => {
      for (const line of p.newLogs) rt.report("detail", `${what}: ${line} (${p.progress}/${p.steps})`);
    },
    rejectOnError: false,
  });
  if (outcome.state === "InError") {
    // BlueMind's last log line of a failed task may be empty: say the problems its report lists
    // (a 4.x check or repair ends in error with one), else the last line that says something.
    const said = reportProblems(outcome.result) ??
      [outcome.status.lastLogEntry ?? "", ...[...outcome.logs].reverse()].find((l) => l.trim() !== "");
    throw new Error(`${what} failed: ${said ?? "task ended in error"}`);
  }
  rt.report("info", `${what}: done (${outcome.logs.length} log line${outcome.logs.length === 1 ? "" : "s"})`);
  return outcome;
}

/** The problems (KO entries) of a task result that is a DiagnosticReport, joined; null otherwise. */
function reportProblems(result: string | null): string | null {
  let report: unknown;
  try {
    report = result === null ? null : JSON.parse(result);
  } catch {
    return null;
  }
  const entries = (report as { entries?: unknown } | null)?.entries;
  const problems = (Array.isArray(entries) ? entries : [])
    .filter((e) => e?.state === "KO" && typeof e.message === "string" && e.message.trim() !== "")
    .map((e) => `${e.id ? `${e.id}: ` : ""}${e.message}`);
  return problems.length > 0 ? problems.join("; ") : null;
}

/** The quota BlueMind gives a mailshare created without one (KiB), or null. */
export async function defaultQuota(rt: Runtime, domain: string): Promise<number | null> {
  const settings = await rt.client.domains.settings(domain);
  const value = (key: string) => Number(settings[key] ?? 0) || 0;
  return value("mailbox_default_publicfolder_quota") || value("mailbox_max_publicfolder_quota") || null;
}

/**
 * Whether an error means "no server to ask" (none configured, unreachable, unavailable): checks
 * then skip their server part instead of failing (preview works offline); other errors fail.
 */
export const isUnreachable = (err: unknown): boolean =>
  err instanceof ConnectionError || isServerUnreachable(err);
