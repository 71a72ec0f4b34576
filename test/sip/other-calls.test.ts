/**
 * The applications that act beyond their own call, on the built-in SIP
 * server with sipp phones: sipRedirect (302 before the answer, REFER after
 * it), park and taking a parked call, pickup of a call ringing in a group,
 * hangup {uuid} and bridge {uuid, other_uuid}. Two calls are connected by
 * relaying their media through the router's engine: each gets a 200 with
 * the router's SDP, and when one hangs up the other gets BYE.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { allCdrs, findCdr, newCdrs, allOk, firstReceived, header, INTERNAL_SCHEMA, phoneAnswers, registerPhone, stopAll, userCalls, waitForState, finalStatuses, type BackgroundSipp } from '../support/sip/calls.js';
import { linesWithRepeatedKeys } from '../support/log-lines.js';
import { startTestRouter, type TestRouter } from '../support/sip/router.js';

/** A parked call leaves its uuid in the cache so another call's schema can name it. */
const PARK_HERE = [{ cache: { method: 'add', key: 'parked', value: '${uuid}' } }, { park: { name: 'lot', lot: '${destination_number}' } }];

/**
 * Runs `body` on a router whose log lines it then checks: none holds a key twice. A call placed or taken over by
 * another (originate, transfer) logs through loggers of its own, where a second `uuid` had slipped in.
 */
async function withRouter(body: (server: TestRouter) => Promise<void>): Promise<void> {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => done(void lines.push(...String(chunk).split('\n').filter(Boolean))) });
  const server = await startTestRouter({
    logger: pino({ level: 'info' }, sink),
    routes: {
      default: [
        { name: 'extensions', pattern: '^10[0-2]$', schema: INTERNAL_SCHEMA },
        { name: 'sales line', pattern: '^103$', schema: [{ bridge: { pickup: 'sales', endpoints: [{ type: 'user', name: '103' }] } }] },
        { name: 'pickup code', pattern: '^\\*8$', schema: [{ pickup: 'sales' }] },
        { name: 'moved', pattern: '^300$', schema: [{ sipRedirect: ['sip:1000@moved.example.net', 'sip:1001@moved.example.net'] }] },
        { name: 'deflected', pattern: '^301$', schema: [{ answer: '' }, { sipRedirect: 'sip:1000@moved.example.net' }, { hangup: 'CALL_REJECTED' }] },
        { name: 'park', pattern: '^70\\d$', schema: PARK_HERE },
        { name: 'end parked', pattern: '^800$', schema: [{ cache: { method: 'get', key: 'parked', setVar: 'victim' } }, { hangup: { uuid: '${victim}', cause: 'CALL_REJECTED' } }, { hangup: 'USER_BUSY' }] },
        {
          name: 'call me back',
          pattern: '^900$',
          schema: [
            { originate: { endpoint: { type: 'user', name: '102' }, delay: 0, timeout: 20, exportVar: { other_uuid: '${uuid}' }, actions: [{ bridge: { uuid: '${uuid}', other_uuid: '${other_uuid}' } }] } },
            { park: { name: 'callbacks', lot: '${uuid}' } },
          ],
        },
        { name: 'join parked', pattern: '^801$', schema: [{ cache: { method: 'get', key: 'parked', setVar: 'other' } }, { bridge: { uuid: '${uuid}', other_uuid: '${other}' } }] },
      ],
    },
  });
  try {
    await body(server);
  } finally {
    await server.close();
  }
  assert.deepEqual(linesWithRepeatedKeys(lines), [], 'no log line holds a key twice');
}

/** Resolves once the router has answered a call (the first caller is parked). */
async function someCallAnswered(server: TestRouter): Promise<void> {
  const deadline = Date.now() + 20_000;
  const answered = () => server.router.sip.liveCalls.list().some((call) => call.state === 'answered');
  while (!answered()) {
    if (Date.now() > deadline) throw new Error(`no call answered within 20 s: ${JSON.stringify(server.router.sip.liveCalls.list())}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The parked (or picked-up) caller is answered with the router's SDP and then gets the router's BYE. */
function assertConnectedThenEnded(first: Awaited<ReturnType<typeof allOk>>[string]): void {
  assert.equal(finalStatuses(first).at(-1), 200);
  firstReceived(first, /^BYE /);
}

/** 101 parks by dialling `parkAt`; once it is answered 102 dials `joinBy`, is answered and connected, and its BYE ends 101's call. */
async function parkedThenJoined(server: TestRouter, parkAt: string, joinBy: string): Promise<void> {
  let joiner: BackgroundSipp | undefined;
  const parked = userCalls(server, '101', parkAt, 'call-uac-remote-bye.xml', { timeoutSeconds: 40 });
  try {
    await someCallAnswered(server);
    joiner = userCalls(server, '102', joinBy, 'call-uac.xml', { pauseMs: 500, timeoutSeconds: 40 });
    const results = await allOk({ parked, joiner });
    assert.equal(finalStatuses(results.joiner).at(-1), 200);
    assertConnectedThenEnded(results.parked);
  } finally {
    stopAll([parked, joiner]);
  }
}

describe('applications acting on other calls, over SIP', () => {
  it('sipRedirect before the answer: 302 naming every target in Contact', () =>
    withRouter(async (server) => {
      const caller = userCalls(server, '101', '300', 'call-uac-redirected.xml');
      try {
        const { caller: result } = await allOk({ caller });
        const moved = firstReceived(result, /^SIP\/2\.0 302 /);
        const contacts = moved.headers.filter((line) => /^contact:/i.test(line)).join(',');
        assert.match(contacts, /<sip:1000@moved\.example\.net>/);
        assert.match(contacts, /<sip:1001@moved\.example\.net>/);
      } finally {
        stopAll([caller]);
      }
    }));

  it('sipRedirect after the answer: REFER to the first target, then BYE once the phone reports its new call answered', () =>
    withRouter(async (server) => {
      const caller = userCalls(server, '101', '301', 'call-uac-referred.xml', { keys: { fragment: '200 OK' } });
      try {
        const { caller: result } = await allOk({ caller });
        assert.equal(header(firstReceived(result, /^REFER /), 'Refer-To'), '<sip:1000@moved.example.net>');
        assert.match(header(firstReceived(result, /^BYE /), 'Reason') ?? '', /text="BLIND_TRANSFER"/);
      } finally {
        stopAll([caller]);
      }
    }));

  it('sipRedirect after the answer: a transfer the phone reports failed leaves the call up, and the flow goes on', () =>
    withRouter(async (server) => {
      const caller = userCalls(server, '101', '301', 'call-uac-referred.xml', { keys: { fragment: '486 Busy Here' } });
      try {
        const { caller: result } = await allOk({ caller });
        assert.match(header(firstReceived(result, /^BYE /), 'Reason') ?? '', /text="CALL_REJECTED"/);
      } finally {
        stopAll([caller]);
      }
    }));

  it('park: the first caller waits in slot 701; the next caller of 701 takes it, and its BYE ends both', () =>
    withRouter((server) => parkedThenJoined(server, '701', '701')));

  it('pickup: 101 rings 103 with pickup group sales; 102 dials *8 and is connected to 101, 103 stops ringing', () =>
    withRouter(async (server) => {
      const phone = await registerPhone(server, '103');
      const ringingPhone = await phoneAnswers(phone, 'ring-cancel-uas.xml', { timeoutSeconds: 40 });
      let picker: BackgroundSipp | undefined;
      const caller = userCalls(server, '101', '103', 'call-uac-remote-bye.xml', { timeoutSeconds: 40 });
      try {
        assert.equal(await waitForState(server, '103', 'ringing', 20_000), 'ringing');
        picker = userCalls(server, '102', '*8', 'call-uac.xml', { pauseMs: 500, timeoutSeconds: 40 });
        const results = await allOk({ caller, picker, ringingPhone });
        assert.equal(finalStatuses(results.picker).at(-1), 200);
        assertConnectedThenEnded(results.caller);
        firstReceived(results.ringingPhone, /^CANCEL /);
      } finally {
        stopAll([caller, picker, ringingPhone]);
      }
    }));

  it('hangup {uuid}: another call ends the parked call with its cause', () =>
    withRouter(async (server) => {
      let killer: BackgroundSipp | undefined;
      const parked = userCalls(server, '101', '702', 'call-uac-remote-bye.xml', { timeoutSeconds: 40 });
      try {
        await someCallAnswered(server);
        killer = userCalls(server, '102', '800', 'call-uac-refused.xml', { timeoutSeconds: 40 });
        const results = await allOk({ parked, killer });
        assert.match(header(firstReceived(results.parked, /^BYE /), 'Reason') ?? '', /cause=21;text="CALL_REJECTED"/);
        assert.equal(finalStatuses(results.killer).at(-1), 486);
      } finally {
        stopAll([parked, killer]);
      }
    }));

  it('originate: 101 waits parked while the router calls 102, whose actions join the two; 101 hangs up and 102 gets BYE', () =>
    withRouter(async (server) => {
      const phone = await registerPhone(server, '102');
      const before = await allCdrs(server);
      const callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 200, timeoutSeconds: 40 });
      const caller = userCalls(server, '101', '900', 'call-uac.xml', { pauseMs: 3000, timeoutSeconds: 40 });
      try {
        const results = await allOk({ caller, callee });
        const invite = firstReceived(results.callee, /^INVITE /);
        assert.match(header(invite, 'To') ?? '', /sip:102@/);
        assert.match(invite.body, /m=audio \d+ RTP\/AVP/);
        firstReceived(results.callee, /^BYE /);
        const cdrs = await newCdrs(server, before, 2);
        const called = findCdr(cdrs, { 'Destination number': '102', Bridged: true }, 'the originated leg');
        const waiting = findCdr(cdrs, { 'Destination number': '900', Bridged: true }, 'the caller who waited');
        // The originated leg's CDR is a fork of the call that placed it; the caller was joined to it.
        assert.equal((called.variables as Record<string, string>).originating_leg_uuid, (waiting.variables as Record<string, string>).uuid);
        assert.equal((waiting.variables as Record<string, string>).last_bridge_to, (called.variables as Record<string, string>).uuid);
      } finally {
        stopAll([caller, callee]);
      }
    }));

  it('bridge {uuid, other_uuid}: a call joins itself to the parked call', () => withRouter((server) => parkedThenJoined(server, '703', '801')));
});
