/**
 * `callrouter cdr serve` driven by Elasticsearch's official Python client
 * (Debian's python3-elasticsearch 7.17, installed by the test command), as a
 * reporting script would use it: bulk load, the last-agent search on a
 * domain's index pattern, aggregations (a composite one paged through), scan (scroll), msearch, mget,
 * update, delete by query, the cat APIs and the mapping; then the helpers (streaming_bulk,
 * parallel_bulk, scan with preserve_order and clear_scroll, reindex) and the calls around them
 * (explain, validate, stats, terms lookups, update by query, and the index deletion refused). Each answer must be
 * the one Elasticsearch gives; what is not supported, an Elasticsearch error.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startCdrServe, type CdrServe } from '../support/cdr/cdr-serve.js';

const SCRIPT = fileURLToPath(new URL('../support/cdr/python_client.py', import.meta.url));
// Debian's interpreter, where apt puts python3-elasticsearch (a python3 earlier on PATH may not see it).
const PYTHON = '/usr/bin/python3';

let serve: CdrServe;
before(async () => {
  serve = await startCdrServe();
});
after(() => serve?.stop());

describe('Elasticsearch Python client (7.17) against cdr serve', () => {
  it('every step gets the answer Elasticsearch would give', async () => {
    const token = serve.headers.authorization.replace(/^Bearer /, '');
    const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, serve.url, token], { timeout: 60_000 });
    const results = JSON.parse(stdout) as Record<string, { ok?: unknown; status?: number; error?: string }>;
    const ok = (step: string) => {
      assert.ok(results[step] && 'ok' in results[step], `${step}: ${JSON.stringify(results[step])}`);
      return results[step].ok;
    };
    assert.match(String(ok('info')), /^8\./);
    assert.equal(ok('ping'), true);
    // An application creating its index at start carries on when told it exists.
    assert.deepEqual(results.create, { status: 400, error: 'resource_already_exists_exception' });
    assert.equal(ok('bulk'), 5);
    assert.equal(ok('count'), 5);
    // The newest outbound call to the number within example.com: 102's (201's, newer, is another domain's).
    assert.deepEqual(ok('last agent'), ['102']);
    assert.deepEqual(ok('terms'), { '101': 2, '102': 1, '103': 1, '201': 1 });
    assert.deepEqual(ok('composite'), ['101', '102', '103', '201']);
    assert.deepEqual(ok('scan'), ['py-1', 'py-2', 'py-3', 'py-4', 'py-5']);
    assert.deepEqual(ok('msearch'), [2, 0]);
    assert.deepEqual(ok('mget'), [true, false]);
    assert.equal(results['get missing'].status, 404);
    assert.equal(ok('update'), 'updated');
    assert.equal(ok('multi_match'), 3);
    assert.equal(ok('delete_by_query'), 1);
    assert.equal(ok('cat count'), '4');
    assert.deepEqual(ok('cat indices'), ['cdr']);
    assert.equal(ok('mapping'), 'date');
    // 101 (two CDRs) and 102 are one edit from 109, 201 is two; 103's CDR was deleted above.
    assert.equal(ok('fuzzy'), 3);
    assert.deepEqual(results.unsupported, { status: 400, error: 'parsing_exception' });

    assert.deepEqual(ok('streaming_bulk'), [true, true, true]);
    assert.deepEqual(ok('streaming_bulk errors'), [409]);
    assert.equal(ok('parallel_bulk'), 12);
    assert.deepEqual(ok('scan preserve_order'), ['pb-11', 'pb-10', 'pb-9']);
    // 4 left of the first 5, and the 12 loaded in parallel; the scroll left open is freed by clear_scroll _all.
    assert.deepEqual(ok('scan clear_scroll=False'), [16, 1]);
    // helpers.reindex (scan + bulk) into the same index rewrites each CDR as it is; the reindex API is refused as Elasticsearch refuses that.
    assert.equal(ok('helpers.reindex into cdr'), 12);
    assert.deepEqual(results['reindex API'], { status: 400, error: 'action_request_validation_exception' });
    assert.equal(ok('count q'), 12);
    assert.deepEqual(ok('exists'), [true, false]);
    assert.equal(ok('get_source'), '102');
    assert.equal(ok('explain'), true);
    assert.deepEqual(ok('validate_query'), [true, false]);
    assert.equal(ok('stats'), 16);
    assert.deepEqual(results['delete index'], { status: 403, error: 'security_exception' });
    // 101's two CDRs and 301's twelve.
    assert.equal(ok('terms lookup'), 14);
    assert.equal(ok('update_by_query'), 12);
    // A mapping that agrees with the fields as mapped is acknowledged; a changed type is Elasticsearch's conflict.
    assert.equal(ok('put_mapping'), true);
    assert.deepEqual(results['put_mapping conflict'], { status: 400, error: 'illegal_argument_exception' });
    assert.deepEqual(ok('delete_by_query as a task'), [true, 1]);
    assert.deepEqual(ok('point in time'), [12, 1]);
    assert.deepEqual(ok('cluster state'), ['cdr']);
    // A document's own _source wins over the parameters'.
    assert.deepEqual(ok('mget with a source per document'), [{ 'User ID': '101' }, { 'Call direction': 'outbound' }, null]);
    // An application making sure of its template hears there is none, and its put is refused with the reason.
    assert.deepEqual(ok('template exists'), [false, false]);
    assert.deepEqual(results['put template'], { status: 400, error: 'illegal_argument_exception' });
  });
});
