/** A stack that records what an OutboundLeg sends, and a leg on it whose responses a test hands in (outbound-leg*.test.ts). */
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { buildResponse, parseCSeq, parseUri, parseVia, type ExtraHeaders, type SerializedRequest, type SipRequest, type SipResponse } from '../../../src/sip/message/index.js';
import { LocalAddress } from '../../../src/sip/local-address.js';
import type { ClientTransaction, ClientTransactionUser } from '../../../src/sip/transaction/index.js';
import type { Destination } from '../../../src/sip/transport/index.js';
import { OutboundLeg, type OutboundTarget } from '../../../src/sip/b2bua/outbound-leg.js';
import { systemClock } from '../../../src/clock.js';
import type { SipStack } from '../../../src/sip/b2bua/sip-stack.js';
import { sentRequest } from './transaction-doubles.js';

export interface SentRequest {
  request: SipRequest;
  destination: Destination;
  user: ClientTransactionUser;
}

export const GATEWAY: Destination = { transport: 'udp', address: '192.0.2.50', port: 5060 };

export function fakeStack() {
  const sent: SentRequest[] = [];
  const acks: { ack: SipRequest; sent: SipRequest | SerializedRequest; destination: Destination }[] = [];
  const stack: SipStack = {
    transactions: {
      sendRequest(request, destination, user) {
        sent.push({ request, destination, user });
        return undefined as unknown as ClientTransaction;
      },
    },
    sendAck: (ack, destination) => acks.push({ ack: sentRequest(ack), sent: ack, destination }),
    local: new LocalAddress({ listenAddress: '198.51.100.1', portOf: () => 5060 }),
    timers: { t1: 10, t2: 40, t4: 50 },
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    dialogs: new Map(),
  };
  const of = (method: string) => sent.filter((entry) => entry.request.method === method);
  return { stack, sent, acks, of };
}

export function target(overrides: Partial<OutboundTarget> = {}): OutboundTarget {
  const uri = parseUri('sip:380441234567@192.0.2.50');
  assert.ok(uri.ok);
  return {
    requestUri: uri.value,
    destination: GATEWAY,
    from: '"Agent 100" <sip:100@198.51.100.1>',
    to: '<sip:380441234567@192.0.2.50>',
    maxForwards: 69,
    ...overrides,
  };
}

export const OFFER = { body: Buffer.from('v=0\r\n'), contentType: 'application/sdp' };

export function reply(request: SipRequest, status: number, toTag = 'gw-1', headers: ExtraHeaders = {}): SipResponse {
  const response = buildResponse(request, status, undefined, headers, status === 100 ? undefined : toTag);
  if (status >= 200 && status < 300 && !response.headers.has('contact')) response.headers.set('contact', '<sip:gw@192.0.2.50:5060>');
  return response;
}

export function setup(overrides: Partial<OutboundTarget> = {}) {
  const fake = fakeStack();
  const leg = new OutboundLeg(fake.stack, target(overrides));
  const events = { provisional: [] as number[], answered: [] as number[], failed: [] as number[] };
  leg.setup.onProvisional = (response) => events.provisional.push(response.status);
  leg.setup.onAnswer = (response) => events.answered.push(response.status);
  leg.setup.onFailure = (status) => events.failed.push(status);
  leg.start(OFFER);
  const invite = () => fake.of('INVITE').at(-1)!;
  const respond = (status: number, toTag?: string, headers?: ExtraHeaders) => {
    const { request, user } = invite();
    user.onResponse(reply(request, status, toTag, headers));
  };
  return { ...fake, leg, events, invite, respond };
}

export function cseq(request: SipRequest) {
  const parsed = parseCSeq(request.headers.get('cseq') ?? '');
  assert.ok(parsed.ok);
  return parsed.value;
}

export function branch(request: SipRequest): string | undefined {
  const via = parseVia(request.headers.get('via') ?? '');
  return via.ok ? (via.value.params.get('branch') ?? undefined) : undefined;
}

