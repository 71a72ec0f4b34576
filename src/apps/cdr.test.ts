import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import pino from 'pino';
import type { CdrSearcher, SearchOptions, SearchResponse } from '../cdr/store.js';
import { domainConfig } from '../config/schema.js';
import { ConfigDirectory } from '../directory/config-directory.js';
import { schemaLoader } from '../../test/support/engine.js';
import type { StepTrace, TraceEvent } from '../engine/trace.js';
import { simScenario } from '../sim/sim-scenario.js';
import { simulateCall } from '../sim/simulate.js';

/** Records what the app asked and answers with the hits given. */
function recordingSearcher(hits: SearchResponse['hits']['hits']) {
  const calls: { request: any; options?: SearchOptions }[] = [];
  const searcher: CdrSearcher = {
    async search(request, options) {
      calls.push({ request, options });
      return {
        took: 1,
        timed_out: false,
        _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        hits: { total: { value: hits.length, relation: 'eq' }, max_score: null, hits },
      };
    },
    lastAgents: () => Promise.reject(new Error('the cdr app does not look up last agents')),
  };
  return { searcher, calls };
}

async function runCdrStep(step: unknown, variables: Record<string, string>, cdr: CdrSearcher) {
  const loaded = schemaLoader.load([step]);
  assert.ok(loaded.ok, loaded.ok ? '' : JSON.stringify(loaded.errors));
  const events: TraceEvent[] = [];
  const { call } = await simulateCall({
    schema: loaded.schema,
    scenario: simScenario.parse({ variables: { domain_name: 'example.com', ...variables } }),
    directory: new ConfigDirectory([domainConfig.parse({ name: 'example.com' })]),
    cdr,
    logger: pino({ level: 'silent' }),
    now: new Date('2026-11-24T12:00:00Z'),
    trace: (event) => events.push(event),
  });
  return { call, step: events.find((event): event is StepTrace => event.type === 'step')! };
}

const seedCdrStep = JSON.parse(readFileSync(new URL('../../test/support/fixtures/seed-last-agent.json', import.meta.url), 'utf8'))[0];

test('builds the search the original sent: query_string + filters in bool.must, size, sort, columns as fields', async () => {
  const { searcher, calls } = recordingSearcher([{ _index: 'cdr', _id: '1', _score: null, fields: { 'User ID': ['101'] } }]);
  const { call, step } = await runCdrStep(seedCdrStep, { caller_id_number: '0671234567' }, searcher);

  assert.equal(calls.length, 1);
  const { request, options } = calls[0];
  assert.deepEqual(options, { now: new Date('2026-11-24T12:00:00Z'), domain: 'example.com' });
  assert.equal(request.size, 1);
  assert.deepEqual(request.sort, { 'Call start time': { order: 'desc', unmapped_type: 'boolean' } });
  assert.deepEqual(request.stored_fields, ['User ID']);
  assert.deepEqual(request.docvalue_fields, ['User ID']);
  const [queryString, filter] = request.query.bool.must;
  assert.deepEqual(queryString, { query_string: { query: '*', analyze_wildcard: true } });
  assert.deepEqual(filter.bool.must[2], {
    regexp: { 'Destination number': { value: '.*0671234567', max_determinized_states: 20000 } },
  });
  assert.deepEqual(filter.bool.must[0], { range: { 'variables.start_stamp': { gte: 'now-30m/m', lte: 'now' } } });

  assert.equal(call.getVariable('last_cid'), '101');
  assert.deepEqual(step.variables, { last_cid: '101' });
  assert.equal(step.result, '1 hit(s) of 1');
  assert.equal((step.args as { request: unknown }).request, request, 'the trace shows the very request searched for, rendered once');
});

test('defaults: limit 40, sort by call start time descending, query "*"', async () => {
  const { searcher, calls } = recordingSearcher([]);
  await runCdrStep({ cdr: { elastic: {}, exportVar: {} } }, {}, searcher);
  assert.equal(calls[0].request.size, 40);
  assert.deepEqual(calls[0].request.sort, { 'Call start time': { order: 'desc', unmapped_type: 'boolean' } });
  assert.equal(calls[0].request.query.bool.must.length, 1);
  assert.equal(calls[0].request.stored_fields, undefined);
});

test('caller data substituted into regexp, wildcard and query_string is escaped to match literally', async () => {
  const { searcher, calls } = recordingSearcher([]);
  const hostile = '.*|") OR *';
  await runCdrStep(
    {
      cdr: {
        elastic: {
          query: 'CallerID number:${caller_id_number}',
          filter: [
            { regexp: { 'Destination number': { value: '.*${caller_id_number}' } } },
            { regexp: { 'Destination number': '${caller_id_number}.*' } },
            { wildcard: { 'CallerID number': { value: '*${caller_id_number}' } } },
            { term: { 'CallerID number': '${caller_id_number}' } },
          ],
        },
      },
    },
    { caller_id_number: hostile },
    searcher,
  );
  const [queryString, regexpValue, regexpShort, wildcard, term] = calls[0].request.query.bool.must;
  assert.equal(queryString.query_string.query, 'CallerID number:\\.\\*\\|\\"\\)\\ OR\\ \\*');
  assert.equal(regexpValue.regexp['Destination number'].value, '.*\\.\\*\\|\\"\\) OR \\*');
  assert.equal(regexpShort.regexp['Destination number'], '\\.\\*\\|\\"\\) OR \\*.*');
  assert.equal(wildcard.wildcard['CallerID number'].value, '*.\\*|") OR \\*');
  assert.equal(term.term['CallerID number'], hostile, 'term values are literal already and stay as they are');
});

test('a missing export path gives "" and unknown arguments load with a warning', async () => {
  const { searcher } = recordingSearcher([]);
  const { call } = await runCdrStep(seedCdrStep, { caller_id_number: '0671234567' }, searcher);
  assert.equal(call.getVariable('last_cid'), '');

  const loaded = schemaLoader.load([{ cdr: { elastic: { limt: 1 } } }]);
  assert.deepEqual(loaded.ok && loaded.schema.warnings, [{ path: '[0].cdr.elastic.limt', message: 'unknown argument "limt" ignored, as Webitel ignores it; did you mean limit?' }]);
});
