/** Gateway registration when the carrier refuses, fails or is unreachable: back-off, Retry-After, retries, 423. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setup } from '../../../test/support/sip/gateway-carrier.js';

test('403 backs off 30 s, doubling to 5 minutes, and a success resets the back-off', () => {
  const { clock, carrier, registrations, status, lines } = setup();
  registrations.start();
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    carrier.answer(403);
    assert.equal(status().state, 'failed');
    assert.equal(status().lastStatus, 403);
    assert.equal(status().failures, i + 1);
    const delay = status().nextAttemptAt! - clock.now().getTime();
    delays.push(delay);
    const before = carrier.sent.length;
    clock.advance(delay - 1);
    assert.equal(carrier.sent.length, before, 'retried before the back-off ran out');
    clock.advance(1);
    assert.equal(carrier.sent.length, before + 1, 'not retried after the back-off');
  }
  assert.deepEqual(delays, [30_000, 60_000, 120_000, 240_000, 300_000, 300_000]);
  assert.ok(lines.some((line) => line.msg === 'gateway registration failed' && line.status === 403 && line.level === 40));

  carrier.answer(200, { expires: '600' });
  assert.equal(status().failures, 0);
  clock.advance(300_000);
  carrier.answer(503);
  assert.equal(status().nextAttemptAt! - clock.now().getTime(), 30_000, 'the back-off did not start over');
  registrations.stop();
});

test('Retry-After of a 503 is honoured within the cap', () => {
  const { clock, carrier, registrations, status } = setup();
  registrations.start();
  carrier.answer(503, { 'retry-after': '120 (maintenance)' });
  assert.equal(status().nextAttemptAt! - clock.now().getTime(), 120_000);
  registrations.stop();
});

test('a timeout and a transport error are failures retried later', () => {
  const { clock, carrier, registrations, status } = setup();
  registrations.start();
  carrier.last.user.onTimeout();
  assert.equal(status().state, 'failed');
  assert.equal(status().lastStatus, 408);
  clock.advance(30_000);
  carrier.last.user.onTransportError(new Error('ECONNREFUSED'));
  assert.equal(status().lastStatus, 503);
  assert.match(status().reason ?? '', /ECONNREFUSED/);
  clock.advance(60_000);
  assert.equal(carrier.sent.length, 3);
  registrations.stop();
});

test('a host that does not resolve fails the attempt and is retried', () => {
  let resolved = false;
  const { clock, carrier, registrations, status } = setup({ resolved: () => resolved });
  registrations.start();
  assert.equal(carrier.sent.length, 0);
  assert.equal(status().state, 'failed');
  assert.equal(status().lastStatus, 503);
  resolved = true;
  clock.advance(30_000);
  assert.equal(carrier.sent.length, 1);
  registrations.stop();
});

test('423 Interval Too Brief is asked again with Min-Expires', () => {
  const { carrier, registrations, status } = setup({ expires: 60 });
  registrations.start();
  assert.equal(carrier.last.request.headers.get('expires'), '60');
  carrier.answer(423, { 'min-expires': '300' });
  assert.equal(carrier.sent.length, 2);
  assert.equal(carrier.last.request.headers.get('expires'), '300');
  carrier.answer(200, { expires: '300' });
  assert.equal(status().state, 'registered');
  registrations.stop();
});
