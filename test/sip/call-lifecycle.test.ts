/**
 * End-to-end call lifecycle through the B2BUA with real SIP traffic (sipp):
 * a graceful shutdown with calls up, overload refusal, hold/unhold re-INVITEs
 * relayed both ways, a long call refreshed mid-way, and a user registered
 * from two phones. Each test checks the CDRs the legs leave behind.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pino from 'pino';
import type { CdrDocument } from '../../src/cdr/store.js';
import { openSqliteCdrStore } from '../../src/cdr/sqlite/store.js';
import { SimulatedClock } from '../../src/clock.js';
import { CDR_DATABASE_FILE, STATE_DATABASE_FILE } from '../../src/server/data-dir.js';
import { startRouter, type RouterOptions } from '../../src/server/router.js';
import {
  allCdrs,
  allOk,
  assertNoCdr,
  assertSippOk,
  describeCdrs,
  findCdr,
  finalStatuses,
  header,
  INTERNAL_SCHEMA,
  newCdrs,
  parseMessageLog,
  phoneAnswers,
  received,
  registerPhone,
  stopAll,
  userCalls,
  type BackgroundSipp,
  type LoggedMessage,
  type SippResult,
} from '../support/sip/calls.js';
import { account, DOMAIN, type TestRouter } from '../support/sip/router.js';
import { runSipp } from '../support/sip/sipp.js';

/** A TestRouter that also tells where its data lives and can be stopped by the test itself (a shutdown under test). */
interface LifecycleRouter extends TestRouter {
  /** The CDR database file, readable again after the router stopped. */
  cdrFile: string;
  /** router.stop(), once; close() then only removes the files. */
  stopRouter(): Promise<void>;
}

/**
 * Like support/router.ts's startTestRouter (users 100–103, 3-digit extensions), with `sip` merged in and the data directory known.
 * `options.clock`: calls' time (the shutdown grace among it) runs on it, so a test moves it instead of waiting.
 */
async function withRouter(sip: Record<string, unknown>, body: (server: LifecycleRouter) => Promise<void>, options: RouterOptions = {}): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-lifecycle-'));
  const config = {
    sip: { listen: { address: '127.0.0.1', port: 0 }, registration: { minExpires: 1 }, auth: { algorithms: ['MD5'] }, ...sip },
    http: { address: '127.0.0.1', port: 0 },
    dataDir: 'data',
    domains: [
      {
        name: DOMAIN,
        users: ['100', '101', '102', '103'].map((id) => ({ id, password: account(id).password })),
        routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
      },
    ],
  };
  const file = join(dir, 'callrouter.json');
  await writeFile(file, JSON.stringify(config));
  const router = await startRouter(file, pino({ level: 'silent' }), options);
  let stopping: Promise<void> | undefined;
  const stopRouter = () => (stopping ??= router.stop());
  const server: LifecycleRouter = {
    router,
    udpPort: router.sip.localAddress('udp')?.port ?? 0,
    tcpPort: router.sip.localAddress('tcp')?.port ?? 0,
    cdrFile: join(dir, 'data', CDR_DATABASE_FILE),
    stopRouter,
    async close() {
      await stopRouter();
    },
  };
  try {
    await body(server);
  } finally {
    await stopRouter();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs a call's sipps to the end, stopping them all if the body throws first. */
async function calling<T>(runs: (BackgroundSipp | undefined)[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    stopAll(runs);
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `timed out waiting: ${what}`);
    await sleep(20);
  }
}

/** The one call is answered: admitted, no longer in setup. */
async function callAnswered(server: TestRouter): Promise<void> {
  await waitFor(() => server.router.sip.activeCalls === 1 && server.router.sip.callsInSetup === 0, 'the call to be answered');
  // Let the ACKs go through both legs.
  await sleep(150);
}

/** Every CDR in a router's database file, read after the router (and its store) stopped. */
async function cdrsOnDisk(file: string): Promise<CdrDocument[]> {
  const store = openSqliteCdrStore({ path: file });
  try {
    const response = await store.search({ query: { match_all: {} }, size: 1000 });
    return response.hits.hits.map((hit) => hit._source ?? {});
  } finally {
    await store.close();
  }
}

/** The uuids of the legs the journal of calls in progress holds in a stopped router's state database. */
function openLegsOnDisk(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT uuid FROM open_legs').pluck().all() as string[]).sort();
  } finally {
    db.close();
  }
}

/** A plain INVITE (no credentials) from `user`, expected to be refused with 503 at once. */
async function inviteRefused(server: TestRouter, user: string, dialled: string): Promise<SippResult> {
  return runSipp({
    scenario: 'lifecycle-invite-503.xml',
    target: { port: server.udpPort },
    accounts: [account(user)],
    keys: { dialled },
    traceMessages: true,
    timeoutSeconds: 5,
  });
}

function sent(result: SippResult, firstLine: RegExp): LoggedMessage[] {
  return parseMessageLog(result.messages).filter((message) => message.direction === 'sent' && firstLine.test(message.firstLine));
}

/** The received messages whose CSeq header matches (e.g. the answer to the re-INVITE). */
function receivedWithCSeq(result: SippResult, firstLine: RegExp, cseq: RegExp): LoggedMessage[] {
  return received(result, firstLine).filter((message) => cseq.test(header(message, 'CSeq') ?? ''));
}

const trace = (result: SippResult) => `\n--- messages:\n${result.messages.slice(-6000)}`;

/** The grace the shutdown tests configure; it passes only when a test advances the simulated clock by it. */
const GRACE_SECONDS = 30;

describe('call lifecycle', { concurrency: true }, () => {
  it('shutdown with a call up: new INVITEs get 503 with Retry-After during the grace, then both phones get BYE (SYSTEM_SHUTDOWN)', () => {
    const clock = new SimulatedClock(new Date());
    return withRouter({ calls: { shutdownGraceSeconds: GRACE_SECONDS } }, async (server) => {
      const phone = await registerPhone(server, '102');
      const callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 200 });
      const caller = userCalls(server, '101', '102', 'call-uac-remote-bye.xml');
      const results = await calling([callee, caller], async () => {
        await callAnswered(server);
        let stopped = false;
        const stopping = server.stopRouter().then(() => (stopped = true));

        const refused = await inviteRefused(server, '103', '100');
        assertSippOk(refused, 'the INVITE during the grace period');
        const unavailable = received(refused, /^SIP\/2\.0 503 /)[0];
        assert.ok(unavailable, `a 503 to the new INVITE${trace(refused)}`);
        assert.match(header(unavailable, 'Retry-After') ?? '', /^\d+/, 'the 503 says when to retry');
        assert.equal(stopped, false, 'stop() waits for the grace while the call is up');
        assert.equal(server.router.sip.activeCalls, 1, 'the call goes on during the grace');

        clock.advance(GRACE_SECONDS * 1000);
        const results = await allOk({ caller, callee });
        await stopping;
        return results;
      });
      const callerBye = received(results.caller, /^BYE /)[0];
      const calleeBye = received(results.callee, /^BYE /)[0];
      assert.ok(callerBye, `the caller got BYE${trace(results.caller)}`);
      assert.ok(calleeBye, `the callee got BYE${trace(results.callee)}`);
      assert.match(header(callerBye, 'Reason') ?? '', /SYSTEM_SHUTDOWN/, 'the caller is told why');
      assert.match(header(calleeBye, 'Reason') ?? '', /SYSTEM_SHUTDOWN/, 'the callee is told why');

      const cdrs = await cdrsOnDisk(server.cdrFile);
      assertNoCdr(cdrs, { 'User ID': '103' }, 'the refused INVITE is no call');
      const aLeg = findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg');
      assert.equal(aLeg.Answered, true);
      assert.equal(aLeg['Hangup cause'], 'SYSTEM_SHUTDOWN', `the caller’s leg:\n${describeCdrs(cdrs)}`);
      const bLeg = findCdr(cdrs, { 'User ID': '102' }, 'the callee’s leg');
      assert.equal(bLeg.Answered, true);
      assert.equal(bLeg['Hangup cause'], 'SYSTEM_SHUTDOWN', `the callee’s leg:\n${describeCdrs(cdrs)}`);
      // The legs ended during the stop; the journal let them go once their CDRs were written, in its last commit.
      assert.deepEqual(openLegsOnDisk(join(dirname(server.cdrFile), STATE_DATABASE_FILE)), [], 'nothing left for a restart to take for a crash');
    }, { clock });
  });

  it('shutdown with a call that ends within the grace: it ends normally and stop() returns without the grace running out', () => {
    const clock = new SimulatedClock(new Date());
    return withRouter({ calls: { shutdownGraceSeconds: GRACE_SECONDS } }, async (server) => {
      const phone = await registerPhone(server, '102');
      const callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 200 });
      const caller = userCalls(server, '101', '102', 'call-uac.xml', { pauseMs: 1200 });
      await calling([callee, caller], async () => {
        await callAnswered(server);
        const stopping = server.stopRouter();
        await allOk({ caller, callee });
        // The clock never moves here, so the grace cannot have run out: stop() returns because the call ended.
        await stopping;
      });

      const cdrs = await cdrsOnDisk(server.cdrFile);
      const aLeg = findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg');
      assert.equal(aLeg.Answered, true);
      assert.equal(aLeg['Hangup cause'], 'NORMAL_CLEARING');
      const bLeg = findCdr(cdrs, { 'User ID': '102' }, 'the callee’s leg');
      assert.equal(bLeg.Answered, true);
      assert.equal(bLeg['Hangup cause'], 'NORMAL_CLEARING');
    }, { clock });
  });

  it('overload: with maxInSetup 1, a second INVITE while the first call rings gets 503 with Retry-After', () =>
    withRouter({ calls: { maxInSetup: 1 } }, async (server) => {
      const phone = await registerPhone(server, '102');
      const before = await allCdrs(server);
      const callee = await phoneAnswers(phone, 'ring-cancel-uas.xml');
      // The first call rings long enough for a second sipp to start on a busy machine.
      const caller = userCalls(server, '101', '102', 'call-uac-cancel.xml', { pauseMs: 6000 });
      const results = await calling([callee, caller], async () => {
        await waitFor(() => server.router.sip.callsInSetup === 1, 'the first call to be in setup');
        const refused = await inviteRefused(server, '103', '100');
        assertSippOk(refused, 'the second INVITE');
        const unavailable = received(refused, /^SIP\/2\.0 503 /)[0];
        assert.ok(unavailable, `a 503 to the second INVITE${trace(refused)}`);
        assert.match(header(unavailable, 'Retry-After') ?? '', /^\d+/, 'the 503 says when to retry');
        assert.equal(server.router.sip.callsInSetup, 1, 'the first call still rings');
        return allOk({ caller, callee });
      });
      assert.deepEqual(finalStatuses(results.caller), [407, 487]);

      const cdrs = await newCdrs(server, before, 2);
      assertNoCdr(cdrs, { 'User ID': '103' }, 'the refused INVITE is no call');
      const aLeg = findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg');
      assert.equal(aLeg['Hangup cause'], 'ORIGINATOR_CANCEL');
      assert.equal(aLeg.Answered, false);
    }));

  it('the caller puts the call on hold: the re-INVITE (a=sendonly) reaches the callee, whose a=recvonly answer comes back', () =>
    withRouter({}, async (server) => {
      const phone = await registerPhone(server, '102');
      const before = await allCdrs(server);
      const callee = await phoneAnswers(phone, 'lifecycle-hold-uas.xml', { pauseMs: 200 });
      const caller = userCalls(server, '101', '102', 'lifecycle-hold-uac.xml', { pauseMs: 400 });
      const results = await calling([callee, caller], () => allOk({ caller, callee }));

      const invites = received(results.callee, /^INVITE /);
      assert.equal(invites.length >= 2, true, `the callee got the initial INVITE and the re-INVITE${trace(results.callee)}`);
      const reinvite = invites[invites.length - 1];
      assert.match(reinvite.body, /^a=sendonly$/m, 'the caller’s hold SDP reaches the callee');
      assert.match(reinvite.body, /^s=caller-hold$/m);
      assert.equal(header(reinvite, 'Call-ID'), header(invites[0], 'Call-ID'), 'in the callee’s dialog');
      const answer = receivedWithCSeq(results.caller, /^SIP\/2\.0 200 /, /^3 INVITE/)[0];
      assert.ok(answer, `the caller got 200 to its re-INVITE${trace(results.caller)}`);
      assert.match(answer.body, /^a=recvonly$/m, 'the callee’s answer reaches the caller');
      assert.match(answer.body, /^s=callee-held$/m);
      assert.equal(received(results.callee, /^ACK /).length >= 2, true, 'the callee’s 200 to the re-INVITE is ACKed');
      assert.equal(received(results.callee, /^BYE /).length >= 1, true, 'the caller’s BYE reaches the callee');

      const cdrs = await newCdrs(server, before, 2);
      for (const user of ['101', '102']) {
        const leg = findCdr(cdrs, { 'User ID': user }, `${user}’s leg`);
        assert.equal(leg.Answered, true);
        assert.equal(leg['Hangup cause'], 'NORMAL_CLEARING');
      }
    }));

  it('the callee puts the call on hold: the re-INVITE (a=sendonly) reaches the caller, whose a=recvonly answer comes back', () =>
    withRouter({}, async (server) => {
      const phone = await registerPhone(server, '102');
      const before = await allCdrs(server);
      const callee = await phoneAnswers(phone, 'lifecycle-holds-uas.xml', { pauseMs: 300 });
      const caller = userCalls(server, '101', '102', 'lifecycle-held-uac.xml', { pauseMs: 400 });
      const results = await calling([callee, caller], () => allOk({ caller, callee }));

      const reinvite = received(results.caller, /^INVITE /)[0];
      assert.ok(reinvite, `the caller got the re-INVITE${trace(results.caller)}`);
      assert.match(reinvite.body, /^a=sendonly$/m, 'the callee’s hold SDP reaches the caller');
      assert.match(reinvite.body, /^s=callee-hold$/m);
      const callerInvite = sent(results.caller, /^INVITE /)[0];
      assert.equal(header(reinvite, 'Call-ID'), header(callerInvite, 'Call-ID'), 'in the caller’s dialog');
      const answer = receivedWithCSeq(results.callee, /^SIP\/2\.0 200 /, /^1 INVITE/)[0];
      assert.ok(answer, `the callee got 200 to its re-INVITE${trace(results.callee)}`);
      assert.match(answer.body, /^a=recvonly$/m, 'the caller’s answer reaches the callee');
      assert.match(answer.body, /^s=caller-held$/m);
      assert.equal(received(results.caller, /^ACK /).length >= 1, true, 'the caller’s 200 to the re-INVITE is ACKed');
      assert.equal(received(results.callee, /^BYE /).length >= 1, true, 'the caller’s BYE reaches the callee');

      const cdrs = await newCdrs(server, before, 2);
      for (const user of ['101', '102']) {
        const leg = findCdr(cdrs, { 'User ID': user }, `${user}’s leg`);
        assert.equal(leg.Answered, true);
        assert.equal(leg['Hangup cause'], 'NORMAL_CLEARING');
      }
    }));

  it('a long call refreshed with UPDATE mid-way, each request requiring timers, stays up until the caller hangs up', () =>
    withRouter({}, async (server) => {
      const phone = await registerPhone(server, '102');
      const before = await allCdrs(server);
      const callee = await phoneAnswers(phone, 'lifecycle-refresh-uas.xml', { pauseMs: 200 });
      const caller = userCalls(server, '101', '102', 'lifecycle-refresh-uac.xml', { pauseMs: 1600 });
      const results = await calling([callee, caller], () => allOk({ caller, callee }));

      const update = received(results.callee, /^UPDATE /)[0];
      assert.ok(update, `the callee got the UPDATE${trace(results.callee)}`);
      const answer = receivedWithCSeq(results.caller, /^SIP\/2\.0 200 /, /^2 INVITE/)[0];
      const refreshed = receivedWithCSeq(results.caller, /^SIP\/2\.0 200 /, /^3 UPDATE/)[0];
      for (const response of [answer, refreshed]) {
        assert.equal(header(response, 'Require'), 'timer', 'the caller’s Require: timer is honoured, not refused with 420');
        assert.equal(header(response, 'Session-Expires'), '90;refresher=uac');
      }
      assert.equal(received(results.caller, /^BYE /).length, 0, 'the router never hung up on the caller');
      assert.equal(received(results.callee, /^BYE /).length >= 1, true, 'the caller’s BYE reaches the callee');
      const callerMessages = parseMessageLog(results.caller.messages);
      const lastSent = callerMessages.filter((message) => message.direction === 'sent').at(-1);
      assert.match(lastSent?.firstLine ?? '', /^BYE /, 'the caller ended the call');

      const cdrs = await newCdrs(server, before, 2);
      for (const user of ['101', '102']) {
        const leg = findCdr(cdrs, { 'User ID': user }, `${user}’s leg`);
        assert.equal(leg.Answered, true);
        assert.equal(leg['Hangup cause'], 'NORMAL_CLEARING');
        assert.ok(Number(leg['Connected call duration'] ?? 0) >= 3, `${user}’s leg talked 3 s or more: ${String(leg['Connected call duration'])}`);
      }
    }));

  it('102 registered from two phones: both ring, one answers, the other gets CANCEL; one answered leg for 102', () =>
    withRouter({}, async (server) => {
      const first = await registerPhone(server, '102');
      const second = await registerPhone(server, '102');
      assert.equal(server.router.sip.contacts(DOMAIN, '102').length, 2, 'two contacts for 102');
      const before = await allCdrs(server);
      const answering = await phoneAnswers(first, 'answer-uas.xml', { pauseMs: 400 });
      const ringing = await phoneAnswers(second, 'ring-cancel-uas.xml');
      const caller = userCalls(server, '101', '102', 'call-uac.xml', { pauseMs: 300 });
      const results = await calling([answering, ringing, caller], () => allOk({ caller, answering, ringing }));

      assert.equal(received(results.answering, /^INVITE /).length >= 1, true);
      assert.equal(received(results.ringing, /^INVITE /).length >= 1, true, 'the second phone rang too');
      assert.equal(received(results.ringing, /^CANCEL /).length >= 1, true, 'the second phone got CANCEL');
      assert.equal(received(results.answering, /^BYE /).length >= 1, true, 'the caller’s BYE reaches the phone that answered');

      const cdrs = await newCdrs(server, before, 3);
      const aLeg = findCdr(cdrs, { 'User ID': '101' }, 'the caller’s leg');
      assert.equal(aLeg.Answered, true);
      assert.equal(aLeg['Hangup cause'], 'NORMAL_CLEARING');
      const calleeLegs = cdrs.filter((doc) => doc['User ID'] === '102');
      assert.equal(calleeLegs.length, 2, `one leg per phone:\n${describeCdrs(cdrs)}`);
      const answered = findCdr(calleeLegs, { Answered: true }, 'the leg of the phone that answered');
      assert.equal(answered.Bridged, true);
      assert.equal(answered['Hangup cause'], 'NORMAL_CLEARING');
      const cancelled = findCdr(calleeLegs, { Answered: false }, 'the leg of the phone that was cancelled');
      assert.notEqual(cancelled.Bridged, true);
    }));
});
