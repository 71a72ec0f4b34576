/**
 * The signalling half of a call for media tests, no more: INVITE with our
 * SDP to a UAS on loopback (sipp, baresip), ACK its 200, BYE at the end. The
 * INVITE is repeated until the peer, which may still be starting, answers.
 * In the dialog, re-INVITEs are answered 200 with our SDP again, BYEs 200.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

export interface UacCall {
  /** The SDP of the peer's 200 OK. */
  answerSdp: string;
  /** Every message received in the call so far, in order (provisional responses included). */
  readonly received: readonly string[];
  /** Requests the peer sent in the dialog that we answered (re-INVITEs). */
  readonly requests: readonly string[];
  /** Sends an INFO in the dialog; resolves with its final status. */
  info(contentType: string, body: string): Promise<number>;
  /** A re-INVITE with `sdp` (none: empty), ACKed with `answerSdp`; resolves with the final response. */
  reinvite(sdp: string, answerSdp?: string): Promise<string>;
  bye(): Promise<void>;
}

export async function callUas(port: number, offerSdp: string, user = 'peer', from = 'caller'): Promise<UacCall> {
  const socket: Socket = createSocket('udp4');
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  const ourPort = socket.address().port;
  const callId = `media-${process.pid}-${Date.now()}@127.0.0.1`;
  let branch = 0;
  const request = (method: string, cseq: number, toTag: string, body = '', contentType = 'application/sdp') =>
    [
      `${method} sip:${user}@127.0.0.1:${port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${ourPort};branch=z9hG4bK-media-${++branch}`,
      'Max-Forwards: 70',
      `From: <sip:${from}@127.0.0.1>;tag=caller1`,
      `To: <sip:${user}@127.0.0.1:${port}>${toTag ? `;tag=${toTag}` : ''}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${method}`,
      `Contact: <sip:${from}@127.0.0.1:${ourPort}>`,
      ...(body ? [`Content-Type: ${contentType}`] : []),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  const responses: string[] = [];
  const requests: string[] = [];
  socket.on('message', (message, from) => {
    const text = message.toString();
    if (text.startsWith('SIP/2.0 ')) return responses.push(text);
    requests.push(text);
    // A re-INVITE (our offer again as the answer: the same port and codecs) and BYE get 200; ACK needs nothing.
    const method = text.slice(0, text.indexOf(' '));
    if (method === 'ACK') return;
    const copied = text.split('\r\n').filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line));
    const body = method === 'INVITE' ? offerSdp : '';
    const response = ['SIP/2.0 200 OK', ...copied, `Contact: <sip:caller@127.0.0.1:${ourPort}>`, ...(body ? ['Content-Type: application/sdp'] : []), `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
    socket.send(response, from.port, from.address);
  });
  const ok = () => responses.find((response) => response.startsWith('SIP/2.0 200') && / INVITE\r\n/.test(response));
  const invite = request('INVITE', 1, '', offerSdp);
  for (let attempt = 0; attempt < 40 && !ok(); attempt++) {
    socket.send(invite, port, '127.0.0.1');
    await sleep(250);
  }
  const answer = ok();
  if (!answer) {
    socket.close();
    throw new Error(`no 200 OK to the INVITE from 127.0.0.1:${port}; got:\n${responses.join('\n')}`);
  }
  const toTag = /^To:.*;tag=([^;\s>]+)/im.exec(answer)?.[1] ?? '';
  socket.send(request('ACK', 1, toTag), port, '127.0.0.1');
  let cseq = 1;
  /** A request in the dialog; resolves with its final response. */
  const transaction = async (method: string, body: string, contentType = 'application/sdp'): Promise<string> => {
    const sent = ++cseq;
    const final = () => responses.find((response) => new RegExp(`^SIP/2\\.0 [2-6]\\d\\d [\\s\\S]*CSeq: ${sent} ${method}\r\n`, 'i').test(response));
    socket.send(request(method, sent, toTag, body, contentType), port, '127.0.0.1');
    for (let waited = 0; waited < 5000 && !final(); waited += 50) await sleep(50);
    const response = final();
    if (!response) throw new Error(`no final response to ${method} ${sent}`);
    return response;
  };
  return {
    answerSdp: answer.slice(answer.indexOf('\r\n\r\n') + 4),
    received: responses,
    requests,
    info: async (contentType, body) => {
      const final = await transaction('INFO', body, contentType);
      return Number(final.slice(8, 11));
    },
    reinvite: async (sdp, answerSdp) => {
      const final = await transaction('INVITE', sdp);
      socket.send(request('ACK', cseq, toTag, answerSdp ?? ''), port, '127.0.0.1');
      return final;
    },
    bye: async () => {
      socket.send(request('BYE', ++cseq, toTag), port, '127.0.0.1');
      await sleep(300);
      socket.close();
    },
  };
}
