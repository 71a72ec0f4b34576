import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventTexts, TraceBytes } from './trace-bytes.js';

test('events read back as appended, in order, across the buffer growing several times, wide characters included; end events are named by position', () => {
  const trace = new TraceBytes();
  assert.deepEqual(eventTexts(trace.bytes()), []);
  assert.deepEqual(trace.ends, []);
  // Every width UTF-8 has: ASCII, two bytes (é), three (→), four (a surrogate pair), in events from a few bytes to several buffers' worth.
  const events = Array.from({ length: 40 }, (_, index) =>
    JSON.stringify({ type: index % 13 === 12 ? 'end' : 'step', path: `[${index}]`, result: `é→😀x`.repeat(index * index * 3) }),
  );
  events.forEach((event, index) => trace.append(event, index % 13 === 12));
  assert.equal(trace.count, 40);
  assert.deepEqual(eventTexts(trace.bytes()), events);
  assert.deepEqual(trace.ends, [12, 25, 38]);
  assert.equal(Buffer.from(trace.bytes()).toString('utf8'), `${events.join('\n')}\n`, 'UTF-8, a newline after each event');
});
