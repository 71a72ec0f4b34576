/**
 * A phone registered over TCP whose connection closes (Linphone's Contact
 * even names that connection's port) reads as not registered at once, not
 * `onhook` until its registration expires; its binding is kept, and a new
 * REGISTER makes it reachable again.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { test } from 'node:test';
import { digestResponse } from '../../src/sip/auth/digest.js';
import { stateOf, waitForState } from '../support/sip/calls.js';
import { account, DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';

/** Reads one bodiless response off the connection. */
async function nextResponse(socket: Socket, buffered: { text: string }): Promise<string> {
  while (!buffered.text.includes('\r\n\r\n')) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    buffered.text += chunk.toString();
  }
  const end = buffered.text.indexOf('\r\n\r\n') + 4;
  const response = buffered.text.slice(0, end);
  buffered.text = buffered.text.slice(end);
  return response;
}

function register(user: string, contactPort: number, cseq: number, authorization?: string): string {
  return [
    `REGISTER sip:${DOMAIN} SIP/2.0`,
    `Via: SIP/2.0/TCP 127.0.0.1:${contactPort};branch=z9hG4bK-flow-${user}-${cseq}`,
    'Max-Forwards: 70',
    `From: <sip:${user}@${DOMAIN}>;tag=flow-${user}`,
    `To: <sip:${user}@${DOMAIN}>`,
    `Call-ID: flow-${user}@127.0.0.1`,
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:${user}@127.0.0.1:${contactPort};transport=tcp>`,
    'Expires: 600',
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** Registers `user` over a new TCP connection, the Contact naming the connection's own port. */
async function registerOverTcp(server: TestRouter, user: string): Promise<Socket> {
  const socket = connect(server.tcpPort, '127.0.0.1');
  await once(socket, 'connect');
  const port = socket.localPort!;
  const buffered = { text: '' };
  socket.write(register(user, port, 1));
  const challenge = await nextResponse(socket, buffered);
  const nonce = /nonce="([^"]+)"/.exec(challenge)?.[1];
  assert.ok(nonce, `a challenge: ${challenge}`);
  const uri = `sip:${DOMAIN}`;
  const response = digestResponse({ algorithm: 'MD5', username: user, realm: DOMAIN, password: account(user).password, method: 'REGISTER', uri, nonce, nonceCount: '00000001', cnonce: 'f10w' });
  socket.write(register(user, port, 2, `Digest username="${user}", realm="${DOMAIN}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, cnonce="f10w", qop=auth, nc=00000001`));
  assert.match(await nextResponse(socket, buffered), /^SIP\/2\.0 200 /);
  return socket;
}

test('a TCP registration whose connection closes is unreachable at once, and reachable again when it re-registers', async () => {
  const server = await startTestRouter();
  try {
    const closing = await registerOverTcp(server, '100');
    const open = await registerOverTcp(server, '101');
    assert.equal(stateOf(server, '100'), 'onhook');

    closing.destroy();
    assert.equal(await waitForState(server, '100', 'nonreg'), 'nonreg', 'the phone whose connection closed is not registered');
    assert.equal(server.router.sip.contacts(DOMAIN, '100').length, 1, 'its binding is kept');
    assert.equal(stateOf(server, '101'), 'onhook', 'a phone on another connection is not affected');

    const again = await registerOverTcp(server, '100');
    assert.equal(stateOf(server, '100'), 'onhook', 'a new registration makes it reachable');
    again.destroy();
    open.destroy();
  } finally {
    await server.close();
  }
});
