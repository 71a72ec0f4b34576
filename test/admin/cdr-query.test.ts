/** The console's CDR search body: filters, the raw query and the charts' aggregations, run against the real store. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { searchBody, type CdrFilters } from '../../console/cdr-query.js';
import { cdrFromLeg } from '../../src/cdr/document/leg-record.js';
import { openSqliteCdrStore } from '../../src/cdr/sqlite/store.js';

const NOW = new Date('2026-12-05T12:00:00Z');
const filters = (overrides: Partial<CdrFilters> = {}): CdrFilters => ({ hours: 24, direction: '', answered: '', number: '', user: '', raw: '', ...overrides });

it('filters, the raw query and the aggregations the charts read', async () => {
  const store = openSqliteCdrStore({ path: ':memory:' });
  const leg = (uuid: string, minutesAgo: number, callerIdNumber: string, answered: boolean, direction: 'inbound' | 'outbound' = 'inbound') => {
    const startTime = new Date(NOW.getTime() - minutesAgo * 60_000);
    return cdrFromLeg(
      {
        uuid,
        direction,
        domain: 'example.com',
        callerIdNumber,
        destinationNumber: '0441234567',
        userId: '101',
        startTime,
        ...(answered ? { answerTime: new Date(startTime.getTime() + 5_000) } : {}),
        endTime: new Date(startTime.getTime() + 65_000),
        hangupCause: answered ? 'NORMAL_CLEARING' : 'NO_ANSWER',
        variables: { last_agent_result: answered ? 'answered' : 'busy' },
      },
      'UTC',
    );
  };
  await store.index([
    { id: 'a', document: leg('a', 30, '0671234567', true) },
    { id: 'b', document: leg('b', 90, '067*star', false) },
    { id: 'c', document: leg('c', 60 * 30, '0671234567', true, 'outbound') },
  ]);
  const ids = async (wanted: CdrFilters) => (await store.search(searchBody(wanted), { now: NOW })).hits.hits.map((hit) => hit._id).sort();
  assert.deepEqual(await ids(filters()), ['a', 'b'], 'the last 24 hours');
  assert.deepEqual(await ids(filters({ hours: 48 })), ['a', 'b', 'c']);
  assert.deepEqual(await ids(filters({ answered: 'false' })), ['b']);
  assert.deepEqual(await ids(filters({ number: '*st' })), ['b'], 'a wildcard character in the number is matched literally');
  assert.deepEqual(await ids(filters({ number: '1*' })), [], 'nor is a star a wildcard');
  assert.deepEqual(await ids(filters({ hours: 48, direction: 'outbound' })), ['c']);
  assert.deepEqual(await ids(filters({ raw: '{"term": {"Hangup cause": "NO_ANSWER"}}' })), ['b']);
  assert.throws(() => searchBody(filters({ raw: '{"term": ' })), SyntaxError);
  assert.throws(() => searchBody(filters({ raw: '[1]' })), /must be a JSON object/);

  const { aggregations } = await store.search(searchBody(filters()), { now: NOW });
  const perBucket = (aggregations as any).per_bucket.buckets as { doc_count: number }[];
  assert.equal(perBucket.reduce((sum, bucket) => sum + bucket.doc_count, 0), 2);
  assert.deepEqual(((aggregations as any).last_agent.buckets as { key: string }[]).map((bucket) => bucket.key).sort(), ['answered', 'busy']);
  assert.deepEqual(((aggregations as any).agents.buckets as { key: string; talk: { value: number } }[]).map((bucket) => [bucket.key, bucket.talk.value]), [['101', 60]]);
  await store.close();
});
