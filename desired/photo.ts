// Photo files of the contact card: must exist, be a PNG, JPEG or GIF, and stay under BlueMind's
// limit (the photo endpoint refuses 1 MiB and more with ENTITY_TOO_LARGE). The canonical form keeps
// the absolute path and the content's SHA-256, so replacing the picture is a change of desired state.
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";

/** BlueMind refuses photos of 1 MiB or more. */
export const MAX_PHOTO_BYTES = 1024 * 1024 - 1;

export type PhotoFormat = "png" | "jpeg" | "gif";

export function photoFormat(bytes: Buffer): PhotoFormat | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString("latin1"))) return "gif";
  return undefined;
}

export type PhotoResult = { path: string; sha256: string; format: PhotoFormat } | { error: string };

/** Reads and checks a photo; `relative` is resolved against the directory of the YAML file. */
export function inspectPhoto(relative: string, baseDir: string, expectedSha256?: string): PhotoResult {
  const absolute = path.resolve(baseDir, relative);
  let bytes: Buffer;
  try {
    const stat = fs.statSync(absolute);
    if (!stat.isFile()) return { error: `expected an image file, found a folder at ${absolute}` };
    if (stat.size > MAX_PHOTO_BYTES) {
      return { error: `expected an image smaller than 1 MiB (BlueMind refuses larger photos), found ${stat.size} bytes in ${absolute}` };
    }
    bytes = fs.readFileSync(absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === "ENOENT" ? `photo file not found: ${absolute}` : `cannot read the photo ${absolute}: ${(err as Error).message}` };
  }
  const format = photoFormat(bytes);
  if (!format) return { error: `expected a PNG, JPEG or GIF image, found another kind of file: ${absolute}` };
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  if (expectedSha256 !== undefined && expectedSha256 !== sha256) {
    return { error: `expected a file with SHA-256 ${expectedSha256} (pinned), found ${sha256}: ${absolute}` };
  }
  return { path: absolute, sha256, format };
}
