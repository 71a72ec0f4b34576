import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SimulatedClock } from '../clock.js';
import { CallTraceRecorder } from './call-trace-recorder.js';
import type { SerializedCallTrace } from './call-traces.js';
import { SqliteCdrWriterWorker } from './sqlite/cdr-writer-client.js';
import { openSqliteCdrStore } from './sqlite/store.js';

const directory = mkdtempSync(join(tmpdir(), 'callrouter-call-trace-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const UUID = '6f1c1e0e-8a3b-4d5e-9f00-000000000001';
const step = (app: string, padding = '') => ({ type: 'step', path: '[0]', app, args: { padding }, variables: {}, notes: [], at: '2026-12-05T10:00:00.000Z', tookMs: 0 });
const end = { type: 'end', reason: 'completed', at: '2026-12-05T10:00:01.000Z', steps: 2 };

function silentLogger() {
  const errors: object[] = [];
  return { errors, error: (fields: object) => void errors.push(fields) };
}

describe('call traces', () => {
  it('are stored beside the CDRs through the writer thread, kept to their domain, and readable while the flow runs', async () => {
    const path = join(directory, 'stored', 'cdr.sqlite');
    const store = openSqliteCdrStore({ path });
    const sink = new SqliteCdrWriterWorker({ path });
    const recorder = new CallTraceRecorder({ sink, maxEvents: 100, now: () => new Date('2026-12-05T10:00:00Z'), logger: silentLogger() });
    let domain = '';
    recorder.begin(UUID, () => domain);
    assert.deepEqual(recorder.current(UUID)?.events, [], 'a begun call has a trace with no steps yet');
    domain = 'example.com';
    recorder.add(UUID, step('setVar'));
    recorder.add(UUID, step('bridge', 'replace → "\u00e9\ud83d\ude00"\nnext line'));
    assert.equal(recorder.current(UUID)?.domain, 'example.com', 'the domain its route named');
    assert.deepEqual(recorder.current(UUID)?.events, [step('setVar'), step('bridge', 'replace → "\u00e9\ud83d\ude00"\nnext line')], 'the steps so far read back as they came');
    recorder.add(UUID, end);
    recorder.finish(UUID);
    await recorder.flush();
    assert.equal(recorder.current(UUID), undefined, 'once stored, the store answers');
    assert.deepEqual(recorder.stats, { stored: 1, failed: 0 });

    const stored = await store.callTrace(UUID);
    assert.deepEqual(stored, { uuid: UUID, domain: 'example.com', startedAt: '2026-12-05T10:00:00.000Z', events: [step('setVar'), step('bridge', 'replace → "\u00e9\ud83d\ude00"\nnext line'), end], droppedEvents: 0 });
    assert.deepEqual(await store.callTrace(UUID, { domain: 'example.com' }), stored);
    assert.equal(await store.callTrace(UUID, { domain: 'other.example' }), undefined);
    await sink.close();
    await store.close();
  });

  it('keep steps up to a number in memory and up to a size in the store, count the rest, and always keep the end', async () => {
    const path = join(directory, 'capped', 'cdr.sqlite');
    const store = openSqliteCdrStore({ path, callTraceMaxBytes: 1024 });
    const recorder = new CallTraceRecorder({ sink: store, maxEvents: 8, now: () => new Date(), logger: silentLogger() });
    recorder.begin(UUID, () => 'example.com');
    for (let index = 0; index < 10; index++) recorder.add(UUID, step(`app${index}`, 'x'.repeat(200)));
    recorder.add(UUID, end);
    recorder.add('never-begun', step('ignored'));
    assert.equal(recorder.current(UUID)?.events.length, 9, 'eight steps and the end in memory');
    assert.equal(recorder.current(UUID)?.droppedEvents, 2);
    recorder.finish(UUID);
    await recorder.flush();
    const stored = (await store.callTrace(UUID))!;
    const kept = stored.events as { type: string }[];
    assert.ok(JSON.stringify(kept.slice(0, -1)).length <= 1024, 'the steps kept fit the byte cap');
    assert.equal(kept.length - 1 + stored.droppedEvents, 10, 'every step is kept or counted');
    assert.ok(kept.length - 1 < 8, 'the store dropped some of those held in memory');
    assert.equal(kept.at(-1)?.type, 'end');
    assert.equal(await store.callTrace('never-begun'), undefined);
    await store.close();
  });

  it('a trace the store refuses is logged with its call, not thrown at the call', async () => {
    const logger = silentLogger();
    const recorder = new CallTraceRecorder({ sink: { saveTraces: async () => Promise.reject(new Error('disk full')) }, maxEvents: 100, now: () => new Date(), logger });
    recorder.begin(UUID, () => 'example.com');
    recorder.add(UUID, end);
    recorder.finish(UUID);
    await recorder.flush();
    assert.deepEqual(recorder.stats, { stored: 0, failed: 1 });
    assert.deepEqual((logger.errors[0] as { uuids: string[] }).uuids, [UUID]);
  });

  it('expire with the CDRs (same retention)', async () => {
    const clock = new SimulatedClock(new Date('2026-12-05T10:00:00Z'));
    const store = openSqliteCdrStore({ path: join(directory, 'retention', 'cdr.sqlite'), retentionDays: 30, clock });
    const trace = (uuid: string, startedAt: string): SerializedCallTrace => ({ uuid, domain: 'example.com', startedAt, events: Buffer.from(`${JSON.stringify(end)}\n`), ends: [0], droppedEvents: 0 });
    await store.saveTraces([trace('old', '2026-10-01T00:00:00Z'), trace('recent', '2026-12-01T00:00:00Z')]);
    store.purgeExpired();
    assert.equal(await store.callTrace('old'), undefined);
    assert.equal((await store.callTrace('recent'))?.uuid, 'recent');
    await assert.rejects(store.saveTraces([trace('bad', 'yesterday')]), /no valid start time/);
    // Bytes whose last event lost its newline (cut short) are stored all the same, not looped over.
    await store.saveTraces([{ ...trace('cut', '2026-12-01T00:00:00Z'), events: Buffer.from(JSON.stringify(end)) }]);
    assert.deepEqual((await store.callTrace('cut'))?.events, [end]);
    await store.close();
  });
});
