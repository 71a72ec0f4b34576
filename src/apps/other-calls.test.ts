/**
 * The applications that act beyond their own call — sipRedirect, park,
 * pickup, hangup {uuid}, bridge {uuid, other_uuid} — in a trace (SimCall),
 * and against a switchboard that records what it is asked. The same apps
 * over SIP: test/sip/other-calls.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import wavefile from 'wavefile';
import type { Call } from '../call/call.js';
import type { HangupCause } from '../call/hangup-cause.js';
import type { Switchboard } from '../call/switchboard.js';
import { AcrServices } from './services/acr-services.js';
import { loadErrors, runApp, runSchema } from '../../test/support/engine.js';

/** A call elsewhere on the switchboard: it records how it was hung up. */
function otherCall(uuid: string): Call & { causes: HangupCause[] } {
  const causes: HangupCause[] = [];
  return { uuid, causes, state: 'answered', signal: new AbortController().signal, hangup: async (cause: HangupCause) => void causes.push(cause) } as unknown as Call & {
    causes: HangupCause[];
  };
}

function switchboardWith(...calls: Call[]): Switchboard & { connected: [string, string][] } {
  const connected: [string, string][] = [];
  return {
    connected,
    find: (uuid) => calls.find((call) => call.uuid === uuid),
    connect: async (a, b) => {
      connected.push([a.uuid, b.uuid]);
      return { connected: true };
    },
    originate: () => ({ placed: false, reason: 'not in this test' }),
  };
}

describe('sipRedirect', () => {
  it('redirects a call not yet answered (302) and ends the flow', async () => {
    const run = await runSchema([{ sipRedirect: ['sip:1000@pbx.example.net', 'sip:1001@pbx.example.net'] }, { log: 'never' }]);
    assert.equal(run.steps.length, 1);
    assert.equal(run.steps[0].result, '302 Moved Temporarily to sip:1000@pbx.example.net, sip:1001@pbx.example.net');
    assert.equal(run.call.hangupCause, 'REDIRECTION_TO_NEW_DESTINATION');
  });

  it('deflects an answered call to the first target (REFER)', async () => {
    const run = await runSchema([{ answer: '' }, { sipRedirect: 'sip:foo@end.com' }]);
    assert.equal(run.steps[1].result, 'deflected (REFER) to sip:foo@end.com');
    assert.equal(run.call.hangupCause, 'BLIND_TRANSFER');
  });

  it('needs targets that are SIP URIs, when the schema loads and when substituted', async () => {
    assert.deepEqual(loadErrors([{ sipRedirect: [] }]), [{ path: '[0].sipRedirect', message: 'expected a SIP URI or a list of them' }]);
    assert.deepEqual(loadErrors([{ sipRedirect: ['sip:1000@pbx', 'call me'] }]), [
      { path: '[0].sipRedirect[1]', message: 'expected a SIP URI such as sip:1000@example.com, got "call me"' },
    ]);
    const { step, call } = await runApp({ sipRedirect: 'sip:${target}' }, { variables: { target: '1000 @pbx' } });
    assert.equal(step.result, 'not redirected: not a SIP URI: "sip:1000 @pbx"');
    assert.equal(call.state, 'ringing');
  });
});

describe('park', () => {
  it('parks the call in its slot with silence until the caller hangs up, the slot in ${valet_lot_extension}', async () => {
    const run = await runSchema([{ park: { name: 'myPark', lot: '6001' } }, { log: 'never' }], { callerHangsUpAfter: 90 });
    assert.equal(run.steps.length, 1);
    assert.equal(run.steps[0].result, 'parked at myPark 6001 until the caller hung up');
    assert.deepEqual(run.steps[0].variables, { valet_lot_extension: '6001' });
    assert.ok(run.steps[0].notes.includes('held, hearing silence'), JSON.stringify(run.steps[0].notes));
    assert.equal(run.elapsedMs, 90_000);
  });

  it('auto in: the first free slot of the range; a playable ${hold_music} is heard', async () => {
    const acr = new AcrServices();
    const other = otherCall('parked-before');
    acr.parking.park('example.com', 'myPark', '1000', other);
    const run = await runSchema([{ setVar: 'hold_music=%(400,200,425)' }, { park: { name: 'myPark', lot: '1000-2000', auto: 'in' } }], { callerHangsUpAfter: 5 }, { acr });
    assert.deepEqual(run.steps[1].variables, { valet_lot_extension: '1001' });
    assert.ok(run.steps[1].notes.some((note) => note.startsWith('held, hearing tone')), JSON.stringify(run.steps[1].notes));
  });

  it('a slot holding a parked call: this call takes it (auto out: the first parked in the range)', async () => {
    const acr = new AcrServices(undefined, undefined, undefined, switchboardWith());
    const parked = otherCall('parked-call');
    const held = acr.parking.park('example.com', 'myPark', '1500', parked)!;
    const run = await runSchema([{ park: { name: 'myPark', lot: '1000-2000', auto: 'out' } }], { callerHangsUpAfter: 5 }, { acr });
    assert.equal(held.release.signal.aborted, true);
    assert.equal(await held.taken, true);
    assert.equal(run.steps[0].result, 'took call parked-call parked at myPark 1500; connected until hang-up');
    assert.equal(acr.parking.occupied('example.com', 'myPark', '1500'), false);
  });

  it('auto out with nothing parked goes on', async () => {
    const { step } = await runApp({ park: { name: 'myPark', lot: '6001-6003', auto: 'out' } });
    assert.equal(step.result, 'no call parked in myPark 6001-6003');
  });

  it('${hold_music} is read as a bridge reads it: a file relative to sound_prefix, tone_stream://', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callrouter-park-moh-'));
    const file = new wavefile.WaveFile();
    file.fromScratch(1, 8000, '16', new Int16Array(800));
    writeFileSync(join(dir, 'moh.wav'), file.toBuffer());
    const relative = await runSchema([{ setVar: 'hold_music=moh.wav' }, { park: { name: 'myPark', lot: '7001' } }], { callerHangsUpAfter: 5, variables: { sound_prefix: dir } });
    assert.ok(relative.steps[1].notes.includes(`held, hearing ${join(dir, 'moh.wav')}`), JSON.stringify(relative.steps[1].notes));
    const stream = await runSchema([{ setVar: 'hold_music=tone_stream://%(400,200,425)' }, { park: { name: 'myPark', lot: '7002' } }], { callerHangsUpAfter: 5 });
    assert.ok(stream.steps[1].notes.includes('held, hearing tone tone_stream://%(400,200,425)'), JSON.stringify(stream.steps[1].notes));
  });

  it('a range without auto parks in its first free slot, as flow_manager does', async () => {
    const acr = new AcrServices();
    acr.parking.park('example.com', 'myPark', '6001', otherCall('parked-before'));
    const run = await runSchema([{ park: { name: 'myPark', lot: '6001-6003' } }], { callerHangsUpAfter: 5 }, { acr });
    assert.deepEqual(run.steps[0].variables, { valet_lot_extension: '6002' });
  });

  it('checks the lot when the schema loads', () => {
    assert.deepEqual(loadErrors([{ park: { name: 'p', lot: '6010-6001' } }]), [{ path: '[0].park.lot', message: 'expected a range of at most 10000 slots, low to high, got "6010-6001"' }]);
    assert.deepEqual(loadErrors([{ park: { name: 'p' } }]), [{ path: '[0].park.lot', message: 'expected a slot (6001) or a range (6001-6010)' }]);
  });
});

describe('pickup', () => {
  it('takes the oldest call ringing in the group: it stops ringing and the two are connected', async () => {
    const switchboard = switchboardWith();
    const acr = new AcrServices(undefined, undefined, undefined, switchboard);
    const ringing = acr.pickupGroups.offer('example.com', ['sales'], otherCall('ringing-call'));
    const run = await runSchema([{ pickup: 'sales' }], { callerHangsUpAfter: 5 }, { acr });
    assert.equal(ringing.stop.signal.aborted, true);
    assert.equal(ringing.pickedBy?.uuid, run.call.uuid);
    assert.equal(await ringing.pickedBy?.connected, true);
    assert.deepEqual(switchboard.connected, [[run.call.uuid, 'ringing-call']]);
  });

  it('nothing ringing in the group: the flow goes on', async () => {
    const run = await runSchema([{ pickup: 'mygroup' }, { log: 'next' }]);
    assert.equal(run.steps[0].result, 'nothing rings in pickup group mygroup');
    assert.equal(run.steps.length, 2);
  });

  it('a call ringing in several groups (ACR\'s JavaScript router\'s pickup list) is taken from either, and leaves them all', () => {
    const acr = new AcrServices();
    const ringing = acr.pickupGroups.offer('example.com', ['sales', 'support'], otherCall('ringing-call'));
    assert.equal(acr.pickupGroups.take('example.com', 'support', otherCall('picker'), Promise.resolve(true)), ringing);
    assert.equal(ringing.pickedBy?.group, 'support');
    assert.equal(acr.pickupGroups.take('example.com', 'sales', otherCall('second picker'), Promise.resolve(true)), undefined);
  });

  it('a bridge with a list of pickup groups leaves each after ringing', async () => {
    const acr = new AcrServices();
    const run = await runSchema([{ bridge: { pickup: ['sales', 'support'], endpoints: [{ type: 'user', name: '101' }] } }], { phones: { '101': 'onhook' } }, { acr });
    assert.match(run.steps[0].result!, /^bridge failed: NO_ANSWER/);
    for (const group of ['sales', 'support']) assert.equal(acr.pickupGroups.take('example.com', group, otherCall('picker'), Promise.resolve(false)), undefined);
  });

  it('a bridge with a pickup group is in the group while it rings, and leaves it after', async () => {
    const acr = new AcrServices();
    const run = await runSchema([{ bridge: { pickup: 'sales', endpoints: [{ type: 'user', name: '101' }] } }], { phones: { '101': 'onhook' } }, { acr });
    assert.match(run.steps[0].result!, /^bridge failed: NO_ANSWER/);
    assert.equal(acr.pickupGroups.take('example.com', 'sales', otherCall('picker'), Promise.resolve(false)), undefined);
  });
});

describe('originate', () => {
  const callback = {
    originate: {
      uuid: 'new-call',
      delay: 0,
      cid_num: '${caller_id_number}',
      exportVar: { other_uuid: '${uuid}' },
      endpoint: { type: 'sipGateway', name: 'carrier', dialString: '${callback_number}' },
      actions: [{ bridge: { uuid: '${uuid}', other_uuid: '${other_uuid}' } }],
    },
  };

  it('asks the switchboard for the new call: its target, ring time, caller ID and variables; the flow goes on at once', async () => {
    const requests: Parameters<Switchboard['originate']>[1][] = [];
    const switchboard = { ...switchboardWith(), originate: (_from: Call, request: Parameters<Switchboard['originate']>[1]) => (requests.push(request), { placed: true as const }) };
    const acr = new AcrServices(undefined, undefined, undefined, switchboard);
    const run = await runSchema([callback, { log: 'next' }], { variables: { caller_id_number: '0441234567', callback_number: '0671234567' } }, { acr });
    assert.equal(run.steps[0].result, "call new-call to gateway carrier/0671234567 in 0 s, ringing up to 40 s; its 1 action(s) run when it answers");
    assert.equal(run.steps.length, 2);
    const [request] = requests;
    const leg = request.plan.groups[0][0];
    assert.deepEqual([leg.endpoint.type, leg.endpoint.dialString, leg.timeoutSeconds, leg.callerIdNumber], ['gateway', '0671234567', 40, '0441234567']);
    assert.deepEqual(request.variables, { other_uuid: run.call.uuid, domain_name: 'example.com', originating_leg_uuid: run.call.uuid });
  });

  it('in a trace nothing is placed, and the trace says so', async () => {
    const { step } = await runApp(callback, { variables: { callback_number: '0671234567' } });
    assert.equal(step.result, 'not placed (call new-call to gateway carrier/0671234567): a trace places no other calls');
  });

  it("checks the new call's actions when the schema loads, with their path", () => {
    assert.deepEqual(loadErrors([{ originate: { endpoint: { type: 'user', name: '101', proto: 'sip' }, actions: [{ hangupp: '' }] } }]), [
      { path: '[0].originate.actions[0].hangupp', message: 'unknown application; did you mean hangup?' },
    ]);
  });
});

describe('hangup and bridge by uuid', () => {
  it('hangup {uuid, cause} ends that call; the flow goes on', async () => {
    const other = otherCall('call-2');
    const acr = new AcrServices(undefined, undefined, undefined, switchboardWith(other));
    const run = await runSchema([{ hangup: { uuid: '${victim}', cause: 'USER_BUSY' } }, { log: 'still here' }], { variables: { victim: 'call-2' } }, { acr });
    assert.equal(run.steps[0].result, 'hung up call call-2: USER_BUSY');
    assert.deepEqual(other.causes, ['USER_BUSY']);
    assert.equal(run.steps.length, 2);
  });

  it('hangup {uuid} naming this call ends it and the flow; an unknown uuid changes nothing', async () => {
    const own = await runSchema([{ hangup: { uuid: '${uuid}' } }, { log: 'never' }]);
    assert.equal(own.steps.length, 1);
    assert.equal(own.call.hangupCause, 'NORMAL_CLEARING');
    const { step, call } = await runApp({ hangup: { uuid: 'nobody' } });
    assert.equal(step.result, 'nothing hung up: no call nobody is in progress');
    assert.equal(call.state, 'ringing');
  });

  it('bridge {uuid, other_uuid} connects two other calls: +OK in exportVar', async () => {
    const switchboard = switchboardWith(otherCall('a'), otherCall('b'));
    const acr = new AcrServices(undefined, undefined, undefined, switchboard);
    const { step } = await runApp({ bridge: { uuid: 'a', other_uuid: 'b', exportVar: 'res' } }, {}, { acr });
    assert.deepEqual(switchboard.connected, [['a', 'b']]);
    assert.deepEqual(step.variables, { res: '+OK b' });
  });
});
