/**
 * The ACR applications that reach beyond one schema, on the built-in SIP
 * server with real SIP traffic: `goto default:` re-routes a call through the
 * route tables, `blackList` refuses a listed caller with the cause's status.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allOk, finalStatuses, firstReceived, header, INTERNAL_SCHEMA, phoneAnswers, registerPhone, stopAll, userCalls } from '../support/sip/calls.js';
import { startTestRouter, type TestRouter } from '../support/sip/router.js';

async function withRouter(body: (server: TestRouter) => Promise<void>): Promise<void> {
  const server = await startTestRouter({
    domain: { blackLists: { barred: ['101'] } },
    routes: {
      default: [
        { name: 'extensions', pattern: '^1\\d\\d$', schema: INTERNAL_SCHEMA },
        { name: 'reception', pattern: '^555$', schema: [{ setVar: 'transferred_from=${destination_number}' }, { goto: 'default:102' }] },
        { name: 'barred', pattern: '^666$', schema: [{ blackList: { name: 'barred' } }, { goto: 'default:102' }] },
      ],
    },
  });
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

describe('ACR applications on the SIP server', () => {
  it('goto default:102 re-routes the call: 101 dials 555 and 102 rings and answers', () =>
    withRouter(async (server) => {
      const phone = await registerPhone(server, '102');
      const callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 300 });
      const caller = userCalls(server, '101', '555', 'call-uac.xml', { pauseMs: 500 });
      try {
        const results = await allOk({ caller, callee });
        const invite = firstReceived(results.callee, /^INVITE /);
        assert.match(header(invite, 'To') ?? '', /sip:102@/);
        assert.equal(finalStatuses(results.caller).at(-1), 200);
      } finally {
        stopAll([caller, callee]);
      }
    }));

  it('blackList: a listed caller is refused with 403 (INCOMING_CALL_BARRED) and the flow stops there', () =>
    withRouter(async (server) => {
      const caller = userCalls(server, '101', '666', 'call-uac-refused.xml');
      try {
        const results = await allOk({ caller });
        assert.deepEqual(finalStatuses(results.caller), [407, 403]);
        assert.match(header(firstReceived(results.caller, /^SIP\/2\.0 403 /), 'Reason') ?? '', /Q\.850;cause=54;text="INCOMING_CALL_BARRED"/);
      } finally {
        stopAll([caller]);
      }
    }));
});
