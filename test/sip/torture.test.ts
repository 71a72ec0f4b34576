/**
 * The RFC 4475 torture classes and RFC 5118's IPv6 cases sent to a running
 * router over UDP (issue 14): every valid message gets a SIP answer, every
 * malformed request that can be addressed gets 400 (or 505) naming what is
 * wrong, the rest are dropped and counted; datagrams of up to 65,507 bytes
 * are read.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { INVALID_MESSAGES, VALID_MESSAGES } from '../fuzz/corpus/sip-messages.js';
import { startTestRouter, type TestRouter } from '../support/sip/router.js';

/**
 * UDP answers go back to the source address and port whatever the Via says
 * (§18.2.2 with rport behaviour), so only a TCP top Via is rewritten: its
 * answer would otherwise be sent over TCP to the host it names.
 */
function overUdp(message: Buffer): Buffer {
  return Buffer.from(message.toString('latin1').replace(/SIP\/2\.0\/TCP/i, 'SIP/2.0/UDP'), 'latin1');
}

async function malformedCount(server: TestRouter, outcome: 'answered' | 'dropped'): Promise<number> {
  const metrics = await (await fetch(`http://127.0.0.1:${server.router.http.port}/metrics`)).text();
  return Number(new RegExp(`^callrouter_sip_malformed_messages_total\\{outcome="${outcome}"\\} (\\d+)$`, 'm').exec(metrics)?.[1] ?? 0);
}

describe('torture tests against a running router (RFC 4475, RFC 5118)', { timeout: 60_000 }, () => {
  let server: TestRouter;
  let socket: Socket;
  const answers: string[] = [];

  before(async () => {
    server = await startTestRouter();
    socket = createSocket('udp4');
    socket.bind(0, '127.0.0.1');
    await once(socket, 'listening');
    socket.on('message', (data) => answers.push(data.toString('latin1')));
  });
  after(async () => {
    socket.close();
    await server.close();
  });

  /** Sends one datagram and returns the status lines of what came back within a short while. */
  async function exchange(message: Buffer): Promise<string[]> {
    answers.length = 0;
    socket.send(overUdp(message), server.udpPort, '127.0.0.1');
    for (let tries = 0; tries < 40 && answers.length === 0; tries++) await sleep(25);
    await sleep(50);
    return answers.map((answer) => answer.slice(0, answer.indexOf('\r\n')));
  }

  it('answers every malformed request that has a usable Via with 400 (505 for the version), and counts it', async () => {
    const expected: Record<string, RegExp> = {
      contentLengthTooLarge: /^SIP\/2\.0 400 Content-Length larger than the message$/,
      negativeContentLength: /^SIP\/2\.0 400 Malformed Content-Length$/,
      unbalancedQuote: /^SIP\/2\.0 400 Unterminated quoted string in From$/,
      badAddress: /^SIP\/2\.0 400 /,
      badDisplayName: /^SIP\/2\.0 400 URI without scheme in From$/,
      badVersion: /^SIP\/2\.0 505 /,
      cseqMismatch: /^SIP\/2\.0 400 CSeq method does not match the request method$/,
      missingEverything: /^SIP\/2\.0 400 Missing From header$/,
      missingCallId: /^SIP\/2\.0 400 Missing Call-ID header$/,
      missingCSeq: /^SIP\/2\.0 400 Missing CSeq header$/,
      nulInHeader: /^SIP\/2\.0 400 Control character in Subject header$/,
      twoCallIds: /^SIP\/2\.0 400 More than one Call-ID header$/,
      unescapedSpace: /^SIP\/2\.0 400 /,
      hugeNumbers: /^SIP\/2\.0 400 /,
      bracketedRequestUri: /^SIP\/2\.0 400 Malformed Request-URI$/,
      ipv6WithoutBrackets: /^SIP\/2\.0 400 Malformed Request-URI$/,
      ipv6BadReference: /^SIP\/2\.0 400 Malformed Request-URI$/,
    };
    const before = await malformedCount(server, 'answered');
    for (const [name, pattern] of Object.entries(expected)) {
      const lines = await exchange(INVALID_MESSAGES[name]);
      assert.equal(lines.length, 1, `${name}: one answer, got ${JSON.stringify(lines)}`);
      assert.match(lines[0], pattern, name);
    }
    assert.equal((await malformedCount(server, 'answered')) - before, Object.keys(expected).length);
  });

  it('drops what cannot be answered (no usable start line or Via), and counts it', async () => {
    const dropped = ['spaceInRequestUri', 'extraSpaces', 'trailingSpace', 'bigStatus', 'ipv6DoubleColons', 'notSip'];
    const before = await malformedCount(server, 'dropped');
    for (const name of dropped) assert.deepEqual(await exchange(INVALID_MESSAGES[name]), [], name);
    assert.equal((await malformedCount(server, 'dropped')) - before, dropped.length);
  });

  it('answers the valid unusual requests with a final response, not 400', async () => {
    for (const name of ['whitespace', 'extensionMethod', 'escapedUser', 'semicolonUser', 'noSpaceDisplay', 'longValues', 'transports', 'multipart', 'ipv6', 'options']) {
      const lines = await exchange(VALID_MESSAGES[name]);
      assert.ok(lines.length > 0, `${name}: answered`);
      for (const line of lines) assert.doesNotMatch(line, /^SIP\/2\.0 400 /, name);
    }
  });

  it('reads a 65,507-byte datagram: an OPTIONS with an 8 KB header and one padded to the UDP maximum are answered', async () => {
    for (const size of [8 * 1024 + 600, 65_507]) {
      const base = VALID_MESSAGES.options.toString('latin1');
      const padding = size - base.length - 'X-Pad: \r\n'.length;
      const big = Buffer.from(base.replace('Content-Length: 0', `X-Pad: ${'p'.repeat(padding)}\r\nContent-Length: 0`), 'latin1');
      assert.equal(big.length, size);
      const lines = await exchange(big);
      assert.ok(lines.length > 0 && !lines.some((line) => line.startsWith('SIP/2.0 400 ')), `${size} bytes: ${JSON.stringify(lines)}`);
    }
  });
});
