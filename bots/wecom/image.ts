// A screenshot → WeCom `image` message: the base64 of a JPG or PNG of at most 2 MB and the hex md5
// of its bytes (the reference, §4.1). A larger PNG or JPG is scaled down and re-encoded as JPEG
// (jpeg-js and pngjs are pure JavaScript); what cannot be made to fit is shown by link instead.
import { createHash } from 'node:crypto';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;

export interface WeComImage {
  base64: string;
  md5: string;
}

const isPng = (b: Buffer) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex'));
const isJpeg = (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

function decode(b: Buffer): { width: number; height: number; data: Buffer } | undefined {
  try {
    if (isPng(b)) return PNG.sync.read(b);
    // maxMemoryUsageInMB bounds what a hostile header can make the decoder allocate.
    if (isJpeg(b)) return jpeg.decode(b, { useTArray: false, maxMemoryUsageInMB: 512, formatAsRGBA: true }) as { width: number; height: number; data: Buffer };
  } catch {
    /* not decodable: the caller links it */
  }
  return undefined;
}

// Averages each box of source pixels into one (a box filter): enough for a screenshot preview.
function scale(src: { width: number; height: number; data: Buffer }, f: number) {
  const width = Math.max(1, Math.floor(src.width * f));
  const height = Math.max(1, Math.floor(src.height * f));
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y / f);
    const y1 = Math.min(src.height, Math.max(y0 + 1, Math.floor((y + 1) / f)));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x / f);
      const x1 = Math.min(src.width, Math.max(x0 + 1, Math.floor((x + 1) / f)));
      const sum = [0, 0, 0, 0];
      for (let sy = y0; sy < y1; sy++)
        for (let sx = x0; sx < x1; sx++) for (let c = 0; c < 4; c++) sum[c]! += src.data[(sy * src.width + sx) * 4 + c]!;
      const n = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < 4; c++) data[(y * width + x) * 4 + c] = Math.round(sum[c]! / n);
    }
  }
  return { width, height, data };
}

/** The image as WeCom takes it, scaled down when needed; undefined when it cannot be made to fit. */
export function weComImage(bytes: Buffer, max = MAX_IMAGE_BYTES): WeComImage | undefined {
  let out: Buffer | undefined = bytes.length <= max && (isPng(bytes) || isJpeg(bytes)) ? bytes : undefined;
  if (!out) {
    const img = decode(bytes);
    if (!img) return undefined;
    // JPEG at quality 80 first at full size, then smaller, until it fits.
    for (let f = 1; f >= 0.05 && !out; f *= 0.7) {
      const enc = jpeg.encode(f === 1 ? img : scale(img, f), 80).data;
      if (enc.length <= max) out = Buffer.from(enc);
    }
    if (!out) return undefined;
  }
  return { base64: out.toString('base64'), md5: createHash('md5').update(out).digest('hex') };
}
