/**
 * A caller ID with characters SIP must escape or quote (issue 14): a
 * carrier presents `@|% x"ä` as the caller's number (escaped in its From
 * URI, as it must be) and the schema sets a display name with quotes, `|`,
 * `%`, `@` and non-ASCII. The phone that rings must get valid SIP, echo it
 * in its answer, and the call must connect.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage, parseNameAddr } from '../../src/sip/message/index.js';
import { allOk, CARRIER_IP, customerCalls, firstReceived, header, phoneAnswers, PUBLIC_NUMBER, registerPhone, stopAll } from '../support/sip/calls.js';
import { startTestRouter } from '../support/sip/router.js';
import { freeUdpPort } from '../support/sip/sipp.js';

const CALLER_NUMBER = '@|% x"ä';
const CALLER_NUMBER_ESCAPED = '%40%7C%25%20x%22%C3%A4';
const CALLER_NAME = 'Ärger "Q" | 100% @home';

describe('caller IDs that need escaping', () => {
  it('reach the callee as valid SIP, and the callee can answer', async () => {
    const carrierPort = await freeUdpPort(CARRIER_IP);
    const server = await startTestRouter({
      gateways: [{ name: 'carrier', host: CARRIER_IP, port: carrierPort, transport: 'udp' }],
      routes: {
        public: [
          {
            name: 'main',
            numbers: [PUBLIC_NUMBER],
            schema: [{ setVar: `effective_caller_id_name=${CALLER_NAME}` }, { bridge: { endpoints: [{ type: 'user', name: '101' }] } }],
          },
        ],
      },
    });
    const runs = [];
    try {
      const phone = await registerPhone(server, '101');
      const agent = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 300 });
      const customer = customerCalls(server, CALLER_NUMBER_ESCAPED, PUBLIC_NUMBER, { pauseMs: 500 });
      runs.push(agent, customer);
      const results = await allOk({ customer, agent });

      const invite = firstReceived(results.agent, /^INVITE /);
      // sipp's log trims the body's last line end, so the head is checked on its own.
      const head = [invite.firstLine, ...invite.headers.filter((line) => !/^(content-length|l)\s*:/i.test(line)), 'Content-Length: 0', '', ''];
      const parsed = parseMessage(Buffer.from(head.join('\r\n')));
      assert.ok(parsed.ok, `the INVITE 101 got is valid SIP (${parsed.ok ? '' : parsed.error.reason}):\n${invite.text}`);
      const from = parseNameAddr(header(invite, 'From') ?? '', 'From');
      assert.ok(from.ok, `From parses: ${header(invite, 'From')}`);
      assert.equal(from.value.uri.user, CALLER_NUMBER);
      assert.equal(from.value.displayName, CALLER_NAME);
      assert.ok(header(invite, 'From')?.includes(`<sip:${CALLER_NUMBER_ESCAPED}@`), 'the number escaped in the URI');
    } finally {
      stopAll(runs);
      await server.close();
    }
  });
});
