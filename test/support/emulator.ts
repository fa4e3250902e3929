// Test support: an emulator started in-process on a random port, and a small raw HTTP helper
import { expect } from "vitest";
// that shows exactly what the server answered (status, headers, body).
import { startEmulator, type EmulatorOptions, type RunningEmulator } from "../../emulator/emulator";
import { defaultSeed } from "../../emulator/seed";
import { RELEASES } from "../../emulator/releases";

export const TEST_KEY = "test-admin0-key";

/**
 * The BlueMind releases the emulator can be (emulator/releases.ts): the version matrix of the
 * tests of version-dependent behaviour (`describe.each(EMULATED_VERSIONS)`).
 */
export const EMULATED_VERSIONS = RELEASES.map((r) => r.name);

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when empty). */
  json: any;
}

export interface CallOptions {
  /** A JS value sent as JSON, or a Buffer / string sent as is. */
  body?: unknown;
  /** The API key; defaults to the admin0 test key; null sends none (anonymous). */
  key?: string | null;
  headers?: Record<string, string>;
}

export type Api = (method: string, path: string, options?: CallOptions) => Promise<RawResponse>;

export interface TestEmulator extends RunningEmulator {
  api: Api;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const running = await startEmulator({ apiKey: TEST_KEY, adminPassword: "admin0-password", taskStepMs: 5, ...options });
  const api: Api = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    const key = o.key === undefined ? TEST_KEY : o.key;
    if (key !== null) headers["X-BM-ApiKey"] = key;
    let body: string | Buffer | undefined;
    if (o.body !== undefined) {
      if (typeof o.body === "string" || Buffer.isBuffer(o.body)) body = o.body as string | Buffer;
      else body = JSON.stringify(o.body);
      headers["Content-Type"] ??= "application/json";
    }
    const res = await fetch(running.url + path, { method, headers, body: Buffer.isBuffer(body) ? new Uint8Array(body) : body });
    const text = await res.text();
    let json: any;
    if (text !== "") {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return { ...running, api };
}

/** Polls a task until it ends; returns its final status. */
export async function waitTask(api: Api, taskId: string, timeoutMs = 5000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await api("GET", `/api/tasks/${encodeURIComponent(taskId)}`);
    if (r.status === 200 && (r.json.state === "Success" || r.json.state === "InError")) return r.json;
    if (Date.now() > deadline) throw new Error(`task ${taskId} did not end: ${r.text}`);
    await new Promise((res) => setTimeout(res, 5));
  }
}

/** A minimal valid mailshare body. */
export function mailshareBody(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    routing: "internal",
    emails: [{ address: `${name}@acme.test`, isDefault: true, allAliases: false }],
    ...extra,
  };
}

/** The default seed where bob is a delegated administrator (domainManager) without the mailshare roles. */
export function seedWithDelegatedBob() {
  const s = defaultSeed();
  const bob = s.domains!.find((d) => d.name === "acme.test")!.users!.find((u) => u.login === "bob")!;
  bob.roles = ["domainManager"];
  return s;
}

/** Logs a user in over the API (POST /api/auth/login) and returns the session key. */
export async function loginKey(emu: TestEmulator, login: string, password: string): Promise<string> {
  const r = await emu.api("POST", `/api/auth/login?login=${encodeURIComponent(login)}&origin=test`, {
    body: JSON.stringify(password), key: null,
  });
  if (r.status !== 200 || r.json?.status !== "Ok") throw new Error(`login of ${login} refused: ${r.text}`);
  return r.json.authKey;
}

/** Asserts a BlueMind fault: the HTTP status, the errorCode and, when given, the message. */
export function expectFault(r: { status: number; json: any }, status: number, errorCode: string, message?: string): void {
  expect(r.status).toBe(status);
  expect(r.json.errorCode).toBe(errorCode);
  if (message !== undefined) expect(r.json.message).toBe(message);
}

/** Creates mailshare `name` of acme.test under its deterministic uid with a raw API call; returns the uid. */
export async function createRawMailshare(emu: TestEmulator, name: string, uid: string): Promise<string> {
  expect((await emu.api("PUT", `/api/mailshares/acme.test/${uid}`, { body: mailshareBody(name) })).status).toBe(200);
  return uid;
}
