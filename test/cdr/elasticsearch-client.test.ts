/**
 * `callrouter cdr serve` driven by the official Elasticsearch 8.x client, as
 * an application would use it: every call must succeed with Elasticsearch's
 * answer (the client refuses one without Elasticsearch's product header or
 * with a shape it does not know), and what is not supported fails with an
 * Elasticsearch error that names it. The 7.x client's first calls too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Client, errors } from '@elastic/elasticsearch';
import { Client as Client7 } from 'es7';
import { seedRequest } from '../support/cdr/dataset.js';
import { clientTestDocuments, servedClient } from '../support/cdr/cdr-serve.js';

const served = servedClient();
const documents = clientTestDocuments();
const [firstSix, lastFour] = [documents.slice(0, 6), documents.slice(6)];
const allIds = documents.map(({ id }) => id).sort();

async function responseError(call: Promise<unknown>): Promise<{ status: number; type: string; reason: string }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof errors.ResponseError, `expected an Elasticsearch error, got ${error}`);
    const body = error.meta.body as { error: { type: string; reason: string } };
    return { status: error.meta.statusCode!, type: body.error.type, reason: body.error.reason };
  }
  assert.fail('the call succeeded');
}

describe('Elasticsearch 8.x client against cdr serve', () => {
  it('a client that gzips its requests', async () => {
    const compressing = new Client({ node: served.serve.url, headers: served.serve.headers, compression: true });
    try {
      const response = await compressing.search({ index: 'cdr', query: { match_all: {} }, size: 0 });
      assert.deepEqual(response.hits.total, { value: 0, relation: 'eq' });
    } finally {
      await compressing.close();
    }
  });

  it('info, ping, cluster health, cat indices', async () => {
    const info = await served.client.info();
    assert.match(info.version.number, /^8\./);
    assert.equal(info.tagline, 'You Know, for Search');
    assert.equal(await served.client.ping(), true);
    assert.equal((await served.client.cluster.health()).status, 'green');
    const indices = await served.client.cat.indices({ format: 'json' });
    assert.deepEqual(indices.map((row) => row.index), ['cdr']);
  });

  it('bulk, a retried bulk with the same ids (no duplicates), helpers.bulk', async () => {
    const operations = firstSix.flatMap(({ id, document }) => [{ index: { _index: 'cdr', _id: id } }, document]);
    const first = await served.client.bulk({ refresh: true, operations });
    assert.equal(first.errors, false);
    assert.deepEqual(first.items.map((item) => [item.index?.result, item.index?.status]), firstSix.map(() => ['created', 201]));
    const retried = await served.client.bulk({ refresh: true, operations });
    assert.deepEqual(retried.items.map((item) => item.index?.result), firstSix.map(() => 'updated'));
    assert.equal((await served.client.count({ index: 'cdr' })).count, 6);

    const byDocument = new Map(lastFour.map(({ id, document }) => [document, id]));
    const stats = await served.client.helpers.bulk({
      datasource: lastFour.map(({ document }) => document),
      onDocument: (document) => ({ index: { _index: 'cdr', _id: byDocument.get(document)! } }),
      refreshOnCompletion: 'cdr',
    });
    assert.equal(stats.successful, 4);
    assert.equal(stats.failed, 0);
    assert.equal((await served.client.count({ index: 'cdr' })).count, 10);
  });

  it('the seed query, on cdr, on cdr-*-<domain> and without an index', async () => {
    const request = seedRequest('0671234567') as Record<string, unknown>;
    // Across every domain the newest match is other.com's leg; the domain's own index pattern finds 101.
    const expected: [string | undefined, string, string][] = [
      ['cdr', 'leg-08', '103'],
      [undefined, 'leg-08', '103'],
      ['cdr-*-example.com', 'leg-01', '101'],
    ];
    for (const [index, id, user] of expected) {
      const response = await served.client.search({ ...(index ? { index } : {}), ...request });
      assert.deepEqual(response.hits.hits.map((hit) => [hit._id, hit.fields]), [[id, { 'User ID': [user] }]], String(index));
      assert.deepEqual(response._shards, { total: 1, successful: 1, skipped: 0, failed: 0 });
      assert.equal(typeof response.took, 'number');
      assert.equal(response.hits.max_score, null);
    }
    const otherDomain = await served.client.search({ index: 'cdr-*-other.com', query: { term: { 'Destination number': '0671234567' } } });
    assert.deepEqual(otherDomain.hits.hits.map((hit) => hit._id), ['leg-08']);
    const nothing = await served.client.search({ index: 'logs-*' });
    assert.deepEqual(nothing._shards.total, 0);
  });

  it('query-string parameters: q, size, sort, _source_includes, _source_excludes', async () => {
    const byQ = await served.client.search({ index: 'cdr', q: 'User\\ ID:101', sort: 'Call start time:asc', size: 1, _source_includes: ['User ID', 'variables.uuid'] });
    assert.deepEqual(byQ.hits.total, { value: 2, relation: 'eq' });
    assert.deepEqual(byQ.hits.hits.map((hit) => hit._source), [{ 'User ID': '101', variables: { uuid: 'leg-01' } }]);
    const excluded = await served.client.search({ index: 'cdr', q: 'variables.uuid:leg-03', _source_excludes: ['variables'] });
    assert.equal((excluded.hits.hits[0]._source as Record<string, unknown>).variables, undefined);
    assert.equal((excluded.hits.hits[0]._source as Record<string, unknown>)['User ID'], '103');
    const asInteger = await served.client.search({ index: 'cdr', size: 0, rest_total_hits_as_int: true });
    assert.equal(asInteger.hits.total, 10);
  });

  it('writes conditional on the sequence number (if_seq_no, if_primary_term): applied while the document is unchanged, 409 once another write came between', async () => {
    const first = await served.client.index({ index: 'cdr', id: 'occ-1', document: { 'User ID': '300' }, refresh: true });
    const read = await served.client.get({ index: 'cdr', id: 'occ-1' });
    const replaced = await served.client.index({ index: 'cdr', id: 'occ-1', document: { 'User ID': '301' }, if_seq_no: read._seq_no, if_primary_term: read._primary_term });
    assert.deepEqual([replaced.result, replaced._version, Number(replaced._seq_no) > Number(first._seq_no)], ['updated', 2, true]);
    const stale = await responseError(served.client.index({ index: 'cdr', id: 'occ-1', document: { 'User ID': '666' }, if_seq_no: read._seq_no, if_primary_term: 1 }));
    assert.deepEqual(stale, {
      status: 409,
      type: 'version_conflict_engine_exception',
      reason: `[occ-1]: version conflict, required seqNo [${read._seq_no}], primary term [1]. current document has seqNo [${replaced._seq_no}] and primary term [1]`,
    });
    assert.equal((await responseError(served.client.update({ index: 'cdr', id: 'occ-1', doc: { n: 1 }, if_seq_no: read._seq_no, if_primary_term: 1 }))).status, 409);
    assert.equal((await responseError(served.client.delete({ index: 'cdr', id: 'occ-1', if_seq_no: replaced._seq_no!, if_primary_term: 2 }))).status, 409, 'another primary term');
    const bulk = await served.client.bulk({
      operations: [{ update: { _id: 'occ-1', if_seq_no: read._seq_no, if_primary_term: 1 } }, { doc: { n: 2 } }, { delete: { _id: 'occ-1', if_seq_no: replaced._seq_no, if_primary_term: 1 } }],
      index: 'cdr',
    });
    assert.deepEqual(bulk.items.map((item) => Object.values(item)[0].status), [409, 200]);
    assert.match((await responseError(served.client.delete({ index: 'cdr', id: 'occ-1', if_seq_no: replaced._seq_no!, if_primary_term: 1 }))).reason, /but no document was found$/);
    assert.equal((await responseError(served.client.index({ index: 'cdr', id: 'occ-2', document: {}, if_seq_no: 1 } as never))).type, 'action_request_validation_exception');
  });

  it('index, get, mget, exists, update and delete by id', async () => {
    const created = await served.client.index({ index: 'cdr', id: 'manual-1', document: { 'User ID': '200', 'Call direction': 'outbound' }, refresh: true });
    assert.deepEqual([created.result, created._version], ['created', 1]);
    // A CDR naming an existing id is refused unless the writer asks to replace it (op_type index): then one version on.
    assert.equal((await responseError(served.client.index({ index: 'cdr', id: 'manual-1', document: { 'User ID': '666' } }))).type, 'version_conflict_engine_exception');
    const replaced = await served.client.index({ index: 'cdr', id: 'manual-1', op_type: 'index', document: { 'User ID': '200', 'Call direction': 'outbound' }, refresh: true });
    assert.deepEqual([replaced.result, replaced._version], ['updated', 2]);
    assert.equal((await responseError(served.client.create({ index: 'cdr', id: 'manual-1', document: { 'User ID': '666' } }))).type, 'version_conflict_engine_exception');
    // Sequence numbers, as every Elasticsearch write answer has them (typed clients require them): each write the next.
    assert.deepEqual([created._primary_term, replaced._primary_term, Number(replaced._seq_no) > Number(created._seq_no)], [1, 1, true]);
    const fetched = await served.client.get({ index: 'cdr', id: 'manual-1' });
    assert.deepEqual([fetched.found, fetched._version, fetched._seq_no, fetched._primary_term, fetched._source], [true, 2, replaced._seq_no, 1, { 'User ID': '200', 'Call direction': 'outbound' }]);
    const versioned = await served.client.search({ index: 'cdr', query: { ids: { values: ['manual-1'] } }, version: true, seq_no_primary_term: true });
    assert.deepEqual([versioned.hits.hits[0]._version, versioned.hits.hits[0]._seq_no, versioned.hits.hits[0]._primary_term], [2, replaced._seq_no, 1]);
    assert.equal(await served.client.exists({ index: 'cdr', id: 'manual-1' }), true);
    const updated = await served.client.update({ index: 'cdr', id: 'manual-1', doc: { Location: 'office' } });
    assert.deepEqual([updated.result, updated._version, Number(updated._seq_no) > Number(replaced._seq_no)], ['updated', 3, true]);
    assert.deepEqual((await served.client.get({ index: 'cdr', id: 'manual-1' }))._source, { 'User ID': '200', 'Call direction': 'outbound', Location: 'office' });
    const noop = await served.client.update({ index: 'cdr', id: 'manual-1', doc: { Location: 'office' } });
    assert.deepEqual([noop.result, noop._seq_no], ['noop', updated._seq_no], "a no-op keeps the document's sequence number");
    assert.equal((await served.client.delete({ index: 'cdr', id: 'manual-1' })).result, 'deleted');
    assert.equal(await served.client.exists({ index: 'cdr', id: 'manual-1' }), false);
    await assert.rejects(served.client.get({ index: 'cdr', id: 'manual-1' }), (error: errors.ResponseError) => error.meta.statusCode === 404 && (error.meta.body as { found: boolean }).found === false);
    assert.equal((await responseError(served.client.update({ index: 'cdr', id: 'manual-1', doc: {} }))).type, 'document_missing_exception');
    const many = await served.client.mget({ index: 'cdr', ids: ['leg-01', 'manual-1', 'leg-02'], _source_includes: ['User ID'] });
    assert.deepEqual(many.docs.map((doc) => [doc._id, 'found' in doc && doc.found, '_source' in doc ? doc._source : undefined]), [
      ['leg-01', true, { 'User ID': '101' }],
      ['manual-1', false, undefined],
      ['leg-02', true, { 'User ID': '102' }],
    ]);
    const generated = await served.client.index({ index: 'cdr', document: { 'User ID': '201' } });
    assert.equal(generated.result, 'created');
    assert.equal((await served.client.delete({ index: 'cdr', id: generated._id })).result, 'deleted');
  });

  it('count and msearch', async () => {
    assert.equal((await served.client.count({ index: 'cdr', query: { term: { 'Call direction': 'outbound' } } })).count, 8);
    const response = await served.client.msearch({
      searches: [{ index: 'cdr' }, { size: 0, query: { term: { 'User ID': '101' } } }, { index: 'missing' }, { query: { match_all: {} } }, {}, { size: 1, sort: [{ 'Call start time': 'desc' }] }],
    });
    const [byUser, missing, newest] = response.responses as Record<string, any>[];
    assert.deepEqual([byUser.status, byUser.hits.total], [200, { value: 2, relation: 'eq' }]);
    assert.deepEqual([missing.status, missing.error.type], [404, 'index_not_found_exception']);
    assert.equal(newest.hits.hits[0]._id, 'leg-08');
  });

  it('scroll: helpers.scrollDocuments and scroll/clearScroll by hand', async () => {
    const seen: string[] = [];
    for await (const document of served.client.helpers.scrollDocuments<{ variables: { uuid: string } }>({ index: 'cdr', size: 3, sort: ['_doc'] })) seen.push(document.variables.uuid);
    assert.deepEqual(seen.sort(), allIds);

    let page = await served.client.search({ index: 'cdr', scroll: '1m', size: 4, query: { term: { 'Call direction': 'outbound' } } });
    const ids = page.hits.hits.map((hit) => hit._id);
    assert.equal(page.hits.hits[0].sort, undefined);
    while (page.hits.hits.length > 0) {
      page = await served.client.scroll({ scroll_id: page._scroll_id!, scroll: '1m' });
      assert.deepEqual(page.hits.total, { value: 8, relation: 'eq' });
      ids.push(...page.hits.hits.map((hit) => hit._id));
    }
    assert.equal(new Set(ids).size, 8);
    assert.deepEqual(await served.client.clearScroll({ scroll_id: page._scroll_id }), { succeeded: true, num_freed: 1 });
    assert.equal((await responseError(served.client.scroll({ scroll_id: page._scroll_id!, scroll: '1m' }))).type, 'search_context_missing_exception');
  });

  it('search_after and point in time', async () => {
    const sort = [{ 'Call start time': { order: 'desc' as const } }];
    const pit = await served.client.openPointInTime({ index: 'cdr', keep_alive: '1m' });
    const ids: string[] = [];
    let after: unknown[] | undefined;
    for (;;) {
      const page = await served.client.search({ pit: { id: pit.id, keep_alive: '1m' }, size: 3, sort, ...(after ? { search_after: after as never } : {}) });
      assert.equal(page.pit_id, pit.id);
      if (page.hits.hits.length === 0) break;
      ids.push(...page.hits.hits.map((hit) => hit._id!));
      after = page.hits.hits.at(-1)!.sort;
      assert.equal(after!.length, 2, 'a point in time adds the tie-breaker to the sort values');
    }
    assert.deepEqual([...ids].sort(), allIds);
    assert.deepEqual(await served.client.closePointInTime({ id: pit.id }), { succeeded: true, num_freed: 1 });

    const first = await served.client.search({ index: 'cdr', size: 4, sort: [{ 'Call start time': 'asc' }, { 'variables.uuid': 'asc' }] });
    const next = await served.client.search({ index: 'cdr', size: 4, sort: [{ 'Call start time': 'asc' }, { 'variables.uuid': 'asc' }], search_after: first.hits.hits.at(-1)!.sort });
    const all = await served.client.search({ index: 'cdr', size: 8, sort: [{ 'Call start time': 'asc' }, { 'variables.uuid': 'asc' }] });
    assert.deepEqual([...first.hits.hits, ...next.hits.hits].map((hit) => hit._id), all.hits.hits.map((hit) => hit._id));
  });

  it('mapping, field caps, index exists', async () => {
    const mapping = await served.client.indices.getMapping({ index: 'cdr' });
    const properties = mapping.cdr.mappings.properties as Record<string, any>;
    assert.deepEqual(properties['User ID'], { type: 'keyword' });
    assert.deepEqual(properties['Call start time'], { type: 'date' });
    assert.deepEqual(properties.variables.properties.start_stamp, { type: 'date' });
    const caps = await served.client.fieldCaps({ index: 'cdr', fields: ['Call*', 'variables.uuid'] });
    assert.deepEqual(caps.indices, ['cdr']);
    assert.deepEqual(caps.fields['Call start time'].date, { type: 'date', metadata_field: false, searchable: true, aggregatable: true });
    assert.equal(caps.fields['variables.uuid'].keyword.type, 'keyword');
    assert.equal(await served.client.indices.exists({ index: 'cdr' }), true);
    assert.equal(await served.client.indices.exists({ index: 'missing' }), false);
  });

  it('aggregations', async () => {
    const response = await served.client.search({
      index: 'cdr-*-example.com',
      size: 0,
      aggs: {
        users: { terms: { field: 'User ID', size: 2 } },
        talk: { stats: { field: 'Connected call duration' } },
        spread: { extended_stats: { field: 'Connected call duration' } },
        median: { percentiles: { field: 'Connected call duration', percents: [50] } },
        answered: { filters: { filters: { yes: { term: { Answered: true } }, no: { term: { Answered: false } } } } },
        long: { range: { field: 'Connected call duration', ranges: [{ to: 100 }, { from: 100 }] } },
        minutes: { histogram: { field: 'Connected call duration', interval: 300 } },
        hourly: { date_histogram: { field: 'Call start time', fixed_interval: '1h' } },
        newest: { top_hits: { size: 1, sort: [{ 'Call start time': 'desc' }], _source: ['variables.uuid'] } },
        people: { cardinality: { field: 'User ID' } },
        legs: { value_count: { field: 'variables.uuid' } },
      },
    });
    const aggs = response.aggregations as Record<string, any>;
    assert.deepEqual(aggs.users.buckets, [{ key: '101', doc_count: 2 }, { key: '102', doc_count: 2 }]);
    assert.deepEqual(aggs.talk, { count: 9, min: 0, max: 600, avg: 1140 / 9, sum: 1140 });
    assert.equal(aggs.spread.count, 9);
    assert.deepEqual(aggs.median.values, { '50.0': 60 });
    assert.deepEqual(aggs.answered.buckets, { no: { doc_count: 3 }, yes: { doc_count: 6 } });
    assert.deepEqual(aggs.long.buckets.map((bucket: { key: string; doc_count: number }) => [bucket.key, bucket.doc_count]), [['*-100.0', 6], ['100.0-*', 3]]);
    assert.deepEqual(aggs.minutes.buckets.map((bucket: { key: number; doc_count: number }) => [bucket.key, bucket.doc_count]), [[0, 8], [300, 0], [600, 1]]);
    assert.equal(aggs.hourly.buckets.reduce((sum: number, bucket: { doc_count: number }) => sum + bucket.doc_count, 0), 9);
    assert.deepEqual(aggs.newest.hits.hits[0]._source, { variables: { uuid: 'leg-04' } });
    assert.deepEqual([aggs.people.value, aggs.legs.value], [5, 9]);

    // typed_keys, as typed clients (Java, .NET) send it: names carry Elasticsearch's internal type names.
    const typed = await served.client.search({
      index: 'cdr',
      size: 0,
      typed_keys: true,
      aggs: { users: { terms: { field: 'User ID', size: 1 }, aggs: { talk: { percentiles: { field: 'Connected call duration', percents: [50] } } } }, longest: { max: { field: 'Call duration' } } },
    });
    const typedAggs = typed.aggregations as Record<string, any>;
    assert.deepEqual(Object.keys(typedAggs).sort(), ['max#longest', 'sterms#users']);
    assert.deepEqual(Object.keys(typedAggs['sterms#users'].buckets[0]).sort(), ['doc_count', 'key', 'tdigest_percentiles#talk']);
  });

  it('what is not supported is an Elasticsearch error naming it, never a silent success', async () => {
    assert.deepEqual(await responseError(served.client.search({ index: 'missing' })), { status: 404, type: 'index_not_found_exception', reason: 'no such index [missing]' });
    const unknownParameter = await responseError(served.client.transport.request({ method: 'GET', path: '/cdr/_search', querystring: { colour: 'red' } }));
    assert.deepEqual([unknownParameter.status, unknownParameter.type], [400, 'illegal_argument_exception']);
    assert.match(unknownParameter.reason, /unrecognized parameter: \[colour\]/);
    assert.match((await responseError(served.client.search({ index: 'cdr', suggest: { text: 'x' } }))).reason, /\[suggest\] is not supported/);
    // Collapsed: one hit per agent, each carrying its agent in fields.
    const latest = await served.client.search({ index: 'cdr', query: { exists: { field: 'User ID' } }, collapse: { field: 'User ID' }, sort: [{ 'Call start time': 'desc' }], _source: false, size: 100 });
    const agents = latest.hits.hits.map((hit) => hit.fields?.['User ID']?.[0]);
    assert.ok(agents.length > 1 && new Set(agents).size === agents.length, `one hit per agent: ${JSON.stringify(agents)}`);
    assert.match((await responseError(served.client.search({ index: 'cdr', highlight: { fields: { '*': {} }, tags_schema: 'styled' } }))).reason, /\[tags_schema\] is not supported/);
    assert.match((await responseError(served.client.search({ index: 'cdr', aggs: { x: { moving_avg: { buckets_path: 'y' } } as never } }))).reason, /moving_avg/);
    // Kibana and Grafana send these empty with every search.
    const kibana = await served.client.search({ index: 'cdr', script_fields: {}, runtime_mappings: {}, stored_fields: ['*'], size: 1 });
    assert.equal(kibana.hits.hits.length, 1);
  });
});

describe('highlight, as Grafana logs ask it', () => {
  it('wraps the keyword values the query matched, whole, in the tags', async () => {
    const response = await served.client.search({
      index: 'cdr',
      size: 2,
      _source: ['User ID'],
      sort: [{ 'Call start time': { order: 'desc', unmapped_type: 'boolean' } }, { _doc: { order: 'desc' } }],
      query: { bool: { filter: [{ range: { 'Call start time': { gte: 'now-1d', format: 'strict_date_optional_time' } } }, { query_string: { query: '"0671234567"', analyze_wildcard: true } }] } },
      highlight: { fields: { '*': {} }, pre_tags: ['@HIGHLIGHT@'], post_tags: ['@/HIGHLIGHT@'], fragment_size: 2147483647 },
      script_fields: {},
    });
    assert.deepEqual(
      response.hits.hits.map((hit) => [hit._id, hit._source, hit.highlight]),
      [
        ['leg-08', { 'User ID': '103' }, { 'Destination number': ['@HIGHLIGHT@0671234567@/HIGHLIGHT@'], 'variables.destination_number': ['@HIGHLIGHT@0671234567@/HIGHLIGHT@'] }],
        ['leg-04', { 'User ID': '101' }, {
            'CallerID number': ['@HIGHLIGHT@0671234567@/HIGHLIGHT@'],
            'variables.caller_id_number': ['@HIGHLIGHT@0671234567@/HIGHLIGHT@'],
            'variables.sip_from_user': ['@HIGHLIGHT@0671234567@/HIGHLIGHT@'],
          }],
      ],
    );
  });
});

describe('Elasticsearch 7.x client against cdr serve', () => {
  it('passes its product check and searches', async () => {
    const client7 = new Client7({ node: served.serve.url, headers: served.serve.headers });
    try {
      const info = await client7.info();
      assert.equal(info.statusCode, 200);
      const response = await client7.search({ index: 'cdr-*-example.com', body: seedRequest('0671234567') as Record<string, unknown> });
      assert.deepEqual(response.body.hits.hits.map((hit: { _id: string }) => hit._id), ['leg-01']);
      const count = await client7.count({ index: 'cdr' });
      assert.equal(count.body.count, 10);
    } finally {
      await client7.close();
    }
  });
});
