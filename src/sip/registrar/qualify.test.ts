import assert from 'node:assert/strict';
import { once, EventEmitter } from 'node:events';
import { test } from 'node:test';
import { buildResponse, type SipRequest } from '../message/index.js';
import { LocalAddress } from '../local-address.js';
import type { ClientTransactionUser } from '../transaction/index.js';
import type { Binding } from './bindings.js';
import { Qualifier } from './qualify.js';

function binding(): Binding {
  return { contact: '<sip:101@192.0.2.10:5062>', key: 'sip:101@192.0.2.10:5062', callId: 'r1', cseq: 1, expiresAt: Date.now() + 600_000, source: { transport: 'udp', address: '192.0.2.10', port: 5062 } };
}

test('asks each contact, reports what it learnt, asks no contact twice at once, and abandons what is unanswered at stop', async () => {
  const registered = binding();
  const sent = new EventEmitter();
  const asked: { request: SipRequest; user: ClientTransactionUser; abandoned: boolean }[] = [];
  const learnt: string[] = [];
  const qualifier = new Qualifier({
    intervalMs: 10,
    registrations: {
      allBindings: () => [{ domain: 'example.com', user: '101', binding: registered }],
      markReachable: (_domain, user, _binding, reachable, why) => learnt.push(`${user} ${reachable}: ${why}`),
    },
    send: (request, _destination, user) => {
      const entry = { request, user, abandoned: false };
      asked.push(entry);
      sent.emit('sent');
      return { abandon: () => (entry.abandoned = true) };
    },
    local: new LocalAddress({ listenAddress: '198.51.100.1', portOf: () => 5060 }),
  });
  qualifier.start();
  // The qualifier's timer does not keep a process alive (a router's does); this test's must.
  const keepAlive = setInterval(() => {}, 1_000);
  try {
    await once(sent, 'sent');
    const first = asked[0];
    assert.equal(first.request.method, 'OPTIONS');
    assert.equal(first.request.headers.get('to'), '<sip:101@192.0.2.10:5062>');
    // Unanswered, it is not asked again meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(asked.length, 1);
    first.user.onTimeout();
    await once(sent, 'sent');
    asked[1].user.onResponse(buildResponse(asked[1].request, 405));
    await once(sent, 'sent');
    assert.deepEqual(learnt, ['101 false: no answer to OPTIONS', '101 true: answered OPTIONS with 405']);
  } finally {
    qualifier.stop();
    clearInterval(keepAlive);
  }
  assert.equal(asked.at(-1)!.abandoned, true, 'the OPTIONS unanswered at stop is abandoned');
});
