// Reading desired-state files defensively: only regular files, at most `MAX_FILE_BYTES` (checked with
// fstat before reading, and never more than the limit + 1 bytes read, for files whose size the system
// does not know), and only UTF-8 text. Each refusal says what the path is instead ("a character
// device", "a symbolic link loop", "not a text file") and never echoes the content.
import * as fs from "node:fs";

/**
 * The largest desired-state file read: some 2000 mailshares with addresses, sharing, a filter and an
 * identity each (a folder of files holds more). Parsing YAML with positions costs time and memory per
 * byte; at this size the worst file still loads in a few seconds and well under 256 MB.
 */
export const MAX_FILE_BYTES = 1024 * 1024;
/** The organisation's policy file (policy/load.ts), which may sit beside the mailshare files: never read as one. */
export const POLICY_FILE_NAME = "bmshare.policy.yaml";
export const MAX_FILE_TEXT = "1 MiB";

export type ReadResult = { text: string } | { error: string; line?: number };

/** What a path that is not a regular file is, in words. */
export function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isFIFO()) return "a named pipe (FIFO)";
  if (stat.isSocket()) return "a socket";
  if (stat.isSymbolicLink()) return "a symbolic link";
  return "not a regular file";
}

/** Why a path cannot be opened or inspected, from the system's error code. */
export function describeFsError(err: unknown, what = "file or folder"): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "ENOENT": return `no such ${what}`;
    case "ELOOP": return "a symbolic link loop: the link leads back to itself";
    case "EACCES":
    case "EPERM": return "permission denied";
    case "ENOTDIR": return `no such ${what} (a part of the path is not a folder)`;
    case "ENAMETOOLONG": return "the path is too long";
    case "EISDIR": return "a folder, not a file";
    default: return `cannot read it: ${(err as Error)?.message ?? String(err)}`;
  }
}

const tooLarge = (size: string) =>
  `the file is ${size}, more than ${MAX_FILE_TEXT}, the limit of a desired-state file: split it into several files (a folder of files works with -f)`;

/** Reads one desired-state file, or says why not. */
export function readDesiredFile(file: string): ReadResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a named pipe without a writer must not hang; regular files ignore it.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return { error: describeFsError(err, "file") };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { error: `expected a YAML file, found ${kindOf(stat)}: not a regular file` };
    if (stat.size > MAX_FILE_BYTES) return { error: tooLarge(`${(stat.size / 1024 / 1024).toFixed(1)} MiB`) };
    const buffer = Buffer.alloc(MAX_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > MAX_FILE_BYTES) return { error: tooLarge(`larger than ${MAX_FILE_TEXT}`) };
    return decodeText(buffer.subarray(0, length));
  } catch (err) {
    return { error: describeFsError(err, "file") };
  } finally {
    fs.closeSync(fd);
  }
}

const lineAt = (bytes: Uint8Array, offset: number) => {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
};

/** Offset of the first byte that is not part of a well-formed UTF-8 sequence; -1 when all are. */
export function invalidUtf8At(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) { i++; continue; }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) { need = 1; min = 0x80; }
    else if (b >= 0xe0 && b <= 0xef) { need = 2; min = 0x800; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; min = 0x10000; }
    else return i;
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Bytes → text, refusing binary content (NUL bytes, UTF-16, invalid UTF-8) without echoing it. */
export function decodeText(bytes: Uint8Array): ReadResult {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { error: "not a text file this tool reads: it is UTF-16; save it as UTF-8", line: 1 };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const line = lineAt(bytes, nul);
    return { error: `not a text file: it contains a NUL byte (line ${line}); a desired-state file is UTF-8 text`, line };
  }
  const bad = invalidUtf8At(bytes);
  if (bad >= 0) {
    const line = lineAt(bytes, bad);
    return { error: `not a text file: it is not valid UTF-8 (line ${line}); save it as UTF-8`, line };
  }
  return { text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8") };
}

/** The same rules for a text given directly (checkSources): size in UTF-8 bytes, no NUL character. */
export function checkText(text: string): { error: string; line?: number } | undefined {
  if (text.length > MAX_FILE_BYTES || Buffer.byteLength(text, "utf8") > MAX_FILE_BYTES) return { error: tooLarge(`larger than ${MAX_FILE_TEXT}`) };
  const nul = text.indexOf("\u0000");
  if (nul >= 0) {
    const line = text.slice(0, nul).split("\n").length;
    return { error: `not a text file: it contains a NUL character (line ${line}); a desired-state file is UTF-8 text`, line };
  }
  return undefined;
}
