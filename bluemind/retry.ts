// When and how long to wait before repeating a request.
//
// Every call declares how it may be repeated (its `Repeat`, chosen per call in the service modules):
//   "read"    — reads (GET, and POST reads such as _search/_mget/_canAccess): always safe.
//   "replace" — writes whose repetition is harmless because they replace a whole value with the
//               same value (mailshare update, PUT _acl, POST _filter, identity update, photo set…).
//   "once"    — writes that must not be repeated blindly (creates, rule appends, task-starting
//               POSTs). They are retried only after failures that prove the server did not process
//               the request (connection refused, 429). After an ambiguous failure (reset, timeout,
//               502/503/504) a call may supply `verify` (a read telling whether the write landed);
//               otherwise the client throws OutcomeUnknownError.
//
// Transient failures: network errors, 429, 502, 503, 504. Delays grow exponentially with "equal
// jitter" (half fixed, half random) so that parallel clients do not retry in lock-step, and a
// `Retry-After` header (seconds or HTTP date) is honoured up to `maxRetryAfterMs`. The same failures
// also tell the process-wide limiter to send fewer requests at once (`loadSignalOf`).

import type { LoadSignal } from "./limiter";

export type Repeat = "read" | "replace" | "once";

export interface RetryOptions {
  /** Retries after the first attempt (default 5). */
  retries: number;
  /** First backoff delay (default 100 ms); doubles at each retry. */
  baseDelayMs: number;
  /** Upper bound of a backoff delay (default 5 s). */
  maxDelayMs: number;
  /** Upper bound of a delay asked by `Retry-After` (default 30 s). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = {
  retries: 5,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
};

/** Statuses worth retrying: rate limited, or a proxy/backend temporarily unavailable. */
export const TRANSIENT_STATUSES: readonly number[] = [429, 502, 503, 504];

/** How a failed attempt relates to the server's state. */
export type FailureKind =
  /** The request certainly was not processed: safe to repeat any call. */
  | "not-processed"
  /** The request may or may not have been processed. */
  | "ambiguous"
  /** Not transient: do not retry. */
  | "fatal";

/** Node error codes that mean the connection was never established. */
const NOT_CONNECTED = ["ECONNREFUSED", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"];
/** Node error codes after which the request may have reached the server. */
// ERR_CONTENT_DECODING: an answer came but could not be decompressed (http-exchange.ts).
const CUT_OFF = ["ECONNRESET", "EPIPE", "ETIMEDOUT", "ESOCKETTIMEDOUT", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE", "ERR_CONTENT_DECODING"];

export function classifyNetworkCode(code: string | null): FailureKind {
  if (code !== null && NOT_CONNECTED.includes(code)) return "not-processed";
  if (code !== null && CUT_OFF.includes(code)) return "ambiguous";
  return "fatal";
}

/**
 * What an answer says about the server's load, for the limiter (limiter.ts): the transient statuses
 * and a `Retry-After` on any failure ask for fewer requests at once; any other answer does not (a
 * 404 or a business error costs the server what a success does).
 */
export function loadSignalOf(status: number, retryAfter: string | string[] | undefined): Extract<LoadSignal, "ok" | "overloaded"> {
  if (TRANSIENT_STATUSES.includes(status)) return "overloaded";
  if ((status < 200 || status >= 300) && parseRetryAfter(retryAfter) !== null) return "overloaded";
  return "ok";
}

export function classifyStatus(status: number): FailureKind {
  if (status === 429) return "not-processed";
  if (TRANSIENT_STATUSES.includes(status)) return "ambiguous";
  return "fatal";
}

/** Whether a call with this repeat mode may be sent again after a failure of that kind. */
export function mayRepeat(repeat: Repeat, kind: FailureKind): boolean {
  if (kind === "fatal") return false;
  if (kind === "not-processed") return true;
  return repeat !== "once";
}

/**
 * `Retry-After` in ms: delta-seconds or an HTTP date; null when absent or unreadable.
 * `now` is injectable for tests.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const header = Array.isArray(value) ? value[0] : value;
  if (header === undefined || header.trim() === "") return null;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}

/** Backoff before retry number `retry` (1-based): exponential, equal jitter, capped. */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The delay to wait: the server's `Retry-After` when it asks for longer than the backoff. */
export function retryDelay(retry: number, retryAfterMs: number | null, options: RetryOptions): number {
  const backoff = backoffDelay(retry, options);
  if (retryAfterMs === null) return backoff;
  return Math.max(backoff, Math.min(retryAfterMs, options.maxRetryAfterMs));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
