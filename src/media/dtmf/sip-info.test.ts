import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDtmfInfo } from './sip-info.js';

test('application/dtmf-relay: Signal and Duration, durations clamped', () => {
  assert.deepEqual(parseDtmfInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n'), { digit: '5', durationMs: 160 });
  assert.deepEqual(parseDtmfInfo('Application/DTMF-Relay; charset=x', 'Signal= #\nDuration= 0'), { digit: '#', durationMs: 40 });
  assert.deepEqual(parseDtmfInfo('application/dtmf-relay', 'Signal=*\r\nDuration=600000'), { digit: '*', durationMs: 5000 });
  assert.deepEqual(parseDtmfInfo('application/dtmf-relay', 'Signal=11'), { digit: '#', durationMs: 250 });
  assert.deepEqual(parseDtmfInfo('application/dtmf-relay', 'Signal=a\r\nDuration=abc'), { digit: 'A', durationMs: 250 });
});

test('application/dtmf: the digit alone', () => {
  assert.deepEqual(parseDtmfInfo('application/dtmf', '9\r\n'), { digit: '9', durationMs: 250 });
});

test('bodies without a digit are errors that say why', () => {
  assert.throws(() => parseDtmfInfo('application/dtmf-relay', 'Duration=100'), /no Signal= line/);
  assert.throws(() => parseDtmfInfo('application/dtmf-relay', 'Signal=12x'), /"12x" is not a DTMF signal/);
  assert.throws(() => parseDtmfInfo('application/dtmf', ''), /is not a DTMF signal/);
  assert.throws(() => parseDtmfInfo('text/plain', '5'), /text\/plain carries no DTMF/);
});
