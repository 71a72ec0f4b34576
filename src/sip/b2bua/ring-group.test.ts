import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { bridgeFailureCause, planBridge } from '../../call/bridge-policy.js';
import type { BridgeEndpoint, BridgeRequest } from '../../call/call.js';
import { SimulatedClock } from '../../clock.js';
import { buildResponse, formatUri, type SipRequest, type SipResponse } from '../message/index.js';
import { LocalAddress } from '../local-address.js';
import type { Binding } from '../registrar/index.js';
import type { ClientTransaction, ClientTransactionUser } from '../transaction/index.js';
import type { Destination, Source } from '../transport/index.js';
import type { TargetContext } from './bridge-targets.js';
import { ring, type ForkObserver, type RingOutcome } from './ring-group.js';
import type { SipStack } from './sip-stack.js';
import { testDirectory } from '../../../test/support/engine.js';
import { sentRequest } from '../../../test/support/sip/transaction-doubles.js';

interface Sent {
  request: SipRequest;
  destination: Destination;
  user: ClientTransactionUser;
}

const SOURCE: Source = { transport: 'udp', address: '203.0.113.10', port: 40000 };

function harness() {
  const sent: Sent[] = [];
  const acks: SipRequest[] = [];
  const clock = new SimulatedClock(new Date('2026-11-24T10:00:00Z'));
  const stack: SipStack = {
    transactions: {
      sendRequest(request, destination, user) {
        sent.push({ request, destination, user });
        return undefined as unknown as ClientTransaction;
      },
    },
    sendAck: (ack) => acks.push(sentRequest(ack)),
    local: new LocalAddress({ listenAddress: '198.51.100.1', portOf: () => 5060 }),
    timers: { t1: 10, t2: 40, t4: 50 },
    clock,
    logger: pino({ level: 'silent' }),
    dialogs: new Map(),
  };
  const unreachable: string[] = [];
  const contacts: Record<string, string[]> = { '100': ['sip:100@10.0.0.10'], '101': ['sip:101@10.0.0.11', 'sip:101@10.0.0.12'], '102': ['sip:102@10.0.0.13'] };
  const context: TargetContext = {
    domain: 'example.com',
    directory: testDirectory(),
    contactsOf: (_domain, user) =>
      (contacts[user] ?? []).map((uri): Binding => {
        return { contact: `<${uri}>`, key: uri, callId: 'r', cseq: 1, expiresAt: Date.now() + 60_000, source: SOURCE };
      }),
    contactUnreachable: (_domain, user, binding, why) => unreachable.push(`${user} ${binding.key}: ${why}`),
    gateways: { find: () => undefined, fromSource: () => undefined },
    localHost: () => '198.51.100.1',
    callerIdNumber: '200',
    callerIdName: undefined,
    maxForwards: 69,
  };
  const log: string[] = [];
  const observed: string[] = [];
  const observer: ForkObserver = {
    started: (fork) => observed.push(`started ${formatUri(fork.target.requestUri)}`),
    progress: (fork, _leg, response) => observed.push(`progress ${formatUri(fork.target.requestUri)} ${response.status}`),
    answered: (fork) => observed.push(`answered ${formatUri(fork.target.requestUri)}`),
    failed: (fork, _leg, cause) => observed.push(`failed ${formatUri(fork.target.requestUri)} ${cause}`),
  };
  const controller = new AbortController();
  const run = (strategy: BridgeRequest['strategy'], endpoints: Partial<BridgeEndpoint>[], parameters: Record<string, string> = {}): Promise<RingOutcome> => {
    const request = { strategy, endpoints: endpoints.map((e) => ({ type: 'user' as const, name: '101', parameters: {}, ...e })), parameters, exportedVariables: {}, codecs: [] };
    const planned = planBridge(request, () => undefined);
    assert.ok(planned.ok);
    return ring({
      stack,
      context,
      plan: planned.plan,
      clock,
      offer: { body: Buffer.from('v=0\r\n'), contentType: 'application/sdp' },
      signal: controller.signal,
      observer,
      log: (message) => log.push(message),
    });
  };
  const invites = () => sent.filter((entry) => entry.request.method === 'INVITE');
  const inviteTo = (uri: string) => {
    const found = invites().find((entry) => formatUri(entry.request.uri) === uri);
    assert.ok(found, `an INVITE to ${uri}`);
    return found;
  };
  const respond = (uri: string, status: number, toTag = `tag-${uri.replace(/\W/g, '-')}`) => {
    const { request, user } = inviteTo(uri);
    const response: SipResponse = buildResponse(request, status, undefined, status >= 200 && status < 300 ? { contact: `<${uri}>` } : undefined, toTag);
    user.onResponse(response);
  };
  const cancels = () => sent.filter((entry) => entry.request.method === 'CANCEL').map((entry) => formatUri(entry.request.uri));
  return { stack, clock, sent, acks, log, observed, unreachable, controller, run, invites, inviteTo, respond, cancels };
}

/** Lets the ring group resolve its endpoints and send its INVITEs. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('multiple: every contact of every endpoint rings; the first 2xx wins and the others are cancelled', async () => {
  const h = harness();
  const outcome = h.run('multiple', [{ name: '101' }, { name: '102' }]);
  await settle();
  assert.equal(h.invites().length, 3);
  h.respond('sip:101@10.0.0.11', 180);
  h.respond('sip:102@10.0.0.13', 180);
  h.respond('sip:101@10.0.0.12', 100);
  h.respond('sip:102@10.0.0.13', 200);
  const result = await outcome;
  assert.ok(result.answered);
  assert.equal(formatUri(result.fork.target.requestUri), 'sip:102@10.0.0.13');
  assert.equal(result.response.status, 200);
  assert.deepEqual(h.cancels().sort(), ['sip:101@10.0.0.11', 'sip:101@10.0.0.12']);
  assert.ok(h.observed.includes('answered sip:102@10.0.0.13'));
  assert.ok(h.observed.includes('failed sip:101@10.0.0.11 LOSE_RACE'));
  assert.ok(h.observed.includes('progress sip:101@10.0.0.11 180'));
});

test('multiple: a fork answering after the race is decided is ACKed and hung up', async () => {
  const h = harness();
  const outcome = h.run('multiple', [{ name: '101' }]);
  await settle();
  h.respond('sip:101@10.0.0.11', 180);
  h.respond('sip:101@10.0.0.12', 180);
  h.respond('sip:101@10.0.0.11', 200);
  assert.ok((await outcome).answered);
  h.respond('sip:101@10.0.0.12', 200);
  assert.equal(h.acks.length, 1, 'the late 2xx is ACKed (the winner is ACKed by the caller of ring)');
  assert.equal(h.sent.filter((entry) => entry.request.method === 'BYE').length, 1);
});

test('multiple: when every fork fails, the overall cause follows the precedence and unringable endpoints are attempts too', async () => {
  const h = harness();
  const outcome = h.run('multiple', [{ name: '999' }, { name: '101' }, { name: '102' }]);
  await settle();
  h.respond('sip:101@10.0.0.11', 603);
  h.respond('sip:101@10.0.0.12', 486);
  h.respond('sip:102@10.0.0.13', 480);
  const result = await outcome;
  assert.equal(result.answered, false);
  assert.ok(!result.answered);
  assert.equal(bridgeFailureCause(result.attempts), 'USER_BUSY');
  assert.deepEqual(result.attempts.map((attempt) => attempt.endpointIndex).sort(), [0, 1, 1, 2]);
  assert.ok(result.attempts.some((attempt) => attempt.endpointIndex === 0 && attempt.cause === 'SUBSCRIBER_ABSENT'));
  assert.equal(h.log.length, 1);
});

test('failover: the next endpoint rings only once the previous one failed', async () => {
  const h = harness();
  const outcome = h.run('failover', [{ name: '102' }, { name: '100' }]);
  await settle();
  assert.deepEqual(h.invites().map((entry) => formatUri(entry.request.uri)), ['sip:102@10.0.0.13']);
  h.respond('sip:102@10.0.0.13', 486);
  await settle();
  assert.deepEqual(h.invites().map((entry) => formatUri(entry.request.uri)), ['sip:102@10.0.0.13', 'sip:100@10.0.0.10']);
  h.respond('sip:100@10.0.0.10', 200);
  const result = await outcome;
  assert.ok(result.answered);
  assert.equal(result.fork.endpointIndex, 1);
});

test('leg_timeout: a fork that rings out its time is cancelled with NO_ANSWER', async () => {
  const h = harness();
  const outcome = h.run('multiple', [{ name: '102', parameters: { leg_timeout: '15' } }]);
  await settle();
  h.respond('sip:102@10.0.0.13', 180);
  h.clock.advance(14_999);
  assert.deepEqual(h.cancels(), [], 'still ringing just before its time');
  h.clock.advance(1);
  const result = await outcome;
  assert.ok(!result.answered);
  assert.equal(bridgeFailureCause(result.attempts), 'NO_ANSWER');
  assert.deepEqual(h.cancels(), ['sip:102@10.0.0.13']);
});

test('the caller going away cancels every fork: ORIGINATOR_CANCEL', async () => {
  const h = harness();
  const outcome = h.run('multiple', [{ name: '101' }]);
  await settle();
  h.respond('sip:101@10.0.0.11', 180);
  h.controller.abort();
  const result = await outcome;
  assert.ok(!result.answered);
  assert.equal(bridgeFailureCause(result.attempts), 'ORIGINATOR_CANCEL');
  assert.deepEqual(h.cancels(), ['sip:101@10.0.0.11'], 'CANCEL only where a provisional came');
  h.respond('sip:101@10.0.0.12', 180);
  assert.deepEqual(h.cancels().sort(), ['sip:101@10.0.0.11', 'sip:101@10.0.0.12'], 'the other once it rings');
});

test('no endpoint can be rung: the first cause, no INVITE', async () => {
  const h = harness();
  const result = await h.run('multiple', [{ name: '999' }, { type: 'device', name: 'desk' }]);
  assert.ok(!result.answered);
  assert.equal(bridgeFailureCause(result.attempts), 'SUBSCRIBER_ABSENT');
  assert.equal(h.invites().length, 0);
});

test('a contact that gets no answer or a transport error is reported unreachable; one that answers, even with 503, is not', async () => {
  const h = harness();
  const outcome = h.run('multiple', [{ name: '101' }, { name: '102' }, { name: '100', parameters: { leg_timeout: '5' } }]);
  await settle();
  h.inviteTo('sip:101@10.0.0.11').user.onTransportError(new Error('connect ECONNREFUSED'));
  h.respond('sip:101@10.0.0.12', 503);
  h.inviteTo('sip:102@10.0.0.13').user.onTimeout();
  // 100 rings out first; its INVITE's transaction times out only later, and that still counts.
  h.clock.advance(5_000);
  h.inviteTo('sip:100@10.0.0.10').user.onTimeout();
  const result = await outcome;
  assert.ok(!result.answered);
  assert.deepEqual(h.unreachable, [
    '101 sip:101@10.0.0.11: INVITE could not be delivered: connect ECONNREFUSED',
    '102 sip:102@10.0.0.13: no answer to INVITE',
    '100 sip:100@10.0.0.10: no answer to INVITE',
  ]);
});
