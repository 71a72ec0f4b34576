import assert from 'node:assert/strict';
import { test } from 'node:test';
import { request } from '../../../test/support/sip/transaction-doubles.js';
import type { EventPackage } from './event-package.js';
import { parseEvent, readSubscribeRequest } from './subscribe-request.js';

const LIMITS = { minExpiresSeconds: 60, maxExpiresSeconds: 3600, defaultExpiresSeconds: 3600 };
const packageNamed = (event: string, contentType: string): EventPackage => ({ event, contentType, watchers: 'domain', documents: () => () => '', onChange: () => () => {} });
const PACKAGES = [packageNamed('dialog', 'application/dialog-info+xml'), packageNamed('message-summary', 'application/simple-message-summary')];
const subscribe = (extra: string) => readSubscribeRequest(request({ method: 'SUBSCRIBE', extra }), PACKAGES, LIMITS);

test('the package named in Event, with its id, for the Expires asked', () => {
  const intent = subscribe('Event: dialog;id=7\nExpires: 1800\nAccept: application/dialog-info+xml');
  assert.ok(intent.ok);
  assert.equal(intent.package.event, 'dialog');
  assert.equal(intent.eventId, '7');
  assert.equal(intent.expires, 1800);
});

test('an event package we do not have, or none named, gets 489 with Allow-Events', () => {
  for (const extra of ['Event: conference', 'Expires: 60']) {
    const refusal = subscribe(extra);
    assert.ok(!refusal.ok);
    assert.equal(refusal.status, 489);
    assert.deepEqual(refusal.headers?.['allow-events'], ['dialog', 'message-summary']);
  }
});

test("an Accept without the package's type gets 406; wildcards and no Accept at all take it", () => {
  const refused = subscribe('Event: dialog\nAccept: application/pidf+xml');
  assert.ok(!refused.ok);
  assert.equal(refused.status, 406);
  assert.ok(subscribe('Event: dialog\nAccept: application/rlmi+xml, application/*;q=0.5').ok);
  assert.ok(subscribe('Event: message-summary\nAccept: */*').ok);
  assert.ok(subscribe('Event: message-summary').ok);
});

test('Expires: the default without one, capped at the maximum, 0 kept (unsubscribe), under the minimum 423 with Min-Expires', () => {
  const expiresOf = (extra: string) => {
    const intent = subscribe(`Event: dialog\n${extra}`);
    return intent.ok ? intent.expires : intent.status;
  };
  assert.equal(expiresOf(''), 3600);
  assert.equal(expiresOf('Expires: 86400'), 3600);
  assert.equal(expiresOf('Expires: 0'), 0);
  assert.equal(expiresOf('Expires: 30'), 423);
  assert.equal(expiresOf('Expires: soon'), 400);
  const refusal = subscribe('Event: dialog\nExpires: 30');
  assert.ok(!refusal.ok);
  assert.equal(refusal.headers?.['min-expires'], '60');
});

test('Event parameters other than id are ignored; names compare without case', () => {
  assert.deepEqual(parseEvent('Dialog ; foo=bar ;id=a1'), { name: 'dialog', id: 'a1' });
  assert.deepEqual(parseEvent('message-summary'), { name: 'message-summary', id: undefined });
  assert.equal(parseEvent(''), undefined);
});
