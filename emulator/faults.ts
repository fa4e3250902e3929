// BlueMind's error conventions (docs/bluemind-api.md §1.5): a ServerFault carries an errorCode; only
// PERMISSION_DENIED (403), NOT_FOUND (404) and AUTHENTICATION_FAIL (401) get their own status,
// every other failure, business errors included, is HTTP 500.

export type ErrorCode =
  | "UNKNOWN" | "PERMISSION_DENIED" | "FAILURE" | "INVALID_ID" | "INVALID_PARAMETER" | "AUTHENTICATION_FAIL"
  | "NOT_FOUND" | "ALREADY_EXISTS" | "FORBIDDEN" | "ENTITY_TOO_LARGE" | "TIMEOUT" | "INCLUSION_GROUP_LOOP"
  | "INVALID_QUERY";

export class ServerFault extends Error {
  constructor(readonly errorCode: ErrorCode, message: string) {
    super(message);
  }
}

/** A Java exception that is not a ServerFault (body has no errorCode, message may be null). */
export class JavaException extends Error {
  constructor(readonly errorType: string, readonly javaMessage: string | null = null) {
    super(javaMessage ?? errorType);
  }
}

export const invalid = (message: string) => new ServerFault("INVALID_PARAMETER", message);
export const alreadyExists = (message: string) => new ServerFault("ALREADY_EXISTS", message);
export const notFound = (message: string) => new ServerFault("NOT_FOUND", message);
export const forbidden = (message: string) => new ServerFault("FORBIDDEN", message);
export const denied = (message = "Permission denied") => new ServerFault("PERMISSION_DENIED", message);
export const unknownFault = (message: string) => new ServerFault("UNKNOWN", message);
export const npe = () => new JavaException("NullPointerException");
export const parseError = (param = "body") => new ServerFault("UNKNOWN", `Error during parsing parameter "${param}"`);

export function statusOf(err: ServerFault | JavaException): number {
  if (err instanceof JavaException) return 500;
  switch (err.errorCode) {
    case "PERMISSION_DENIED": return 403;
    case "NOT_FOUND": return 404;
    case "AUTHENTICATION_FAIL": return 401;
    default: return 500;
  }
}

export function bodyOf(err: ServerFault | JavaException): Record<string, unknown> {
  if (err instanceof JavaException) return { errorType: err.errorType, message: err.javaMessage };
  return { errorCode: err.errorCode, errorType: "ServerFault", message: err.message };
}
