import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from '../../clock.js';
import { SipHeaders } from '../message/index.js';
import { negotiateAsUas, readUacAnswer, SessionTimer, uacOfferHeaders, uasAnswerHeaders, type SessionInterval } from './session-timer.js';

const SETTINGS = { sessionExpires: 1800, minSE: 90 };

function message(headers: Record<string, string>) {
  const sip = new SipHeaders();
  for (const [name, value] of Object.entries(headers)) sip.set(name, value);
  return { headers: sip };
}

test('UAS: an INVITE without timers gets ours, with us refreshing and no Require', () => {
  const result = negotiateAsUas(message({}), SETTINGS);
  assert.ok(result.ok);
  assert.deepEqual(result.interval, { seconds: 1800, weRefresh: true, peerSupports: false });
  assert.deepEqual(uasAnswerHeaders(result.interval), { 'session-expires': '1800;refresher=uas' });
});

test('UAS: a UAC that supports timers refreshes unless it names us; its interval is honoured', () => {
  const result = negotiateAsUas(message({ supported: 'replaces, timer', 'session-expires': '600' }), SETTINGS);
  assert.ok(result.ok);
  assert.deepEqual(result.interval, { seconds: 600, weRefresh: false, peerSupports: true });
  assert.deepEqual(uasAnswerHeaders(result.interval), { 'session-expires': '600;refresher=uac', require: 'timer' });
  const namingUs = negotiateAsUas(message({ supported: 'timer', 'session-expires': '600;refresher=uas' }), SETTINGS);
  assert.ok(namingUs.ok && namingUs.interval.weRefresh);
});

test('UAS: too short an interval is 422 with Min-SE when the UAC supports timers, else raised to our minimum', () => {
  assert.deepEqual(negotiateAsUas(message({ supported: 'timer', 'session-expires': '30' }), SETTINGS), { ok: false, status: 422, headers: { 'min-se': '90' } });
  const raised = negotiateAsUas(message({ 'session-expires': '30' }), SETTINGS);
  assert.ok(raised.ok);
  assert.equal(raised.interval.seconds, 90);
  const withPeerFloor = negotiateAsUas(message({}), { sessionExpires: 100, minSE: 90 });
  assert.ok(withPeerFloor.ok && withPeerFloor.interval.seconds === 100);
});

test('UAC: offers ours with us as refresher, raised after a 422; reads the 2xx', () => {
  assert.deepEqual(uacOfferHeaders(SETTINGS), { supported: 'timer', 'session-expires': '1800;refresher=uac', 'min-se': '90' });
  assert.deepEqual(uacOfferHeaders({ sessionExpires: 120, minSE: 90 }, 300), { supported: 'timer', 'session-expires': '300;refresher=uac', 'min-se': '300' });
  assert.deepEqual(readUacAnswer(message({ 'session-expires': '900;refresher=uas', require: 'timer' })), { seconds: 900, weRefresh: false, peerSupports: true });
  assert.equal(readUacAnswer(message({})), undefined, 'no Session-Expires in the 2xx: no timer (§7.2)');
});

function running(interval: SessionInterval, refreshStatus: number) {
  const events: string[] = [];
  const timer = new SessionTimer(interval, {
    refresh: async () => {
      events.push('refresh');
      return refreshStatus;
    },
    expired: () => events.push('expired'),
  }, systemClock);
  return { events, timer };
}

test('the refresher refreshes at half the interval; a refresh answered 481 ends the session', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const ok = running({ seconds: 10, weRefresh: true, peerSupports: false }, 200);
  t.mock.timers.tick(5_000);
  await Promise.resolve();
  t.mock.timers.tick(9_000);
  await Promise.resolve();
  assert.deepEqual(ok.events, ['refresh', 'refresh'], 'each answered refresh starts a new interval');
  ok.timer.stop();

  const gone = running({ seconds: 10, weRefresh: true, peerSupports: false }, 481);
  t.mock.timers.tick(5_000);
  await Promise.resolve();
  await Promise.resolve();
  assert.deepEqual(gone.events, ['refresh', 'expired']);
});

test('the other side ends the session at the interval less min(32 s, a third) unless refreshed', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const { events, timer } = running({ seconds: 90, weRefresh: false, peerSupports: true }, 200);
  t.mock.timers.tick(59_000);
  timer.refreshed();
  t.mock.timers.tick(59_999);
  assert.deepEqual(events, []);
  t.mock.timers.tick(1);
  assert.deepEqual(events, ['expired']);
});
