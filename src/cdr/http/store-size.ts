/**
 * The store's size on disk, and how Elasticsearch writes a byte size: `_cat`
 * columns read `88.1kb` (one decimal, none when whole), or a whole number in
 * the unit `?bytes=` names.
 */
import { stat } from 'node:fs/promises';
import { CdrQueryError } from '../store.js';

/** Bytes of the SQLite file and its write-ahead log; 0 for a store in memory (no file). */
export async function storeBytes(file: string | undefined): Promise<number> {
  if (file === undefined) return 0;
  const sizes = await Promise.all([file, `${file}-wal`].map(async (path) => (await stat(path).catch(() => undefined))?.size ?? 0));
  return sizes.reduce((sum, size) => sum + size, 0);
}

const UNITS = ['b', 'kb', 'mb', 'gb', 'tb', 'pb'] as const;
const UNIT_NAMES: Readonly<Record<string, number>> = { b: 0, kb: 1, k: 1, mb: 2, m: 2, gb: 3, g: 3, tb: 4, t: 4, pb: 5, p: 5 };

/** A byte size as `_cat` prints it: in the largest unit it reaches, or in `unit` (`?bytes=`) as a whole number. */
export function catBytes(bytes: number, unit: string | undefined): string {
  if (unit !== undefined) {
    const power = UNIT_NAMES[unit];
    if (power === undefined) throw new CdrQueryError('illegal_argument_exception', `failed to parse setting [bytes] with value [${unit}]: unit is missing or unrecognized`);
    return String(Math.floor(bytes / 1024 ** power));
  }
  let power = 0;
  while (power < UNITS.length - 1 && bytes >= 1024 ** (power + 1)) power++;
  const value = Math.round((bytes / 1024 ** power) * 10) / 10;
  return `${value}${UNITS[power]}`;
}
