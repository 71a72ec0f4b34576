/**
 * Loads a file of CDRs into a store: NDJSON (one per line) or JSON (one
 * object or an array). Each entry is a CDR document, an Elasticsearch hit
 * (`{_id, _source}`) or a FreeSWITCH mod_json_cdr body. Bad entries are
 * reported with their line (or array element) and the good ones are kept.
 */
import { createReadStream, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { cdrFromFreeswitch, freeswitchCdrId, isFreeswitchCdr } from './document/freeswitch.js';
import type { SqliteCdrStore } from './sqlite/store.js';
import type { ClientWrite } from './store.js';

export interface ImportError {
  /** 1-based line of an NDJSON file. */
  line?: number;
  /** 1-based element of a JSON array. */
  element?: number;
  reason: string;
}

export interface ImportResult {
  imported: number;
  failed: number;
  errors: ImportError[];
}

export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  imported: number;
  failed: number;
}

export interface ImportOptions {
  /** Zone of FreeSWITCH's local-time stamps. Default UTC. */
  timeZone?: string;
}

/**
 * Documents per transaction, and the page cache that holds what one changes. A commit writes every index page the
 * transaction changed, and in a large store a few thousand documents already change most pages of the number
 * indexes: larger batches share that cost. SQLite alone at 900,000 stored CDRs (16 KiB pages), µs of CPU per
 * document: 47 at 5,000 per transaction, 33–45 at 20,000 in 256 MiB, 24–29 at 50,000 in 512 MiB.
 */
const BATCH_SIZE = 50_000;
export const IMPORT_CACHE_MIB = 512;

type Located = { line: number } | { element: number };

/** Turns one parsed entry into a write, or explains why it cannot be one. */
function toClientWrite(entry: unknown, timeZone: string): ClientWrite | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'expected a JSON object';
  const object = entry as Record<string, unknown>;
  if (isFreeswitchCdr(object)) {
    try {
      return { id: freeswitchCdrId(object), document: cdrFromFreeswitch(object, timeZone), mode: 'index' };
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
  if (typeof object._source === 'object' && object._source !== null && !Array.isArray(object._source)) {
    const id = object._id === undefined ? undefined : String(object._id);
    return { id, document: object._source as Record<string, unknown>, mode: 'index' };
  }
  return { document: object, mode: 'index' };
}

export async function importCdrFile(
  store: SqliteCdrStore,
  path: string,
  onProgress?: (progress: ImportProgress) => void,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const timeZone = options.timeZone ?? 'UTC';
  const totalBytes = statSync(path).size;
  const result: ImportResult = { imported: 0, failed: 0, errors: [] };
  let batch: { item: ClientWrite; where: Located }[] = [];
  let bytesRead = 0;

  const fail = (where: Located, reason: string) => {
    result.failed++;
    result.errors.push({ ...where, reason });
  };
  const flush = async () => {
    if (batch.length === 0) return;
    const pending = batch;
    batch = [];
    const outcomes = await store.write(pending.map((entry) => entry.item));
    outcomes.forEach((outcome, index) => {
      if (outcome.ok) result.imported++;
      else fail(pending[index].where, `${outcome.type}: ${outcome.reason}`);
    });
    onProgress?.({ bytesRead, totalBytes, imported: result.imported, failed: result.failed });
  };
  const add = async (entry: unknown, where: Located) => {
    const item = toClientWrite(entry, timeZone);
    if (typeof item === 'string') fail(where, item);
    else batch.push({ item, where });
    if (batch.length >= BATCH_SIZE) await flush();
  };

  if (await looksLikeJsonDocument(path)) {
    const text = await readFile(path, 'utf8');
    bytesRead = totalBytes;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      fail({ line: 1 }, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
      return result;
    }
    const entries = Array.isArray(parsed) ? parsed : [parsed];
    for (const [index, entry] of entries.entries()) await add(entry, Array.isArray(parsed) ? { element: index + 1 } : { line: 1 });
  } else {
    const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      bytesRead += Buffer.byteLength(line, 'utf8') + 1;
      if (line.trim() === '') continue;
      let entry: unknown;
      try {
        entry = JSON.parse(line);
      } catch (error) {
        fail({ line: lineNumber }, `invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      await add(entry, { line: lineNumber });
    }
  }
  await flush();
  store.refreshStatistics();
  onProgress?.({ bytesRead: totalBytes, totalBytes, imported: result.imported, failed: result.failed });
  return result;
}

/**
 * A `.json` file holds one JSON value (possibly pretty-printed over many
 * lines); anything else is read as NDJSON. A `.json` file that is really
 * NDJSON (one object per line) is recognised by its second line starting a new object.
 */
async function looksLikeJsonDocument(path: string): Promise<boolean> {
  if (!path.toLowerCase().endsWith('.json')) return false;
  const head = (await readFile(path, 'utf8')).trimStart();
  if (head.startsWith('[')) return true;
  const lines = head.split('\n').filter((line) => line.trim() !== '');
  return !(lines.length > 1 && lines.every((line) => line.trim().startsWith('{') && line.trim().endsWith('}')));
}
