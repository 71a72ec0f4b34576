/**
 * baresip, as Debian ships it, subscribing to the router: its `mwi` module
 * to its own mailbox (RFC 3842), which lights when a voicemail is left; its
 * `presence` module to a colleague (RFC 3856), shown Offline, then Online
 * once the colleague's phone registers, and Busy while it rings.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { INTERNAL_SCHEMA, phoneAnswers, registerPhone, stopAll, userCalls } from '../support/sip/calls.js';
import { leaveToneMessage } from '../support/media/voicemail-caller.js';
import { account, startTestRouter } from '../support/sip/router.js';
import { startWatchingBaresip, type WatchingBaresip } from '../support/sip/softphones.js';

const VOICEMAIL_NUMBER = '0441234599';
/** The phone's own time to register, subscribe and show what it was told; the bound only keeps a broken build from hanging. */
const PHONE_MS = 20_000;

/** Until baresip has printed what matches, asking for its contacts list every half second (presence is shown there). */
async function prints(phone: WatchingBaresip, wanted: RegExp, what: string, since = 0): Promise<number> {
  for (let waited = 0; waited < PHONE_MS; waited += 500) {
    const found = wanted.exec(phone.output().slice(since));
    if (found) return since + found.index + found[0].length;
    phone.command('/contacts');
    await sleep(500);
  }
  assert.fail(`baresip did not show ${what}; it printed:\n${phone.output().slice(-3000)}`);
}

test('baresip lights its MWI lamp for a voicemail left, and shows a colleague Offline, Online and Busy', async () => {
  const server = await startTestRouter({
    domain: { allowAnonymousPublic: true },
    routes: {
      public: [{ name: 'leave', numbers: [VOICEMAIL_NUMBER], schema: [{ voicemail: { user: '102' } }] }],
      default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }],
    },
  });
  const phone = await startWatchingBaresip({ ...account('102'), routerPort: server.udpPort }, ['101']);
  const runs: ReturnType<typeof userCalls>[] = [];
  try {
    await prints(phone, /Messages-Waiting: no/, 'an MWI lamp out');
    await prints(phone, /Offline\S*\s+101 </, '101 offline');
    const colleague = await registerPhone(server, '101');
    await prints(phone, /Online\S*\s+101 </, '101 online');

    await leaveToneMessage({ port: server.udpPort, number: VOICEMAIL_NUMBER, caller: '0679876543', beepHz: 1000, voiceHz: 400 });
    await prints(phone, /Messages-Waiting: yes\s+Message-Account: sip:102@\S+\s+Voice-Message: 1\/0/, 'an MWI lamp lit for one new message');

    // 101 rings for a while before it answers: long enough for the phone to be asked more than once.
    const callee = await phoneAnswers(colleague, 'answer-uas.xml', { pauseMs: 6000 });
    runs.push(callee, userCalls(server, '103', '101', 'call-uac.xml', { pauseMs: 500 }));
    const seen = phone.output().length;
    await prints(phone, /Busy\S*\s+101 </, '101 busy', seen);
    for (const run of runs) await run.result;
  } finally {
    stopAll(runs);
    await phone.close();
    await server.close();
  }
});
