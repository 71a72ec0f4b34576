import assert from 'node:assert/strict';
import { test } from 'node:test';
import { liveMemoryBytes } from '../../test/support/live-memory.js';
import { InMemoryPhoneState } from './phone-state.js';

/** Long enough for V8 to keep a slice of the text rather than a copy. */
const DOMAIN = 'office.contact-centre.example.com';

test('a user and domain cut from a request do not keep the request alive in the phone state', async () => {
  const phones = new InMemoryPhoneState();
  const users = 2_000;
  const requestBytes = 8_192;
  const before = await liveMemoryBytes();
  for (let index = 0; index < users; index += 1) {
    // As the parser leaves them: the user and the domain are slices of the whole request's text.
    const request = `REGISTER sip:${DOMAIN} SIP/2.0\r\nTo: <sip:${100_000 + index}@${DOMAIN}>\r\n${'X'.repeat(requestBytes)}`;
    const user = request.indexOf('<sip:') + 5;
    const domain = request.indexOf('@', user) + 1;
    phones.setRegistrations(request.slice(domain, request.indexOf('>', domain)), request.slice(user, domain - 1), 1);
  }
  const perUser = ((await liveMemoryBytes()) - before) / users;
  assert.equal(phones.state(DOMAIN, '100042'), 'onhook');
  assert.ok(perUser < requestBytes / 4, `${Math.round(perUser)} bytes kept per registered user: the requests are still held`);
});
