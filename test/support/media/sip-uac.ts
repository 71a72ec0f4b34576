/**
 * The signalling half of a call for media tests, no more: INVITE with our
 * SDP to a UAS on loopback (sipp, baresip), ACK its 200, BYE at the end. The
 * INVITE is repeated until the peer, which may still be starting, answers.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';

export interface UacCall {
  /** The SDP of the peer's 200 OK. */
  answerSdp: string;
  /** Sends an INFO in the dialog; resolves with its final status. */
  info(contentType: string, body: string): Promise<number>;
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
  socket.on('message', (message) => responses.push(message.toString()));
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
  return {
    answerSdp: answer.slice(answer.indexOf('\r\n\r\n') + 4),
    info: async (contentType, body) => {
      const sent = ++cseq;
      const final = () => responses.find((response) => new RegExp(`^SIP/2\\.0 [2-6]\\d\\d [\\s\\S]*CSeq: ${sent} INFO\r\n`, 'i').test(response));
      socket.send(request('INFO', sent, toTag, body, contentType), port, '127.0.0.1');
      for (let waited = 0; waited < 5000 && !final(); waited += 50) await sleep(50);
      const status = final();
      if (!status) throw new Error(`no final response to INFO ${sent}`);
      return Number(status.slice(8, 11));
    },
    bye: async () => {
      socket.send(request('BYE', ++cseq, toTag), port, '127.0.0.1');
      await sleep(300);
      socket.close();
    },
  };
}
