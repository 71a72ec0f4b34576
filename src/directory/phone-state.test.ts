import assert from 'node:assert/strict';
import { Session } from 'node:inspector/promises';
import { test } from 'node:test';
import { InMemoryPhoneState } from './phone-state.js';

/** Long enough for V8 to keep a slice of the text rather than a copy. */
const DOMAIN = 'office.contact-centre.example.com';

async function liveHeapBytes(): Promise<number> {
  // A full collection through the inspector protocol (no --expose-gc in the test runner).
  const inspector = new Session();
  inspector.connect();
  await inspector.post('HeapProfiler.collectGarbage');
  inspector.disconnect();
  return process.memoryUsage().heapUsed;
}

test('a user and domain cut from a request do not keep the request alive in the phone state', async () => {
  const phones = new InMemoryPhoneState();
  const users = 2_000;
  const requestBytes = 8_192;
  const before = await liveHeapBytes();
  for (let index = 0; index < users; index += 1) {
    // As the parser leaves them: the user and the domain are slices of the whole request's text.
    const request = `REGISTER sip:${DOMAIN} SIP/2.0\r\nTo: <sip:${100_000 + index}@${DOMAIN}>\r\n${'X'.repeat(requestBytes)}`;
    const user = request.indexOf('<sip:') + 5;
    const domain = request.indexOf('@', user) + 1;
    phones.setRegistrations(request.slice(domain, request.indexOf('>', domain)), request.slice(user, domain - 1), 1);
  }
  const perUser = ((await liveHeapBytes()) - before) / users;
  assert.equal(phones.state(DOMAIN, '100042'), 'onhook');
  assert.ok(perUser < requestBytes / 4, `${Math.round(perUser)} bytes kept per registered user: the requests are still held`);
});
