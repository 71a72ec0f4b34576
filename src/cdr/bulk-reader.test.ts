import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BulkBodyReader } from './bulk-reader.js';
import type { BulkAction } from './bulk.js';

const ndjson = (lines: unknown[]) => `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;
const BODY = ndjson([
  { index: { _id: 'a' } },
  { 'User ID': '101', note: 'é ✓ 𝄞 — Київ' },
  { delete: { _id: 'b' } },
  { update: { _id: 'a' } },
  { doc: { 'Caller ID': '☎ 380' } },
  { create: {} },
  { 'User ID': '102' },
]);

type Outcome = { actions: BulkAction[] } | { error: { type: string; reason: string } };

function outcome(read: (reader: BulkBodyReader) => void, maxActions = Infinity): Outcome {
  const reader = new BulkBodyReader('cdr', maxActions);
  read(reader);
  try {
    return { actions: reader.end() };
  } catch (error) {
    const { type, reason } = error as { type: string; reason: string };
    return { error: { type, reason } };
  }
}

/** The body's bytes cut at the given offsets. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const edges = [0, ...offsets, bytes.length];
  return edges.slice(1).map((end, index) => bytes.subarray(edges[index], end));
}

function inChunks(bytes: Uint8Array, offsets: number[], maxActions?: number): Outcome {
  return outcome((reader) => {
    for (const chunk of cut(bytes, offsets)) reader.push(chunk);
  }, maxActions);
}

describe('_bulk body reader', () => {
  it('reads a body cut anywhere, inside lines and inside characters, as the whole body', () => {
    const bytes = new TextEncoder().encode(BODY);
    const whole = outcome((reader) => reader.pushText(BODY));
    assert.ok('actions' in whole && whole.actions.length === 4);
    assert.deepEqual(whole.actions[0], { action: 'index', item: { id: 'a', document: { 'User ID': '101', note: 'é ✓ 𝄞 — Київ' }, mode: 'index' } });
    for (let offset = 1; offset < bytes.length; offset++) assert.deepEqual(inChunks(bytes, [offset]), whole, `cut at byte ${offset}`);
    // One byte at a time: every multi-byte character arrives in pieces.
    assert.deepEqual(inChunks(bytes, Array.from({ length: bytes.length - 1 }, (_, index) => index + 1)), whole);
  });

  it('gives the whole body’s refusal, with its line number, however the body is cut', () => {
    const bodies = [
      `${BODY}{"index":{}\n{"broken":1}\n`,
      `{"index":{}}\n{"ok":1}\n\n{"index":{},"create":{}}\n{}\n`,
      `{"index":{}}\n\n \n`,
      `{"update":{"_id":"x"}}\n{"script":"ctx"}\n`,
      `\n\n`,
    ];
    for (const body of bodies) {
      const bytes = new TextEncoder().encode(body);
      const whole = outcome((reader) => reader.pushText(body));
      assert.ok('error' in whole, body);
      for (let offset = 1; offset < bytes.length; offset += 3) assert.deepEqual(inChunks(bytes, [offset, Math.min(offset + 5, bytes.length - 1)]), whole, `${body} cut at ${offset}`);
    }
  });

  it('past the action limit, counts the actions to the end of the body without reading them', () => {
    const body = `${ndjson(Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? { index: {} } : { n: index })))}{not json, never read}\n{}\n`;
    const refused = inChunks(new TextEncoder().encode(body), [7, 40, 41, 90], 3);
    assert.ok('error' in refused);
    assert.equal(refused.error.type, 'illegal_argument_exception');
    assert.match(refused.error.reason, /holds \[6\] actions, more than the allowed maximum of \[3\]/);
  });

  it('keeps what the bytes say: a byte order mark is dropped, a broken character becomes U+FFFD', () => {
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('{"index":{}}\n{"v":"'), 0xe2, 0x82, ...new TextEncoder().encode('"}\n')]);
    const read = inChunks(body, [2, 22]);
    assert.ok('actions' in read);
    assert.deepEqual(read.actions[0], { action: 'index', item: { id: undefined, document: { v: '\uFFFD' }, mode: 'index' } });
  });

  it('fails a document line that is not a JSON object in its own item, as Elasticsearch parses documents only when it indexes them', () => {
    const body = `{"index":{"_id":"bad"}}\n{"broken":\n{"create":{"_id":"list"}}\n[1]\n{"index":{"_id":"good"}}\n{"n":1}\n{"index":{}}\nnot json\n`;
    const read = inChunks(new TextEncoder().encode(body), [10, 30]);
    assert.ok('actions' in read);
    const [bad, list, good, generated] = read.actions as Array<{ action: string; unparsable?: { id: string; reason: string }; item?: unknown }>;
    assert.equal(bad.unparsable?.id, 'bad');
    assert.match(bad.unparsable?.reason ?? '', /^failed to parse: line \[2\]: /);
    assert.deepEqual(list, { action: 'create', unparsable: { id: 'list', reason: 'failed to parse: line [4]: the document must be a JSON object' } });
    assert.deepEqual(good, { action: 'index', item: { id: 'good', document: { n: 1 }, mode: 'index' } });
    assert.match(generated.unparsable?.id ?? '', /^[0-9a-f-]{36}$/);
  });
});
