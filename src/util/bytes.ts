import bytes from 'bytes';

/** "1mb", "512kb", 2048 → bytes; undefined when it is not a size. */
export function parseBytes(v: number | string): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : undefined;
  const n = bytes.parse(v);
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined;
}
