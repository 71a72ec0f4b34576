/**
 * Test doubles for the SIP layers: a transport that records what it was
 * asked to send, and messages written as SIP text. Used by the tests of
 * transactions, the registrar and the server; not by production code.
 */
import { parseMessage, type OutgoingMessage, type SerializedRequest, type SipMessage, type SipRequest, type SipResponse } from '../../../src/sip/message/index.js';
import type { Destination, Source } from '../../../src/sip/transport/index.js';
import type { ClientTransactionUser } from '../../../src/sip/transaction/transaction-user.js';
import type { TransactionTransport } from '../../../src/sip/transaction/transport.js';

export interface SentMessage {
  /** Parsed back when it was sent as bytes, so tests read every message the same way. */
  message: SipMessage;
  destination: Destination;
  bytes?: Buffer;
}

export class FakeTransport implements TransactionTransport {
  readonly sent: SentMessage[] = [];
  /** When set, every send fails with it, as a dead TCP connection would. */
  failWith: Error | undefined;

  send(message: OutgoingMessage, destination: Destination, done: (error: Error | null) => void): void {
    const failure = this.failWith ?? null;
    // Told later, as the real transport tells it.
    queueMicrotask(() => done(failure));
    if (failure) return;
    if (message.type === 'serialized-response' || message.type === 'serialized-request') this.sent.push({ message: sipMessage(message.bytes.toString('utf8')), destination, bytes: message.bytes });
    else this.sent.push({ message, destination });
  }

  requests(method?: string): SipRequest[] {
    return this.sent
      .map((entry) => entry.message)
      .filter((message): message is SipRequest => message.type === 'request' && (method === undefined || message.method === method));
  }

  responses(): SipResponse[] {
    return this.sent.map((entry) => entry.message).filter((message): message is SipResponse => message.type === 'response');
  }

  statuses(): number[] {
    return this.responses().map((response) => response.status);
  }
}

export const UDP_PEER: Source = { transport: 'udp', address: '192.0.2.10', port: 5060 };
export const TCP_PEER: Source = { transport: 'tcp', address: '192.0.2.10', port: 5060, connectionId: 1 };

/** Parses SIP text written with `\n` line ends in tests. */
export function sipMessage(text: string): SipMessage {
  const parsed = parseMessage(Buffer.from(text.replace(/\r?\n/g, '\r\n')));
  if (!parsed.ok) throw new Error(`test message does not parse: ${parsed.error.reason}`);
  return parsed.message;
}

/** A request as a stack sends it (an ACK is kept as bytes, to be re-sent), parsed back so tests read it as any other. */
export function sentRequest(request: SipRequest | SerializedRequest): SipRequest {
  return request.type === 'request' ? request : sipRequest(request.bytes.toString('utf8'));
}

export function sipRequest(text: string): SipRequest {
  const message = sipMessage(text);
  if (message.type !== 'request') throw new Error('expected a request');
  return message;
}

export function sipResponse(text: string): SipResponse {
  const message = sipMessage(text);
  if (message.type !== 'response') throw new Error('expected a response');
  return message;
}

export interface RequestFields {
  method: string;
  branch?: string;
  transport?: 'UDP' | 'TCP';
  cseq?: number;
  callId?: string;
  toTag?: string;
  extra?: string;
}

/** A request from 192.0.2.10 (alice) to bob@example.com with the given method and branch. */
export function request(fields: RequestFields): SipRequest {
  const branch = fields.branch ?? 'z9hG4bK-test-1';
  const toTag = fields.toTag ? `;tag=${fields.toTag}` : '';
  return sipRequest(
    `${fields.method} sip:bob@example.com SIP/2.0
Via: SIP/2.0/${fields.transport ?? 'UDP'} 192.0.2.10:5060;branch=${branch}
Max-Forwards: 70
From: <sip:alice@example.com>;tag=from-1
To: <sip:bob@example.com>${toTag}
Call-ID: ${fields.callId ?? 'call-1@192.0.2.10'}
CSeq: ${fields.cseq ?? 1} ${fields.method}
${fields.extra ? `${fields.extra}\n` : ''}Content-Length: 0

`,
  );
}

/** A response to `request` with the given status; `cseqMethod` overrides the method in CSeq. */
export function responseTo(req: SipRequest, status: number, toTag = 'to-1', cseqMethod?: string): SipResponse {
  const cseq = (req.headers.get('cseq') ?? '').split(' ')[0];
  return sipResponse(
    `SIP/2.0 ${status} Status
${req.headers
  .getAll('via')
  .map((via) => `Via: ${via}`)
  .join('\n')}
From: ${req.headers.get('from')}
To: ${req.headers.get('to')}${status > 100 && !(req.headers.get('to') ?? '').includes('tag=') ? `;tag=${toTag}` : ''}
Call-ID: ${req.headers.get('call-id')}
CSeq: ${cseq} ${cseqMethod ?? req.method}
Content-Length: 0

`,
  );
}

/** A client TU that remembers what it was told. */
export class RecordingClientUser implements ClientTransactionUser {
  readonly responses: SipResponse[] = [];
  timeouts = 0;
  transportErrors = 0;

  onResponse(response: SipResponse): void {
    this.responses.push(response);
  }

  onTimeout(): void {
    this.timeouts++;
  }

  onTransportError(): void {
    this.transportErrors++;
  }
}

/**
 * Advances mocked time in `stepMs` steps up to `durationMs` and returns the
 * times (since the call) at which the transport was asked to send.
 */
export function sendTimes(tick: (ms: number) => void, transport: FakeTransport, durationMs: number, stepMs = 250): number[] {
  const times: number[] = [];
  let seen = transport.sent.length;
  for (let now = stepMs; now <= durationMs; now += stepMs) {
    tick(stepMs);
    for (; seen < transport.sent.length; seen++) times.push(now);
  }
  return times;
}
