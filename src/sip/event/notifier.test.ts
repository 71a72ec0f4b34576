import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import { SimulatedClock } from '../../clock.js';
import { InMemoryPhoneState } from '../../directory/phone-state.js';
import { LocalAddress } from '../local-address.js';
import { parseMessage, serializeMessage, type SipRequest, type SipResponse } from '../message/index.js';
import type { ClientTransactionUser, ServerTransaction } from '../transaction/index.js';
import { responseTo, sipRequest, UDP_PEER } from '../../../test/support/sip/transaction-doubles.js';
import { dialogPackage } from './dialog-info.js';
import { messageSummaryPackage } from './message-summary.js';
import { Notifier } from './notifier.js';

const DOMAIN = 'example.com';
const LIMITS = { minExpiresSeconds: 60, maxExpiresSeconds: 3600, defaultExpiresSeconds: 3600, maxSubscriptions: 100, maxPerUser: 10 };

interface SentNotify {
  request: SipRequest;
  user: ClientTransactionUser;
}

function setUp(limits = LIMITS) {
  const clock = new SimulatedClock(new Date('2026-12-07T12:00:00Z'));
  const phones = new InMemoryPhoneState();
  const notifies: SentNotify[] = [];
  const users = new Set(['101', '102', '103']);
  const notifier = new Notifier({
    directory: { domain: (name) => (name === DOMAIN ? { name, timeZone: 'UTC', variables: new Map() } : undefined), user: (domain, id) => (domain === DOMAIN && users.has(id) ? ({ id } as never) : undefined) },
    // Who authenticated is the Authorization's username, else the From user: digest itself is the authenticator's business (tested there).
    authenticator: {
      authenticate: ({ request }) => ({ ok: true, username: /username="(\w+)"/.exec(request.headers.get('authorization') ?? '')?.[1] ?? /sip:(\w+)@/.exec(request.headers.get('from') ?? '')?.[1] ?? '' }),
    },
    packages: [dialogPackage(phones), messageSummaryPackage({ summary: async () => ({ newMessages: 1, oldMessages: 2 }), onChange: () => () => {} })],
    limits,
    transactions: {
      // Sent as bytes and parsed back, as the phone reads it.
      sendRequest: (request, _destination, user) => {
        const parsed = parseMessage(serializeMessage(request));
        if (!parsed.ok || parsed.message.type !== 'request') throw new Error('NOTIFY does not parse');
        notifies.push({ request: parsed.message, user });
        return {} as never;
      },
    },
    local: new LocalAddress({ listenAddress: '127.0.0.1', portOf: () => 5060 }),
    clock,
    logger: pino({ level: 'silent' }),
  });
  return { clock, phones, notifies, notifier, users };
}

/** Sends `request` to the notifier; its response. */
function send(notifier: Notifier, request: SipRequest): SipResponse {
  let answer: SipResponse | undefined;
  notifier.handle(request, { respond: (response: SipResponse) => (answer = response) } as unknown as ServerTransaction, UDP_PEER);
  assert.ok(answer, 'answered at once');
  return answer;
}

function subscribe(fields: { from?: string; to?: string; event?: string; expires?: number; toTag?: string; cseq?: number; callId?: string; accept?: string; uri?: string; authenticated?: string }): SipRequest {
  const to = fields.to ?? '102';
  return sipRequest(`SUBSCRIBE ${fields.uri ?? `sip:${to}@${DOMAIN}`} SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-${Math.random().toString(36).slice(2)}
Max-Forwards: 70
From: <sip:${fields.from ?? '101'}@${DOMAIN}>;tag=phone-1
To: <sip:${to}@${DOMAIN}>${fields.toTag ? `;tag=${fields.toTag}` : ''}
Call-ID: ${fields.callId ?? 'sub-1@192.0.2.10'}
CSeq: ${fields.cseq ?? 1} SUBSCRIBE
Contact: <sip:${fields.from ?? '101'}@192.0.2.10:5060>
Event: ${fields.event ?? 'dialog'}
${fields.accept ? `Accept: ${fields.accept}\n` : ''}${fields.authenticated ? `Authorization: Digest username="${fields.authenticated}"\n` : ''}${fields.expires === undefined ? '' : `Expires: ${fields.expires}\n`}Content-Length: 0

`);
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Answers the last NOTIFY sent with `status` and lets the next one go. */
async function answer(notifies: SentNotify[], status = 200): Promise<void> {
  await settle();
  const last = notifies[notifies.length - 1];
  last.user.onResponse(responseTo(last.request, status));
  await settle();
}

const stateOf = (notify: SentNotify) => notify.request.headers.get('subscription-state');
const dialogState = (notify: SentNotify) => /<state>(\w+)<\/state>/.exec(notify.request.body.toString('utf8'))?.[1] ?? 'idle';

test('a SUBSCRIBE is answered 200 with Expires, Contact and a To tag, and at once a NOTIFY in its dialog carries the state', async () => {
  const { notifies, notifier } = setUp();
  const response = send(notifier, subscribe({ expires: 600 }));
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('expires'), '600');
  assert.match(response.headers.get('contact') ?? '', /^<sip:callrouter@127\.0\.0\.1:5060>$/);
  const toTag = /;tag=([^;]+)$/.exec(response.headers.get('to') ?? '')?.[1];
  assert.ok(toTag);
  await settle();
  assert.equal(notifies.length, 1);
  const [notify] = notifies;
  assert.equal(notify.request.method, 'NOTIFY');
  assert.equal(notify.request.uri.user, '101', "to the subscriber's Contact");
  assert.equal(notify.request.headers.get('call-id'), 'sub-1@192.0.2.10');
  assert.equal(notify.request.headers.get('from'), `<sip:102@${DOMAIN}>;tag=${toTag}`);
  assert.equal(notify.request.headers.get('to'), `<sip:101@${DOMAIN}>;tag=phone-1`);
  assert.equal(notify.request.headers.get('event'), 'dialog');
  assert.equal(stateOf(notify), 'active;expires=600');
  assert.equal(notify.request.headers.get('content-type'), 'application/dialog-info+xml');
  assert.ok(notify.request.headers.get('contact'));
  assert.equal(notifier.size, 1);
});

test("the watched user's calls are notified in order, one NOTIFY in flight, each with a higher CSeq", async () => {
  const { notifies, notifier, phones } = setUp();
  send(notifier, subscribe({}));
  await settle();
  const endRinging = phones.beginRinging(DOMAIN, '102');
  await settle();
  assert.equal(notifies.length, 1, 'the next NOTIFY waits for the answer to the one in flight');
  await answer(notifies);
  assert.equal(dialogState(notifies[1]), 'early');
  // Answered: ringing released and the call begun in one moment, which is one change.
  const endCall = phones.beginCall(DOMAIN, '102');
  endRinging();
  await answer(notifies);
  assert.equal(dialogState(notifies[2]), 'confirmed');
  endCall();
  await answer(notifies);
  assert.equal(dialogState(notifies[3]), 'terminated');
  assert.equal(notifies.length, 4);
  const seqs = notifies.map((notify) => Number((notify.request.headers.get('cseq') ?? '').split(' ')[0]));
  assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
  assert.equal(new Set(seqs).size, 4);
  assert.deepEqual(notifies.map((notify) => /version="(\d+)"/.exec(notify.request.body.toString())?.[1]), ['0', '1', '2', '3']);
});

test('a SUBSCRIBE in the dialog refreshes it (200, a NOTIFY with the new expiry); Expires 0 ends it with terminated;reason=timeout', async () => {
  const { notifies, notifier, clock } = setUp();
  const toTag = /;tag=([^;]+)$/.exec(send(notifier, subscribe({ expires: 600 })).headers.get('to') ?? '')?.[1];
  await answer(notifies);
  clock.advance(100_000);
  const refreshed = send(notifier, subscribe({ toTag, cseq: 2, expires: 1200 }));
  assert.equal(refreshed.status, 200);
  assert.equal(refreshed.headers.get('expires'), '1200');
  await answer(notifies);
  assert.equal(stateOf(notifies[1]), 'active;expires=1200');
  assert.equal(send(notifier, subscribe({ toTag, cseq: 2 })).status, 500, 'an old CSeq is out of order');
  assert.equal(send(notifier, subscribe({ toTag, cseq: 3, expires: 0 })).status, 200);
  await settle();
  assert.equal(stateOf(notifies[2]), 'terminated;reason=timeout');
  await answer(notifies);
  assert.equal(notifier.size, 0);
  assert.equal(send(notifier, subscribe({ toTag, cseq: 4 })).status, 481, 'the subscription is gone');
});

test('a subscription not refreshed expires: a final NOTIFY with terminated;reason=timeout', async () => {
  const { notifies, notifier, clock } = setUp();
  send(notifier, subscribe({ expires: 60 }));
  await answer(notifies);
  clock.advance(60_000);
  await settle();
  assert.equal(stateOf(notifies[1]), 'terminated;reason=timeout');
  await answer(notifies);
  assert.equal(notifier.size, 0);
});

test('a NOTIFY answered 481 (or not at all) ends the subscription without another NOTIFY', async () => {
  const { notifies, notifier, phones } = setUp();
  send(notifier, subscribe({}));
  await answer(notifies, 481);
  assert.equal(notifier.size, 0);
  phones.beginCall(DOMAIN, '102');
  await settle();
  assert.equal(notifies.length, 1);

  send(notifier, subscribe({ callId: 'sub-2' }));
  await settle();
  notifies[1].user.onTimeout();
  await settle();
  assert.equal(notifier.size, 0);
});

test('a new SUBSCRIBE with Expires 0 fetches the state: one NOTIFY, terminated', async () => {
  const { notifies, notifier } = setUp();
  assert.equal(send(notifier, subscribe({ expires: 0 })).status, 200);
  await settle();
  assert.equal(notifies.length, 1);
  assert.equal(stateOf(notifies[0]), 'terminated;reason=timeout');
  assert.match(notifies[0].request.body.toString(), /<dialog-info /);
});

test('refusals: unknown user 404, unknown package 489, unacceptable body 406, too brief 423, a mailbox of another user 403', () => {
  const { notifier } = setUp();
  assert.equal(send(notifier, subscribe({ to: '999' })).status, 404);
  const badEvent = send(notifier, subscribe({ event: 'conference' }));
  assert.equal(badEvent.status, 489);
  assert.deepEqual(badEvent.headers.getAll('allow-events'), ['dialog', 'message-summary']);
  assert.equal(send(notifier, subscribe({ accept: 'application/pidf+xml' })).status, 406);
  const brief = send(notifier, subscribe({ expires: 10 }));
  assert.equal(brief.status, 423);
  assert.equal(brief.headers.get('min-expires'), '60');
  assert.equal(send(notifier, subscribe({ event: 'message-summary' })).status, 403);
  assert.equal(send(notifier, subscribe({ event: 'message-summary', from: '102' })).status, 200);
  assert.equal(send(notifier, subscribe({ event: 'message-summary', from: '102', uri: 'sip:192.0.2.1', callId: 'to-only' })).status, 200, 'the mailbox named in To only');
  assert.equal(send(notifier, subscribe({ toTag: 'unknown' })).status, 481);
  assert.equal(send(notifier, subscribe({ from: '101', authenticated: '103', callId: 'spoofed' })).status, 403, "one user's credentials do not watch as another");
});

test('subscriptions are bounded: per user 403, in all 503 with Retry-After', () => {
  const { notifier } = setUp({ ...LIMITS, maxPerUser: 2, maxSubscriptions: 3 });
  assert.deepEqual([1, 2, 3].map((n) => send(notifier, subscribe({ callId: `a-${n}` })).status), [200, 200, 403]);
  assert.equal(send(notifier, subscribe({ callId: 'b-1', from: '103' })).status, 200);
  const full = send(notifier, subscribe({ callId: 'b-2', from: '103' }));
  assert.equal(full.status, 503);
  assert.ok(full.headers.get('retry-after'));
});

test('closing ends every subscription with terminated;reason=deactivated; a deleted user ends those watching it with noresource', async () => {
  const { notifies, notifier } = setUp();
  send(notifier, subscribe({ callId: 'one' }));
  send(notifier, subscribe({ callId: 'two', to: '103' }));
  await settle();
  for (const notify of notifies) notify.user.onResponse(responseTo(notify.request, 200));
  notifier.removeUser(DOMAIN, '103');
  await settle();
  assert.equal(stateOf(notifies[2]), 'terminated;reason=noresource');
  assert.equal(notifies[2].request.body.length, 0, 'a resource that is gone has no state');
  await answer(notifies);
  const closed = notifier.close();
  await settle();
  assert.equal(stateOf(notifies[3]), 'terminated;reason=deactivated');
  await answer(notifies);
  await closed;
  assert.equal(notifier.size, 0);
});
