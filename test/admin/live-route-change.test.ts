/**
 * A route changed through the admin API while a call on it is in progress:
 * the call goes on with the schema it started with, and the next call takes the new route at once, without a
 * restart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TokenStore } from '../../src/admin/token-store.js';
import type { StepTrace } from '../../src/engine/trace.js';
import { DOMAIN, startTestRouter } from '../support/sip/router.js';
import { allOk, finalStatuses, INTERNAL_SCHEMA, phoneAnswers, registerPhone, stopAll, userCalls } from '../support/sip/calls.js';

test('a route changed during a call: that call finishes on the old schema, the next one takes the new', async () => {
  const steps = new Map<string, StepTrace[]>();
  const server = await startTestRouter({
    routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
    router: {
      trace: (call, event) => {
        if (event.type === 'step') steps.set(call.uuid, [...(steps.get(call.uuid) ?? []), event]);
      },
    },
  });
  const store = TokenStore.openInDataDir(server.router.dataDir);
  const token = store.create({ role: 'admin', name: 'route editor' }).token;
  store.close();
  const runs = [];
  try {
    const phone = await registerPhone(server, '102');
    const callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 200, timeoutSeconds: 60 });
    // The caller talks long enough for the change to land in the middle of the call.
    const caller = userCalls(server, '101', '102', 'call-uac.xml', { pauseMs: 4000, timeoutSeconds: 60 });
    runs.push(callee, caller);
    const deadline = Date.now() + 30_000;
    while (!server.router.sip.liveCalls.list().some((call) => call.state === 'answered') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const [inProgress] = server.router.sip.liveCalls.list();
    assert.equal(inProgress?.state, 'answered', 'the first call is answered');

    const changed = await fetch(`http://127.0.0.1:${server.router.http.port}/api/v1/domains/${DOMAIN}/routes/default/extensions`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ pattern: '^\\d{3}$', schema: [{ hangup: 'USER_BUSY' }] }),
    });
    assert.equal(changed.status, 200, await changed.text());
    assert.ok(server.router.sip.liveCalls.list().some((call) => call.uuid === inProgress.uuid), 'the change did not end the call');

    await allOk({ caller, callee });
    const firstCall = steps.get(inProgress.uuid) ?? [];
    // The old schema's bridge talked to its end (the caller hung up, so its `hangup` step never came); the new one has no bridge.
    assert.deepEqual(
      firstCall.map((step) => step.app),
      ['bridge'],
      'the first call ran the old schema',
    );

    const next = userCalls(server, '101', '102', 'call-uac-refused.xml');
    runs.push(next);
    const { next: refused } = await allOk({ next });
    assert.deepEqual(finalStatuses(refused), [407, 486], 'the next call is refused busy by the new schema');
    const newCall = [...steps.entries()].find(([uuid]) => uuid !== inProgress.uuid)?.[1] ?? [];
    assert.deepEqual(
      newCall.map((step) => [step.app, step.args]),
      [['hangup', 'USER_BUSY']],
    );
  } finally {
    stopAll(runs);
    await server.close();
  }
});
