import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimulatedClock } from '../../clock.js';
import type { LegJournal, OpenLeg } from './leg-journal.js';
import { LegTimeline, type LegIdentity } from './leg-timeline.js';

const START = new Date('2026-12-06T03:00:00.000Z');
const identity = (): LegIdentity => ({ uuid: 'leg-1', direction: 'inbound', domain: 'example.com', callerIdNumber: '100', destinationNumber: '200', variables: {} });

test('a timeline journals each first moment (media after ringing in the same millisecond too) and records them as Dates', () => {
  const clock = new SimulatedClock(START);
  const written: OpenLeg[] = [];
  const journal: LegJournal = { write: (_uuid, read) => void written.push(read()) };
  const timeline = new LegTimeline(clock);
  timeline.journalTo(journal, 'leg-1', { legIdentity: identity });
  clock.advance(1000);
  timeline.progress(false);
  timeline.progress(true);
  timeline.progress(true);
  clock.advance(2000);
  timeline.answer();
  timeline.bridge();
  assert.deepEqual(
    written.map((leg) => [leg.progressTime?.toISOString(), leg.progressMediaTime?.toISOString(), leg.answerTime?.toISOString()]),
    [
      [undefined, undefined, undefined],
      ['2026-12-06T03:00:01.000Z', undefined, undefined],
      ['2026-12-06T03:00:01.000Z', '2026-12-06T03:00:01.000Z', undefined],
      ['2026-12-06T03:00:01.000Z', '2026-12-06T03:00:01.000Z', '2026-12-06T03:00:03.000Z'],
      ['2026-12-06T03:00:01.000Z', '2026-12-06T03:00:01.000Z', '2026-12-06T03:00:03.000Z'],
    ],
  );
  assert.ok(timeline.answered);
  clock.advance(5000);
  const record = timeline.record(identity(), 'NORMAL_CLEARING');
  assert.deepEqual(record.startTime, START);
  assert.deepEqual(record.bridgeTime, new Date('2026-12-06T03:00:03.000Z'));
  assert.deepEqual(record.endTime, new Date('2026-12-06T03:00:08.000Z'));
});
