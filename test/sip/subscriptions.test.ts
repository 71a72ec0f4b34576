/**
 * End-to-end BLF and MWI (RFC 6665): sipp phones subscribe to the router
 * with digest authentication and get NOTIFYs as the watched user's phone
 * rings, talks and hangs up (dialog, RFC 4235), and as a voicemail is left
 * for a user and deleted (message-summary, RFC 3842); then they unsubscribe.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { TokenStore } from '../../src/admin/token-store.js';
import { allOk, assertSippOk, header, INTERNAL_SCHEMA, phoneAnswers, received, registerPhone, stopAll, userCalls, type BackgroundSipp, type LoggedMessage } from '../support/sip/calls.js';
import { leaveToneMessage } from '../support/media/voicemail-caller.js';
import { account, DOMAIN, startTestRouter, type TestRouter, type TestRouterOptions } from '../support/sip/router.js';
import { runSipp, startSipp } from '../support/sip/sipp.js';

const VOICEMAIL_NUMBER = '0441234599';

async function withRouter(options: TestRouterOptions, body: (server: TestRouter) => Promise<void>): Promise<void> {
  const server = await startTestRouter(options);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

/** A phone of `user` subscribing to `watched`'s `event`; it takes the first NOTIFY and `changes` more, then unsubscribes. */
function subscribes(server: TestRouter, user: string, watched: string, event: string, accept: string, changes: number, transport: 'udp' | 'tcp' = 'udp'): BackgroundSipp {
  return startSipp({
    scenario: 'subscribe.xml',
    target: { port: transport === 'udp' ? server.udpPort : server.tcpPort },
    transport,
    accounts: [account(user)],
    keys: { watched, event, accept, expires: 600 },
    variables: { changes },
    traceMessages: true,
    timeoutSeconds: 60,
  });
}

/** Polls: the subscription is live once its SUBSCRIBE was answered (the bound only keeps a broken build from hanging). */
async function subscribed(server: TestRouter, count: number): Promise<void> {
  for (let tries = 0; tries < 200 && server.router.sip.subscriptions < count; tries++) await sleep(50);
  assert.equal(server.router.sip.subscriptions, count, 'the subscription was accepted');
}

const dialogStateOf = (notify: LoggedMessage) => /<state>(\w+)<\/state>/.exec(notify.body)?.[1] ?? 'idle';

describe('subscriptions', { concurrency: true }, () => {
  it("a BLF key follows 102: idle, early while it rings, confirmed once answered, terminated when it hangs up; unsubscribing ends it", () =>
    withRouter({ routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] } }, async (server) => {
      const phone = await registerPhone(server, '102');
      const watcher = subscribes(server, '101', '102', 'dialog', 'application/dialog-info+xml', 3);
      let callee: BackgroundSipp | undefined;
      let caller: BackgroundSipp | undefined;
      try {
        await subscribed(server, 1);
        const metrics = await (await fetch(`http://127.0.0.1:${server.router.http.port}/metrics`)).text();
        assert.match(metrics, /^callrouter_sip_subscriptions 1$/m);
        callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 500 });
        caller = userCalls(server, '103', '102', 'call-uac.xml', { pauseMs: 500 });
        const results = await allOk({ watcher, callee, caller });
        const challenge = received(results.watcher, /^SIP\/2\.0 401 /)[0];
        assert.match(header(challenge, 'WWW-Authenticate') ?? '', new RegExp(`realm="${DOMAIN.replaceAll('.', '\\.')}"`), 'SUBSCRIBE is authenticated as REGISTER is');
        const notifies = received(results.watcher, /^NOTIFY /);
        assert.deepEqual(notifies.map(dialogStateOf), ['idle', 'early', 'confirmed', 'terminated', 'idle']);
        assert.deepEqual(
          notifies.map((notify) => header(notify, 'Subscription-State')?.replace(/expires=\d+/, 'expires=N')),
          ['active;expires=N', 'active;expires=N', 'active;expires=N', 'active;expires=N', 'terminated;reason=timeout'],
        );
        for (const notify of notifies) {
          assert.equal(header(notify, 'Event'), 'dialog');
          assert.equal(header(notify, 'Content-Type'), 'application/dialog-info+xml');
          assert.match(notify.body, /<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="\d+" state="full" entity="sip:102@e2e\.callrouter\.test">/);
        }
        assert.deepEqual(notifies.map((notify) => /version="(\d+)"/.exec(notify.body)?.[1]), ['0', '1', '2', '3', '4']);
        assert.equal(server.router.sip.subscriptions, 0);
      } finally {
        stopAll([watcher, callee, caller]);
      }
    }));

  it('an MWI lamp follows 102’s mailbox: a message left lights it with the count, deleting it puts it out', () =>
    withRouter(
      { domain: { allowAnonymousPublic: true, routes: { public: [{ name: 'leave', numbers: [VOICEMAIL_NUMBER], schema: [{ voicemail: { user: '102' } }] }] } } },
      async (server) => {
        const watcher = subscribes(server, '102', '102', 'message-summary', 'application/simple-message-summary', 2);
        try {
          await subscribed(server, 1);
          await leaveToneMessage({ port: server.udpPort, number: VOICEMAIL_NUMBER, caller: '0679876543', beepHz: 1000, voiceHz: 400 });
          const token = adminToken(server);
          const mailbox = `http://127.0.0.1:${server.router.http.port}/users/${DOMAIN}/102/voicemail`;
          let messages: { id: string }[] = [];
          for (let tries = 0; tries < 150 && messages.length === 0; tries++) {
            messages = ((await (await fetch(mailbox, { headers: { authorization: `Bearer ${token}` } })).json()) as { messages: { id: string }[] }).messages;
            if (messages.length === 0) await sleep(200);
          }
          assert.equal(messages.length, 1, 'the message was left');
          const deleted = await fetch(`${mailbox}/${messages[0].id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
          assert.equal(deleted.status, 204);
          const results = await allOk({ watcher });
          const notifies = received(results.watcher, /^NOTIFY /);
          assert.deepEqual(
            notifies.map((notify) => notify.body.split('\n').map((line) => line.trim())),
            [
              ['Messages-Waiting: no', `Message-Account: sip:102@${DOMAIN}`, 'Voice-Message: 0/0 (0/0)'],
              ['Messages-Waiting: yes', `Message-Account: sip:102@${DOMAIN}`, 'Voice-Message: 1/0 (0/0)'],
              ['Messages-Waiting: no', `Message-Account: sip:102@${DOMAIN}`, 'Voice-Message: 0/0 (0/0)'],
              ['Messages-Waiting: no', `Message-Account: sip:102@${DOMAIN}`, 'Voice-Message: 0/0 (0/0)'],
            ],
          );
          assert.equal(header(notifies[0], 'Content-Type'), 'application/simple-message-summary');
          assert.equal(header(notifies[3], 'Subscription-State'), 'terminated;reason=timeout');
        } finally {
          stopAll([watcher]);
        }
      },
    ));

  it('a presence subscription over TCP is notified over TCP: closed while 102 has no phone, then terminated', () =>
    withRouter({}, async (server) => {
      const watcher = subscribes(server, '101', '102', 'presence', 'application/pidf+xml', 0, 'tcp');
      try {
        const results = await allOk({ watcher });
        assert.match(header(received(results.watcher, /^SIP\/2\.0 200 /)[1], 'Contact') ?? '', /;transport=tcp>/);
        const notifies = received(results.watcher, /^NOTIFY /);
        assert.equal(notifies.length, 2);
        for (const notify of notifies) assert.match(header(notify, 'Via') ?? '', /^SIP\/2\.0\/TCP /);
        assert.match(notifies[0].body, /<basic>closed<\/basic>/, '102 has no phone registered');
        assert.equal(header(notifies[1], 'Subscription-State'), 'terminated;reason=timeout');
      } finally {
        stopAll([watcher]);
      }
    }));

  it("OPTIONS names SUBSCRIBE in Allow and the event packages in Allow-Events; another user's mailbox is refused", () =>
    withRouter({}, async (server) => {
      const options = await runSipp({ scenario: 'options.xml', target: { port: server.udpPort }, accounts: [account('101')], traceMessages: true });
      assertSippOk(options, 'OPTIONS');
      const answer = received(options, /^SIP\/2\.0 200 /)[0];
      assert.ok(headerValues(answer, 'Allow').includes('SUBSCRIBE'));
      assert.deepEqual(headerValues(answer, 'Allow-Events'), ['dialog', 'message-summary', 'presence']);

      const refused = await runSipp({
        scenario: 'subscribe-forbidden.xml',
        target: { port: server.udpPort },
        accounts: [account('101')],
        keys: { watched: '102', event: 'message-summary', accept: 'application/simple-message-summary', expires: 600 },
      });
      assertSippOk(refused, "subscribing to another user's mailbox");
      assert.equal(server.router.sip.subscriptions, 0);
    }));
});

/** Every value of a list header, however many lines it was written on. */
function headerValues(message: LoggedMessage, name: string): string[] {
  return message.headers
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .flatMap((line) => line.slice(name.length + 1).split(','))
    .map((value) => value.trim());
}

function adminToken(server: TestRouter): string {
  const store = TokenStore.openInDataDir(server.router.dataDir);
  try {
    return store.create({ role: 'admin', name: 'mwi-test' }).token;
  } finally {
    store.close();
  }
}
