/**
 * Shutdown with a leg that rings a phone which has stopped answering (it
 * registered, then went silent): once stop() says the router stopped,
 * nothing of the router may keep the process alive — no retransmission,
 * transaction or ring timer — so the process exits when the log says so.
 */
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { INTERNAL_SCHEMA, registerPhone, stopAll, userCalls, waitForState } from '../support/sip/calls.js';
import { startTestRouter } from '../support/sip/router.js';

function pendingTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}

test('stop() with a call ringing a silent phone leaves no timer behind', async () => {
  const before = pendingTimers();
  const server = await startTestRouter({
    sip: { calls: { shutdownGraceSeconds: 0 } },
    routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
  });
  const phone = await registerPhone(server, '102');
  // The phone's port now swallows everything: INVITE, CANCEL, BYE.
  const silent = createSocket('udp4');
  silent.bind(phone.port, '127.0.0.1');
  await once(silent, 'listening');
  const invites = new Promise<void>((resolve) => silent.on('message', (message) => message.toString().startsWith('INVITE') && resolve()));
  const caller = userCalls(server, '101', '102', 'call-uac.xml', { timeoutSeconds: 10 });
  try {
    await invites;
    assert.equal(await waitForState(server, '102', 'ringing'), 'ringing', 'the leg to 102 is in setup');
    await server.close();
    // Timers the test runner and sipp's child process own may come and go; give callbacks of the stop a moment.
    await sleep(50);
    assert.ok(pendingTimers() <= before, `${pendingTimers() - before} timer(s) outlive stop(): ${JSON.stringify(process.getActiveResourcesInfo())}`);
  } finally {
    stopAll([caller]);
    silent.close();
  }
});
