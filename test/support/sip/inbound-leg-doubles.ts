/**
 * An InboundLeg on a stack that sends nothing: the caller's INVITE, the
 * leg with every response it gave recorded, and the ACK of its 200.
 */
import { pino } from 'pino';
import type { SipRequest, SipResponse } from '../../../src/sip/message/index.js';
import { LocalAddress } from '../../../src/sip/local-address.js';
import type { ClientTransaction, ServerTransaction } from '../../../src/sip/transaction/index.js';
import type { Source } from '../../../src/sip/transport/index.js';
import { InboundLeg } from '../../../src/sip/b2bua/inbound-leg.js';
import { SimulatedClock } from '../../../src/clock.js';
import type { SipStack } from '../../../src/sip/b2bua/sip-stack.js';
import { sipRequest, UDP_PEER } from './transaction-doubles.js';

export const T1 = 10;
export const T2 = 40;

export function fakeStack(clock: SimulatedClock): SipStack {
  return {
    transactions: { sendRequest: () => undefined as unknown as ClientTransaction },
    sendAck: () => {},
    local: new LocalAddress({ listenAddress: '198.51.100.1', portOf: () => 5060 }),
    timers: { t1: T1, t2: T2, t4: 50 },
    clock,
    logger: pino({ level: 'silent' }),
    dialogs: new Map(),
  };
}

export function invite(extra = 'Contact: <sip:100@192.0.2.10:5060>\n'): SipRequest {
  return sipRequest(`INVITE sip:200@example.com SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-in
Max-Forwards: 70
From: <sip:100@example.com>;tag=caller-1
To: <sip:200@example.com>
Call-ID: in-1@192.0.2.10
CSeq: 5 INVITE
${extra}Content-Type: application/sdp
Content-Length: 5

v=0
`);
}

export function setup(source: Source = UDP_PEER, request = invite()) {
  const clock = new SimulatedClock(new Date('2026-11-24T10:00:00Z'));
  const stack = fakeStack(clock);
  const tick = (ms: number) => clock.advance(ms);
  const responses: SipResponse[] = [];
  const transaction = { respond: (response: SipResponse) => responses.push(response), reliable: source.transport === 'tcp' } as unknown as ServerTransaction;
  const leg = new InboundLeg(stack, request, transaction, source);
  const events = { cancel: 0, ackTimeout: 0, acks: [] as SipRequest[] };
  leg.setup.onCancel = () => events.cancel++;
  leg.setup.onAckTimeout = () => events.ackTimeout++;
  leg.setup.onAck = (ack) => events.acks.push(ack);
  const statuses = () => responses.map((response) => response.status);
  return { stack, leg, responses, statuses, events, tick };
}

export function ackFor(leg: InboundLeg): SipRequest {
  return sipRequest(`ACK sip:callrouter@198.51.100.1:5060 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-ack
Max-Forwards: 70
From: <sip:100@example.com>;tag=caller-1
To: <sip:200@example.com>;tag=${leg.localTag}
Call-ID: in-1@192.0.2.10
CSeq: 5 ACK
Content-Length: 0

`);
}

export const ANSWER = { body: Buffer.from('v=0\r\n'), contentType: 'application/sdp' };

/** A request from the caller inside the leg's dialog (early or confirmed). */
export function inDialogRequest(leg: InboundLeg, method: string, seq: number): SipRequest {
  return sipRequest(`${method} sip:callrouter@198.51.100.1:5060 SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-${method}${seq}
Max-Forwards: 70
From: <sip:100@example.com>;tag=caller-1
To: <sip:200@example.com>;tag=${leg.localTag}
Call-ID: in-1@192.0.2.10
CSeq: ${seq} ${method}
Content-Length: 0

`);
}
