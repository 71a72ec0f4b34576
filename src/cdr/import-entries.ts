/**
 * The entries of a file of CDRs, in order: NDJSON (one per line) or JSON (one
 * object or an array). Each entry is a CDR document, an Elasticsearch hit
 * (`{_id, _source}`) or a FreeSWITCH mod_json_cdr body; one that is none of
 * these comes with why, and where it is in the file.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { cdrFromFreeswitch, freeswitchCdrId, isFreeswitchCdr } from './document/freeswitch.js';
import type { CdrDocument } from './store.js';

/** 1-based line of an NDJSON file, or element of a JSON array. */
export type Located = { line: number } | { element: number };

/** A document to index (replacing one of its id, if any). */
export interface ImportedDocument {
  id: string | undefined;
  document: CdrDocument;
}

export type ImportEntry = { where: Located; item: ImportedDocument } | { where: Located; reason: string };

/** An entry, and how far into the file (bytes) reading it took. */
export interface ReadEntry {
  entry: ImportEntry;
  bytesRead: number;
}

/** Turns one parsed entry into a write, or explains why it cannot be one. */
function toImportedDocument(entry: unknown, timeZone: string): ImportedDocument | string {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return 'expected a JSON object';
  const object = entry as Record<string, unknown>;
  if (isFreeswitchCdr(object)) {
    try {
      return { id: freeswitchCdrId(object), document: cdrFromFreeswitch(object, timeZone) };
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }
  if (typeof object._source === 'object' && object._source !== null && !Array.isArray(object._source)) {
    const id = object._id === undefined ? undefined : String(object._id);
    return { id, document: object._source as Record<string, unknown> };
  }
  return { id: undefined, document: object };
}

function entryOf(parsed: unknown, where: Located, timeZone: string): ImportEntry {
  const item = toImportedDocument(parsed, timeZone);
  return typeof item === 'string' ? { where, reason: item } : { where, item };
}

function invalidJson(error: unknown): string {
  return `invalid JSON: ${error instanceof Error ? error.message : String(error)}`;
}

export async function* readImportEntries(path: string, totalBytes: number, timeZone: string): AsyncGenerator<ReadEntry> {
  if (await looksLikeJsonDocument(path)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      yield { entry: { where: { line: 1 }, reason: invalidJson(error) }, bytesRead: totalBytes };
      return;
    }
    const entries = Array.isArray(parsed) ? parsed : [parsed];
    for (const [index, entry] of entries.entries()) yield { entry: entryOf(entry, Array.isArray(parsed) ? { element: index + 1 } : { line: 1 }, timeZone), bytesRead: totalBytes };
    return;
  }
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNumber = 0;
  let bytesRead = 0;
  for await (const line of lines) {
    lineNumber++;
    bytesRead += Buffer.byteLength(line, 'utf8') + 1;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      yield { entry: { where: { line: lineNumber }, reason: invalidJson(error) }, bytesRead };
      continue;
    }
    yield { entry: entryOf(parsed, { line: lineNumber }, timeZone), bytesRead };
  }
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
