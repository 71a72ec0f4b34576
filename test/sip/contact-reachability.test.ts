/**
 * A registered phone that cannot be reached reads `nonreg`, not free, although
 * its registration has not expired: one that stops answering the OPTIONS
 * keep-alive (`sip.registration.qualifySeconds`), or one a call could not
 * reach (no answer at all to the INVITE, or a transport error). It reads
 * `onhook` again once it answers or registers again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/config/file.js';
import { parseConfig } from '../../src/config/load.js';
import { assertSippOk, INTERNAL_SCHEMA, registerPhone, stateOf, stopAll, userCalls, waitForState } from '../support/sip/calls.js';
import { DOMAIN, startTestRouter } from '../support/sip/router.js';
import { startSipp, type BackgroundSipp } from '../support/sip/sipp.js';

/** T1 of 100 ms makes an unanswered OPTIONS time out (64*T1) in 6.4 s instead of 32 s. */
const QUICK = { registration: { minExpires: 1, qualifySeconds: 1 }, timers: { t1: 100 } };
const STATE_TIMEOUT_MS = 60_000;

function answersOptions(port: number, times: number): BackgroundSipp {
  return startSipp({ scenario: 'options-uas.xml', accounts: [], calls: times, localPort: port, timeoutSeconds: 60 });
}

test('a phone that stops answering OPTIONS is nonreg until it answers again', async () => {
  const server = await startTestRouter({ sip: QUICK });
  const running: BackgroundSipp[] = [];
  try {
    const phone = await registerPhone(server, '101', 600);
    const first = answersOptions(phone.port, 2);
    running.push(first);
    assertSippOk(await first.result, 'the phone answering two OPTIONS');
    assert.equal(stateOf(server, '101'), 'onhook', 'while it answered, the phone was free');

    assert.equal(await waitForState(server, '101', 'nonreg', STATE_TIMEOUT_MS), 'nonreg', 'a phone that stopped answering is not registered');
    assert.equal(server.router.sip.contacts(DOMAIN, '101').length, 1, 'its binding is kept');

    const again = answersOptions(phone.port, 1);
    running.push(again);
    assertSippOk(await again.result, 'the phone answering again');
    assert.equal(await waitForState(server, '101', 'onhook', STATE_TIMEOUT_MS), 'onhook', 'answering makes it free again');
  } finally {
    stopAll(running);
    await server.close();
  }
});

test('a phone a call cannot reach is nonreg until it registers again', async () => {
  const server = await startTestRouter({
    sip: { timers: { t1: 100 } },
    routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
  });
  let caller: BackgroundSipp | undefined;
  try {
    // Registered, then gone: nothing listens on its port any more.
    const phone = await registerPhone(server, '102', 600);
    assert.equal(stateOf(server, '102'), 'onhook');
    caller = userCalls(server, '101', '102', 'call-uac-refused.xml', { timeoutSeconds: 60 });
    assertSippOk(await caller.result, 'the call to a phone that is gone');
    assert.equal(await waitForState(server, '102', 'nonreg', STATE_TIMEOUT_MS), 'nonreg', 'the INVITE got no answer: the phone is not registered');

    await registerPhone(server, '102', 600, phone.port);
    assert.equal(stateOf(server, '102'), 'onhook', 'registering again makes it free');
  } finally {
    stopAll([caller]);
    await server.close();
  }
});

test('sip.registration.qualifySeconds is off by default and validated', () => {
  const withRegistration = (registration: unknown) => ({ sip: { registration }, domains: [{ name: 'a.test', users: [] }] });
  assert.equal(parseConfig('callrouter.json', withRegistration({})).sip.registration.qualifySeconds, undefined);
  assert.equal(parseConfig('callrouter.json', withRegistration({ qualifySeconds: 30 })).sip.registration.qualifySeconds, 30);
  assert.throws(() => parseConfig('callrouter.json', withRegistration({ qualifySeconds: 0 })), (error: unknown) => error instanceof ConfigError && /sip\.registration\.qualifySeconds: /.test(error.message));
  assert.throws(() => parseConfig('callrouter.json', withRegistration({ qualifySeconds: 'often' })), ConfigError);
});
