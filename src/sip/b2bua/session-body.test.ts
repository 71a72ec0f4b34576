import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keptSession, sessionOf } from './session-body.js';

test('a kept session gives back its bytes exactly, whatever the message it came in does after', () => {
  const datagram = Buffer.concat([Buffer.from('INVITE sip:x SIP/2.0\r\n\r\n'), Buffer.from('v=0\r\ns=caf\u00e9\r\n', 'utf8'), Buffer.from([0xff, 0x00, 0x80])]);
  const body = datagram.subarray(24);
  const expected = Buffer.from(body);
  const kept = keptSession({ body, contentType: 'application/sdp' });
  datagram.fill(0);
  const session = sessionOf(kept);
  assert.deepEqual(session.body, expected);
  assert.equal(session.contentType, 'application/sdp');
  assert.notEqual(sessionOf(kept).body, session.body, 'a new Buffer each time: nobody shares one to write into');
});
