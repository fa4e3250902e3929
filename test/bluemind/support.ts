// Shared test support for the BlueMind client: an in-process emulator whose access log is
// captured, a client factory with fast retries, and the contract check that every request the
// client sent matches a row of bluemind/endpoints.tsv (method, path pattern, query names).
import * as fs from "node:fs";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { startTestEmulator, TEST_KEY, type TestEmulator } from "../support/emulator";
import type { EmulatorOptions } from "../../emulator/emulator";
import { BlueMindClient, type BlueMindClientOptions } from "../../bluemind";

export { TEST_KEY };

export const TSV_PATH = path.resolve(__dirname, "..", "..", "bluemind", "endpoints.tsv");
/** The endpoints only 4.x has, or has with another body (docs/bluemind-versions.md). */
export const TSV_4_PATH = path.resolve(__dirname, "..", "..", "bluemind", "endpoints-4.tsv");

export interface TsvRow {
  service: string;
  javaMethod: string;
  httpMethod: string;
  path: string;
  query: string[];
}

/** The rows of a table: 5.x's by default, `TSV_4_PATH` for the 4.x-only ones. */
export function readTsv(file = TSV_PATH): TsvRow[] {
  return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim() !== "").map((line) => {
    const cols = line.split("\t");
    if (cols.length !== 7) throw new Error(`endpoints.tsv: expected 7 columns: ${line}`);
    return { service: cols[0], javaMethod: cols[1], httpMethod: cols[2], path: cols[3], query: cols[4] === "-" ? [] : cols[4].split(",") };
  });
}

function patternOf(template: string): RegExp {
  const escaped = template.split("/").map((seg) => (/^\{.+\}$/.test(seg) ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  return new RegExp(`^${escaped.join("/")}$`);
}

/** The access-log lines whose request matches no TSV row (method + path pattern + query names). */
export function requestsOutsideContract(lines: string[]): string[] {
  const rows = [...readTsv(), ...readTsv(TSV_4_PATH)].map((r) => ({ ...r, re: patternOf(r.path) }));
  return lines.filter((line) => {
    const [, method, target] = line.split(" ");
    const url = new URL(target, "http://x");
    const names = [...url.searchParams.keys()];
    return !rows.some((r) => r.httpMethod === method && r.re.test(url.pathname) && names.every((n) => r.query.includes(n)));
  });
}

export interface ClientEmulator {
  emu: TestEmulator;
  /** Every access-log line so far. */
  requests: string[];
  /** Calls `fn` with each access-log line (when the response is finished) until unsubscribed. */
  onRequest(fn: (line: string) => void): () => void;
  client(extra?: Partial<BlueMindClientOptions>): BlueMindClient;
  close(): Promise<void>;
}

/** Fast retries for tests: the delays are what the retry tests measure, not what they wait for. */
export const FAST_RETRY = { baseDelayMs: 2, maxDelayMs: 20 };

/** Generous limits, so that tests are not held back by the limiter's slow start. */
export const TEST_LIMITS = { maxConcurrent: 8, requestsPerSecond: 1000 };

export async function startClientEmulator(options: EmulatorOptions = {}): Promise<ClientEmulator> {
  const emu = await startTestEmulator(options);
  const requests: string[] = [];
  const listeners = new Set<(line: string) => void>();
  emu.emulator.setAccessLog((line) => {
    requests.push(line);
    for (const fn of listeners) fn(line);
  });
  return {
    emu,
    requests,
    onRequest: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    client: (extra = {}) =>
      new BlueMindClient({ url: emu.url, apiKey: TEST_KEY, retry: FAST_RETRY, limits: TEST_LIMITS, ...extra } as BlueMindClientOptions),
    close: () => emu.close(),
  };
}

/** A mailshare body the emulator accepts. */
export function mailshare(name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    routing: "internal" as const,
    emails: [{ address: `${name}@acme.test`, isDefault: true, allAliases: false }],
    ...extra,
  };
}

let counter = 0;
/** A fresh uid (uids are client-chosen). */
export function uid(prefix = "ms"): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** A small RGBA PNG of one colour (distinct from BlueMind's blank 1×1 PNG). */
export function makePng(width: number, height: number, rgba: [number, number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const row = Buffer.concat([Buffer.from([0]), ...Array.from({ length: width }, () => Buffer.from(rgba))]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(pixels)), chunk("IEND", Buffer.alloc(0))]);
}
