/**
 * DTMF by SIP INFO in the early dialog (RFC 6086 §4.2.1; RFC 3261 §12.1.1:
 * our 183's To tag makes the dialog): sipp calls an IVR that prompts on
 * early media, before any answer, and presses a key by INFO. The INFO gets
 * 200 and its digit reaches getDigits as after an answer: "1" answers the
 * call (200, then our BYE), another key is refused with 603.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { finalStatuses, header, received, userCalls } from '../support/sip/calls.js';
import { startTestRouter, type TestRouter } from '../support/sip/router.js';

const IVR = '0441234599';
const IVR_SCHEMA = [
  { playback: { name: '200', type: 'silence', getDigits: { setVar: 'choice', min: 1, max: 1, tries: 1, timeout: 8000 } } },
  { switch: { variable: '${choice}', case: { '1': [{ answer: '' }, { hangup: 'NORMAL_CLEARING' }], default: [{ hangup: 'CALL_REJECTED' }] } } },
];

let server: TestRouter;
before(async () => {
  server = await startTestRouter({ users: ['101'], routes: { default: [{ name: 'early-ivr', pattern: `^${IVR}$`, schema: IVR_SCHEMA }] } });
});
after(() => server.close());

async function pressByInfo(digit: string) {
  const call = userCalls(server, '101', IVR, 'early-info-uac.xml', { keys: { digit } });
  const result = await call.result;
  const early = received(result, /^SIP\/2\.0 183 /);
  assert.ok(early.length >= 1, `a 183 first:\n${result.messages.slice(-4000)}`);
  assert.match(early[0].body, /m=audio \d+ RTP\/AVP/, 'the 183 carries our SDP (early media)');
  const infoAnswers = received(result, /^SIP\/2\.0 \d{3} /).filter((message) => /INFO/.test(header(message, 'CSeq') ?? ''));
  assert.deepEqual([...new Set(infoAnswers.map((message) => message.firstLine))], ['SIP/2.0 200 OK'], `the INFO in the early dialog is taken:\n${result.messages.slice(-5000)}\n${result.diagnostics}`);
  return result;
}

describe('SIP INFO digits during early media', () => {
  it('"1" by INFO before the answer chooses the branch that answers', async () => {
    const result = await pressByInfo('1');
    assert.equal(result.exitCode, 0, result.diagnostics);
    assert.deepEqual(finalStatuses(result), [407, 200]);
  });

  it('another key chooses the other branch: refused (603), so the digit itself arrived', async () => {
    const result = await pressByInfo('5');
    assert.notEqual(result.exitCode, 0, 'the scenario expected the answer of "1"');
    assert.deepEqual(finalStatuses(result), [407, 603]);
  });
});
