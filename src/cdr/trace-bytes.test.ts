import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TraceBytes } from './trace-bytes.js';

test('events read back as appended, in order, across the buffer growing several times; end events are named by position', () => {
  const trace = new TraceBytes();
  assert.deepEqual(trace.read(), { events: [], ends: [] });
  const events = Array.from({ length: 40 }, (_, index) => JSON.stringify({ type: index % 13 === 12 ? 'end' : 'step', path: `[${index}]`, result: 'é'.repeat(index * 29) }));
  events.forEach((event, index) => trace.append(event, index % 13 === 12));
  assert.equal(trace.count, 40);
  assert.deepEqual(trace.read(), { events, ends: [12, 25, 38] });
});
