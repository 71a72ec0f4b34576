import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEFAULT_CDR_LIMITS } from '../limits.js';
import { SqliteCdrWorkers } from '../sqlite/cdr-workers.js';
import { cdrHttpPlugin } from './plugin.js';

const BODY_LIMIT = 64 * 1024;
const directory = mkdtempSync(join(tmpdir(), 'callrouter-bulk-route-'));
let app: FastifyInstance;
let store: SqliteCdrWorkers;
let port: number;

before(async () => {
  store = new SqliteCdrWorkers({ path: join(directory, 'cdr.sqlite'), limits: { ...DEFAULT_CDR_LIMITS, maxBulkActions: 100 } });
  app = Fastify({ bodyLimit: BODY_LIMIT });
  await app.register(cdrHttpPlugin, { store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as { port: number }).port;
});
after(async () => {
  await app.close();
  await store.close();
  rmSync(directory, { recursive: true, force: true });
});

const ndjson = (lines: unknown[]) => `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;

interface Answer {
  status: number;
  body: { errors?: boolean; items?: Record<string, { _id: string; status: number }>[]; error?: { type: string; reason: string } };
}

/** A `_bulk` request whose body the caller writes (chunk by chunk if it likes). */
function bulkRequest(headers: Record<string, string> = {}): { request: ClientRequest; answer: Promise<Answer> } {
  let request!: ClientRequest;
  const answer = new Promise<Answer>((resolve, reject) => {
    request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/cdr/_bulk', headers: { 'content-type': 'application/x-ndjson', ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
    });
    request.on('error', reject);
  });
  return { request, answer };
}

/** Writes the body in the given pieces, each its own TCP write, with a pause between them. */
async function writeInPieces(request: ClientRequest, body: Uint8Array, offsets: number[]): Promise<void> {
  const edges = [0, ...offsets, body.length];
  for (let index = 1; index < edges.length; index++) {
    request.write(body.subarray(edges[index - 1], edges[index]));
    await sleep(5);
  }
}

async function waitFor(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; !(await condition()); tries++) {
    assert.ok(tries < 400, what);
    await sleep(25);
  }
}

async function stored(id: string): Promise<unknown> {
  return (await store.search({ query: { ids: { values: [id] } } })).hits.hits[0]?._source;
}

describe('_bulk bodies streamed to the CDR thread', () => {
  it('writes a body that arrives in many pieces, cut inside lines and inside multi-byte characters', async () => {
    const body = new TextEncoder().encode(
      ndjson([{ index: { _id: 'piece-1' } }, { 'User ID': '101', note: 'Київ ✓ 𝄞' }, { create: { _id: 'piece-2' } }, { 'Caller ID': '☎☎☎', 'User ID': '102' }]),
    );
    // Cut every few bytes (inside JSON lines and across the newlines) and inside the characters of the note.
    const noteAt = body.indexOf(0xf0); // the first byte of 𝄞 (4 bytes in UTF-8)
    const offsets = [...new Set([3, 11, 17, 29, noteAt + 1, noteAt + 2, noteAt + 3, ...Array.from({ length: 12 }, (_, index) => 50 + index * 7)])]
      .filter((offset) => offset > 0 && offset < body.length)
      .sort((a, b) => a - b);
    const { request, answer } = bulkRequest();
    await writeInPieces(request, body, offsets);
    request.end();
    const { status, body: response } = await answer;
    assert.equal(status, 200);
    assert.equal(response.errors, false);
    assert.deepEqual(response.items!.map((item) => Object.values(item)[0]._id), ['piece-1', 'piece-2']);
    assert.deepEqual(await stored('piece-1'), { 'User ID': '101', note: 'Київ ✓ 𝄞' });
    assert.deepEqual(await stored('piece-2'), { 'Caller ID': '☎☎☎', 'User ID': '102' });
    assert.equal(await store.openUploads(), 0);
  });

  it('writes a gzip body', async () => {
    const { request, answer } = bulkRequest({ 'content-encoding': 'gzip' });
    request.end(gzipSync(ndjson([{ index: { _id: 'zipped' } }, { 'User ID': '103' }])));
    const { status, body } = await answer;
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(await stored('zipped'), { 'User ID': '103' });
  });

  it('refuses a body past the body limit, told or not by its Content-Length, and writes none of it', async () => {
    const lines = Array.from({ length: 80 }, (_, index) => [{ index: { _id: `big-${index}` } }, { 'User ID': '104', note: 'x'.repeat(1_000) }]).flat();
    const body = Buffer.from(ndjson(lines));
    assert.ok(body.length > BODY_LIMIT);
    for (const told of [true, false]) {
      const { request, answer } = bulkRequest(told ? { 'content-length': String(body.length) } : {});
      request.on('error', () => undefined); // the server may close before the rest is written
      await writeInPieces(request, body, [10_000, 30_000, 60_000]);
      request.end();
      const { status, body: response } = await answer;
      assert.equal(status, 413);
      assert.deepEqual([response.error!.type, response.error!.reason], ['content_too_long_exception', 'Request body is too large']);
    }
    assert.equal(await stored('big-0'), undefined);
    await waitFor(async () => (await store.openUploads()) === 0, 'the refused bodies are dropped on the CDR thread');
  });

  for (const encoding of ['identity', 'gzip']) {
    it(`drops an upload whose client goes away mid-body (${encoding})`, async () => {
      const whole = Buffer.from(ndjson([{ index: { _id: `aborted-${encoding}` } }, { 'User ID': '105', note: 'y'.repeat(20_000) }]));
      const body = encoding === 'gzip' ? gzipSync(whole) : whole;
      const { request, answer } = bulkRequest({ 'content-encoding': encoding, 'content-length': String(body.length) });
      answer.catch(() => undefined);
      request.on('error', () => undefined);
      request.write(body.subarray(0, Math.floor(body.length / 2)));
      await waitFor(async () => (await store.openUploads()) === 1, 'the upload is open on the CDR thread while its body arrives');
      request.destroy();
      await waitFor(async () => (await store.openUploads()) === 0, 'the upload is dropped once its client has gone');
      assert.equal(await stored(`aborted-${encoding}`), undefined);
    });
  }

  it('refuses a body whose malformed line comes after documents already read, and writes none of them', async () => {
    const { request, answer } = bulkRequest();
    const head = ndjson([{ index: { _id: 'before-refusal' } }, { 'User ID': '106' }]);
    request.write(head);
    await sleep(50);
    request.end(`{"index": {"_id": "late"}, "extra": 1}\n${JSON.stringify({ 'User ID': '107' })}\n`);
    const { status, body } = await answer;
    assert.equal(status, 400);
    assert.equal(body.error!.type, 'illegal_argument_exception');
    assert.equal(await stored('before-refusal'), undefined);
    await waitFor(async () => (await store.openUploads()) === 0, 'the refused body is dropped');
  });

  it('writes two bodies arriving at once, each whole', async () => {
    const first = bulkRequest();
    const second = bulkRequest();
    const lines = (prefix: string) => Array.from({ length: 20 }, (_, index) => [{ index: { _id: `${prefix}-${index}` } }, { 'User ID': prefix, n: index }]).flat();
    const [a, b] = [Buffer.from(ndjson(lines('first'))), Buffer.from(ndjson(lines('second')))];
    for (let offset = 0; offset < Math.max(a.length, b.length); offset += 300) {
      first.request.write(a.subarray(offset, offset + 300));
      second.request.write(b.subarray(offset, offset + 300));
      await sleep(1);
    }
    first.request.end();
    second.request.end();
    for (const { answer } of [first, second]) {
      const { status, body } = await answer;
      assert.equal(status, 200);
      assert.equal(body.errors, false);
      assert.equal(body.items!.length, 20);
    }
    assert.equal((await store.count({ query: { terms: { 'User ID': ['first', 'second'] } } })).count, 40);
  });

  it("refuses a document by the mapping as it is when the body is written, not as it was when the body began", async () => {
    const { request, answer } = bulkRequest();
    request.write(ndjson([{ index: { _id: 'typed-late' } }, { late_typed: 'not a number' }]));
    await waitFor(async () => (await store.openUploads()) === 1, 'the upload is open');
    await sleep(50);
    // Another write maps the field as a number while the body is still arriving.
    await store.index([{ id: 'types-it', document: { late_typed: 5 } }]);
    request.end(ndjson([{ index: { _id: 'typed-late-2' } }, { late_typed: 7 }]));
    const { status, body } = await answer;
    assert.equal(status, 200);
    assert.deepEqual(body.items!.map((item) => Object.values(item)[0].status), [400, 201]);
    assert.equal(await stored('typed-late'), undefined);
  });

  it('answers with the JSON text its thread made, and with an object where filter_path or pretty rework it', async () => {
    const post = (url: string, lines: unknown[], headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-ndjson', ...headers }, payload: ndjson(lines) });
    const plain = await post('/cdr/_bulk', [{ index: { _id: 'answered-1' } }, { 'User ID': '104' }, { delete: { _id: 'answered-missing' } }], {
      accept: 'application/vnd.elasticsearch+json; compatible-with=8',
    });
    assert.equal(plain.statusCode, 200);
    assert.equal(plain.headers['content-type'], 'application/vnd.elasticsearch+json;compatible-with=8');
    assert.equal(plain.headers['x-elastic-product'], 'Elasticsearch');
    const shards = { total: 1, successful: 1, failed: 0 };
    const items = plain.json().items as Record<string, { _seq_no: number }>[];
    const [created, deleted] = items.map((item) => Object.values(item)[0]._seq_no);
    assert.ok(Number.isInteger(created) && deleted === created + 1, `each write takes the next sequence number: ${created}, ${deleted}`);
    assert.deepEqual(items, [
      { index: { _index: 'cdr', _id: 'answered-1', _version: 1, result: 'created', _shards: shards, _seq_no: created, _primary_term: 1, status: 201 } },
      { delete: { _index: 'cdr', _id: 'answered-missing', _version: 1, result: 'not_found', _shards: shards, _seq_no: deleted, _primary_term: 1, status: 404 } },
    ]);
    const filtered = await post('/cdr/_bulk?filter_path=items.*.status', [{ index: { _id: 'answered-2' } }, { 'User ID': '105' }]);
    assert.deepEqual(filtered.json(), { items: [{ index: { status: 201 } }] });
    const pretty = await post('/cdr/_bulk?pretty', [{ index: { _id: 'answered-3' } }, { 'User ID': '106' }]);
    assert.match(pretty.body, /^\{\n {2}"errors": false,\n/);
  });
});
