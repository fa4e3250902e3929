// Errors of the BlueMind client. Every failure is a BlueMindError subclass carrying only safe,
// plain fields: the endpoint name (`IMailshare.create`), the HTTP method and the path *template*,
// the status, BlueMind's `errorCode` / `errorType` and the server's message (scrubbed of the
// session key, which BlueMind echoes in its 401 message). Errors of the HTTP layer are never chained as
// `cause` nor copied: node's own hold the request (and so its headers, the API key included).
//
// Every class declares its constructor explicitly: Pulumi's closure serializer rewrites an
// implicit constructor as `constructor() { super(); }`, dropping the arguments
// (test/bluemind/pulumi.test.ts checks that errors survive serialization).
import type { TaskStatus } from "./types";

/** Where a failure happened: no values, no headers, no key. */
export interface CallSite {
  /** `IService.method` */
  endpoint: string;
  method: string;
  /** The path template, e.g. `/api/mailshares/{domainUid}/{uid}`. */
  path: string;
}

export interface BlueMindErrorFields {
  site?: CallSite | null;
  status?: number | null;
  errorCode?: string | null;
  errorType?: string | null;
  serverMessage?: string | null;
}

/** Base class: `instanceof BlueMindError` catches everything this client throws. */
export class BlueMindError extends Error {
  readonly endpoint: string | null;
  readonly method: string | null;
  readonly path: string | null;
  /** HTTP status, or null when no answer was received. */
  readonly status: number | null;
  /** BlueMind's ErrorCode (`ALREADY_EXISTS`, `INVALID_PARAMETER`, …) when the server sent one. */
  readonly errorCode: string | null;
  /** The Java exception's simple name (`ServerFault`, `NullPointerException`, …). */
  readonly errorType: string | null;
  /** The server's own message, scrubbed of secrets. */
  readonly serverMessage: string | null;

  constructor(message: string, fields: BlueMindErrorFields = {}) {
    super(message);
    // Pulumi's closure serializer turns `super(message)` into `Error.call(this, message)`, which
    // initializes nothing, and loses `new.target` and class names: message and stack are set
    // explicitly, names live on the prototypes (`named` below).
    Object.defineProperty(this, "message", { value: message, writable: true, configurable: true, enumerable: false });
    Error.captureStackTrace?.(this, this.constructor);
    this.endpoint = fields.site?.endpoint ?? null;
    this.method = fields.site?.method ?? null;
    this.path = fields.site?.path ?? null;
    this.status = fields.status ?? null;
    this.errorCode = fields.errorCode ?? null;
    this.errorType = fields.errorType ?? null;
    this.serverMessage = fields.serverMessage ?? null;
  }
}

/** 401: invalid or expired key, or a login refused (`Bad` / `Expired`). */
export class AuthenticationError extends BlueMindError {
  constructor(message: string, fields: BlueMindErrorFields = {}) {
    super(message, fields);
  }
}

/** 403 `PERMISSION_DENIED` (also what an anonymous call gets). */
export class PermissionDeniedError extends BlueMindError {
  constructor(message: string, fields: BlueMindErrorFields = {}) {
    super(message, fields);
  }
}

/** 404 `NOT_FOUND`. Lookups of unknown uids answer 204 (null) instead: see the service docs. */
export class NotFoundError extends BlueMindError {
  constructor(message: string, fields: BlueMindErrorFields = {}) {
    super(message, fields);
  }
}

/**
 * HTTP 500 with an `errorCode`: BlueMind's business errors (`ALREADY_EXISTS`, `INVALID_PARAMETER`,
 * `FORBIDDEN`, `ENTITY_TOO_LARGE`, `UNKNOWN`, …). Branch on `errorCode`, not on the status.
 */
export class ServerFaultError extends BlueMindError {
  constructor(message: string, fields: BlueMindErrorFields = {}) {
    super(message, fields);
  }
}

/** HTTP 500 without an `errorCode`: a Java exception (`NullPointerException`, …) or a proxy page. */
export class InternalServerError extends BlueMindError {
  constructor(message: string, fields: BlueMindErrorFields = {}) {
    super(message, fields);
  }
}

/** HTTP 500 `{code, message}` "no service registered": the server does not know the endpoint. */
export class UnknownEndpointError extends InternalServerError {
  constructor(message: string, fields: BlueMindErrorFields = {}) {
    super(message, fields);
  }
}

/** 429 / 502 / 503 / 504 still failing after the allowed retries. */
export class UnavailableError extends BlueMindError {
  constructor(message: string, fields: BlueMindErrorFields = {}) {
    super(message, fields);
  }
}

/** A status, body or content the client cannot interpret. */
export class UnexpectedResponseError extends BlueMindError {
  constructor(message: string, fields: BlueMindErrorFields = {}) {
    super(message, fields);
  }
}

/** No HTTP answer: connection refused or reset, TLS failure, DNS, … (`code` is Node's code). */
export class TransportError extends BlueMindError {
  readonly code: string | null;
  constructor(message: string, code: string | null, fields: BlueMindErrorFields = {}) {
    super(message, fields);
    this.code = code;
  }
}

/** The per-request timeout elapsed. */
export class RequestTimeoutError extends TransportError {
  constructor(message: string, code: string | null, fields: BlueMindErrorFields = {}) {
    super(message, code, fields);
  }
}

/**
 * A write that must not be repeated blindly failed in a way that does not tell whether the server
 * applied it (connection reset, timeout, 502/503/504 after the request was sent). Re-read the
 * state before deciding what to do; `reason` says what happened.
 */
export class OutcomeUnknownError extends BlueMindError {
  readonly reason: string;
  constructor(message: string, reason: string, fields: BlueMindErrorFields = {}) {
    super(message, fields);
    this.reason = reason;
  }
}

/** Invalid client options (missing URL, no credentials, …). */
export class ClientConfigError extends BlueMindError {
  constructor(message: string, fields: BlueMindErrorFields = {}) {
    super(message, fields);
  }
}

/**
 * The server is a BlueMind version bmshare does not speak (versions.ts), or says no usable version:
 * refused before anything is written. `version` is what the server reported (null: nothing usable).
 */
export class UnsupportedVersionError extends BlueMindError {
  readonly version: string | null;
  constructor(message: string, version: string | null) {
    super(message);
    this.version = version;
  }
}

/** A followed task ended `InError`. */
export class TaskFailedError extends BlueMindError {
  readonly taskId: string;
  readonly taskStatus: TaskStatus;
  readonly logs: string[];
  constructor(taskId: string, status: TaskStatus, logs: string[]) {
    const last = status.lastLogEntry ?? logs[logs.length - 1] ?? "no log";
    super(`task ${taskId} failed: ${last}`, { serverMessage: status.lastLogEntry });
    this.taskId = taskId;
    this.taskStatus = status;
    this.logs = logs;
  }
}

/** A followed task did not end within the allowed time (it may still be running). */
export class TaskTimeoutError extends BlueMindError {
  readonly taskId: string;
  readonly taskStatus: TaskStatus | null;
  readonly logs: string[];
  constructor(taskId: string, timeoutMs: number, status: TaskStatus | null, logs: string[]) {
    super(`task ${taskId} did not end within ${timeoutMs} ms (last state: ${status?.state ?? "unknown"})`);
    this.taskId = taskId;
    this.taskStatus = status;
    this.logs = logs;
  }
}

/** Sets a class's `name` on its prototype (kept by serialization, unlike the class name). */
function named(classes: Record<string, { prototype: Error }>): void {
  for (const [name, cls] of Object.entries(classes)) {
    Object.defineProperty(cls.prototype, "name", { value: name, writable: true, configurable: true, enumerable: false });
  }
}

named({
  BlueMindError, AuthenticationError, PermissionDeniedError, NotFoundError, ServerFaultError, InternalServerError,
  UnknownEndpointError, UnavailableError, UnexpectedResponseError, TransportError, RequestTimeoutError,
  OutcomeUnknownError, ClientConfigError, UnsupportedVersionError, TaskFailedError, TaskTimeoutError,
});

/** True when `err` is a BlueMind business error with that code (e.g. `ALREADY_EXISTS`). */
export function hasErrorCode(err: unknown, code: string): boolean {
  return err instanceof BlueMindError && err.errorCode === code;
}

// Predicates callers branch on, so that an error is tested one way everywhere (not by status here,
// a cast to read `errorCode` there and a pattern on the message elsewhere).

/** The server says the object (or endpoint's target) does not exist: HTTP 404. */
export const isNotFound = (err: unknown): boolean => err instanceof BlueMindError && err.status === 404;

/** The caller lacks the role or right (HTTP 403). */
export const isPermissionDenied = (err: unknown): boolean => err instanceof BlueMindError && err.status === 403;

/** BlueMind refused a create or an address as already taken (`ALREADY_EXISTS`). */
export const isAlreadyExists = (err: unknown): boolean => hasErrorCode(err, "ALREADY_EXISTS");

/** A write whose answer was lost: it may or may not have been applied (never repeated blindly). */
export const isOutcomeUnknown = (err: unknown): boolean => err instanceof OutcomeUnknownError;

/** No usable answer from the server (network failure, timeout, 502/503/504 after retries). */
export const isServerUnreachable = (err: unknown): boolean => err instanceof TransportError || err instanceof UnavailableError;

/** The server's own message of a business error, matched by `pattern` (for faults without a code of their own). */
export const serverSays = (err: unknown, pattern: RegExp): boolean =>
  err instanceof BlueMindError && pattern.test(err.serverMessage ?? "");

/** The parsed JSON error body of a failed call, when there is one. */
interface ErrorBody {
  errorCode?: unknown;
  errorType?: unknown;
  message?: unknown;
  code?: unknown;
}

function parseErrorBody(text: string): ErrorBody | null {
  if (!text.trim().startsWith("{")) return null;
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" ? (v as ErrorBody) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function describe(site: CallSite, status: number, detail: string): string {
  return `${site.endpoint} (${site.method} ${site.path}) failed: HTTP ${status}${detail ? ` ${detail}` : ""}`;
}

/**
 * Maps a non-2xx answer to the matching error. `scrub` removes secrets from server text (the 401
 * message contains the session key).
 */
export function errorFromResponse(site: CallSite, status: number, bodyText: string, scrub: (s: string) => string): BlueMindError {
  const body = parseErrorBody(bodyText);
  const errorCode = str(body?.errorCode);
  const errorType = str(body?.errorType);
  const rawMessage = str(body?.message) ?? (body ? null : bodyText.trim().slice(0, 300) || null);
  const serverMessage = rawMessage === null ? null : scrub(rawMessage);
  const fields: BlueMindErrorFields = { site, status, errorCode, errorType, serverMessage };
  const detail = [errorCode ?? errorType, serverMessage].filter(Boolean).join(": ");
  const message = describe(site, status, detail);
  switch (status) {
    case 401: return new AuthenticationError(message, fields);
    case 403: return new PermissionDeniedError(message, fields);
    case 404: return new NotFoundError(message, fields);
    case 429: case 502: case 503: case 504: return new UnavailableError(message, fields);
  }
  if (status === 500) {
    if (errorCode !== null) return new ServerFaultError(message, fields);
    if (body && str(body.code) !== null) {
      return new UnknownEndpointError(
        `${message} (the server does not know this endpoint: wrong URL or unsupported BlueMind version)`,
        { ...fields, errorType: errorType ?? "ServerFault" },
      );
    }
    return new InternalServerError(message, fields);
  }
  return new UnexpectedResponseError(message, fields);
}
