// One request as a service handler sees it: path and query parameters, the body decoded with
// BlueMind's codecs (§1.3), the caller's session, and the special result kinds of §1.4.
import type { IncomingHttpHeaders } from "node:http";
import { JavaException, ServerFault, denied, parseError } from "./faults";
import type { Emulator } from "./emulator";
import type { Session } from "./sessions";
import type { Scope } from "./rbac";

export class Ctx {
  constructor(
    readonly emu: Emulator,
    readonly method: string,
    readonly path: string,
    readonly params: Record<string, string>,
    readonly query: URLSearchParams,
    readonly headers: IncomingHttpHeaders,
    readonly rawBody: Buffer,
    /** null = anonymous (no key sent). */
    readonly session: Session | null,
  ) {}

  private contentType(): string {
    return String(this.headers["content-type"] ?? "");
  }

  /** JSON body (any content type falls back to JSON). Empty body = null, as the server passes. */
  json<T = any>(): T | null {
    if (this.rawBody.length === 0) return null;
    try {
      return JSON.parse(this.rawBody.toString("utf8")) as T;
    } catch {
      throw parseError();
    }
  }

  /** A JSON object body; null or a non-object is what makes the Java service fail with an NPE. */
  object<T = Record<string, any>>(): T {
    const v = this.json();
    if (v === null) throw new JavaException("NullPointerException");
    if (typeof v !== "object" || Array.isArray(v)) throw parseError();
    return v as T;
  }

  /** A JSON array body. */
  list<T = any>(): T[] {
    const v = this.json();
    if (v === null) throw new JavaException("NullPointerException");
    if (!Array.isArray(v)) throw parseError();
    return v as T[];
  }

  /** `String` body: raw with exactly `text/plain`, else a JSON string literal. */
  text(): string | null {
    if (this.contentType() === "text/plain") return this.rawBody.toString("utf8");
    const v = this.json();
    if (v !== null && typeof v !== "string") throw parseError();
    return v;
  }

  /** `byte[]` body: raw with exactly `application/octet-stream`, else a base64 JSON string. */
  bytes(): Buffer | null {
    if (this.contentType() === "application/octet-stream") return this.rawBody;
    const v = this.json();
    if (v === null) return null;
    if (typeof v !== "string") throw parseError();
    return Buffer.from(v, "base64");
  }

  /** A required primitive query parameter: a missing one makes the call fail with 500. */
  requiredQuery(name: string): string {
    const v = this.query.get(name);
    if (v === null) throw new ServerFault("UNKNOWN", `Error during parsing parameter "${name}"`);
    return v;
  }

  /**
   * The caller must be authenticated and hold `role` on `domainUid`, or — with a scope — for one
   * entry or org unit of it (roles delegated on the unit or an ancestor count). admin0 always passes.
   */
  requireRole(domainUid: string, role: string, scope: Scope = null): Session {
    if (!this.session || !this.emu.sessions.hasRole(this.session, domainUid, role, scope)) {
      throw denied(`${this.session ? this.session.login : "anonymous"} has no role ${role} on ${domainUid}`);
    }
    return this.session;
  }

  /** Any authenticated caller. */
  requireSession(): Session {
    if (!this.session) throw denied("anonymous access is not allowed");
    return this.session;
  }
}

/** A `String` result: JSON-encoded when the request has an Accept header, raw otherwise. */
export class StringResult {
  constructor(readonly value: string) {}
}

/** A `byte[]` result with `@Produces("image/png")`. */
export class PngResult {
  constructor(readonly png: Buffer) {}
}

/** A chunked `Stream` result: `pump` writes chunks and resolves when the stream ends. */
export class StreamResult {
  constructor(readonly pump: (write: (chunk: string) => void) => Promise<void>) {}
}
