// Just enough image handling for the photo endpoints: recognise the formats Java's ImageIO reads,
// re-encode PNGs (BlueMind re-encodes every photo, so stored bytes differ from the upload), and a
// built-in blank PNG for entries without a photo.
import * as zlib from "node:zlib";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export type ImageFormat = "png" | "jpeg" | "gif" | "bmp";

export function imageFormat(bytes: Buffer): ImageFormat | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 6 && /^GIF8[79]a$/.test(bytes.subarray(0, 6).toString("latin1"))) return "gif";
  if (bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) return "bmp";
  return undefined;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typeAndData));
  return Buffer.concat([len, typeAndData, crc]);
}

/**
 * Re-encodes a PNG: keeps IHDR/PLTE/tRNS, recompresses the image data at another level and drops
 * ancillary chunks, as ImageIO's writer would. Returns undefined when the PNG is malformed.
 */
export function reencodePng(png: Buffer): Buffer | undefined {
  try {
    const kept: Buffer[] = [];
    const idat: Buffer[] = [];
    let offset = 8;
    while (offset + 12 <= png.length) {
      const length = png.readUInt32BE(offset);
      const type = png.subarray(offset + 4, offset + 8).toString("latin1");
      const data = png.subarray(offset + 8, offset + 8 + length);
      if (data.length !== length) return undefined;
      if (type === "IDAT") idat.push(data);
      else if (type === "IHDR" || type === "PLTE" || type === "tRNS") kept.push(chunk(type, data));
      offset += 12 + length;
      if (type === "IEND") break;
    }
    if (kept.length === 0 || idat.length === 0) return undefined;
    const pixels = zlib.inflateSync(Buffer.concat(idat));
    return Buffer.concat([PNG_SIGNATURE, ...kept, chunk("IDAT", zlib.deflateSync(pixels, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
  } catch {
    return undefined;
  }
}

/** A 1×1 transparent PNG: what BlueMind serves for an entry without a photo. */
export const BLANK_PNG: Buffer = (() => {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const pixels = Buffer.from([0, 0, 0, 0, 0]); // filter byte + one transparent pixel
  return Buffer.concat([PNG_SIGNATURE, chunk("IHDR", ihdr), chunk("IDAT", zlib.deflateSync(pixels)), chunk("IEND", Buffer.alloc(0))]);
})();
