/**
 * The router's log says why each call ended from the call's point of view —
 * who hung up, or what the schema's hang-up means to the caller — not where
 * the flow stopped (`ended-by-app`).
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { allOk, INTERNAL_SCHEMA, phoneAnswers, registerPhone, userCalls, type Phone } from '../support/sip/calls.js';
import { startTestRouter, type TestRouter } from '../support/sip/router.js';

interface LogLine {
  msg: string;
  [field: string]: unknown;
}

const lines: LogLine[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const text of chunk.toString('utf8').split('\n')) if (text) lines.push(JSON.parse(text) as LogLine);
    done();
  },
});

let server: TestRouter;
let phone: Phone;

before(async () => {
  server = await startTestRouter({
    logger: pino({ level: 'info' }, sink),
    routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
  });
  phone = await registerPhone(server, '102', 600);
});

after(() => server.close());

/** The 'call ended' lines logged since `from`, waiting a while for the one a call that just ended writes. */
async function callEnded(from: number): Promise<LogLine> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    const found = lines.slice(from).find((line) => line.msg.startsWith('call ended'));
    if (found) return found;
    await sleep(50);
  }
  assert.fail(`no 'call ended' line; logged: ${lines.slice(from).map((line) => line.msg).join(' | ')}`);
}

test('the caller hanging up during the conversation: caller hung up', async () => {
  const from = lines.length;
  const callee = await phoneAnswers(phone, 'answer-uas.xml');
  await allOk({ callee, caller: userCalls(server, '101', '102') });
  const line = await callEnded(from);
  assert.equal(line.msg, 'call ended: caller hung up');
  assert.equal(line.reason, 'caller hung up');
  assert.equal(line.flow, 'ended-by-app', 'the flow still says where it stopped');
});

test('the callee hanging up: callee hung up', async () => {
  const from = lines.length;
  const callee = await phoneAnswers(phone, 'answer-uas-bye.xml', { pauseMs: 400 });
  await allOk({ callee, caller: userCalls(server, '101', '102', 'call-uac-remote-bye.xml') });
  assert.equal((await callEnded(from)).msg, 'call ended: callee hung up');
});

test('the callee declining, then the schema hanging up with its cause: rejected', async () => {
  const from = lines.length;
  const callee = await phoneAnswers(phone, 'reject-603-uas.xml');
  await allOk({ callee, caller: userCalls(server, '101', '102', 'call-uac-refused.xml') });
  const line = await callEnded(from);
  assert.equal(line.msg, 'call ended: rejected');
  assert.equal(line.hangupCause, 'CALL_REJECTED');
});
