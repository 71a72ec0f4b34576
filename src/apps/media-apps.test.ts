import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, loadValid, runApp, runSchema } from '../../test/support/engine.js';

describe('ringback', () => {
  it('sets ringback, hold_music and transfer_ringback as FreeSWITCH names them; the route uses our media', async () => {
    const args = { call: { name: '%(1000,4000,425)', type: 'tone' }, hold: { name: '/srv/moh.wav', type: 'local' }, transfer: { name: '3000', type: 'silence' } };
    assert.equal(loadValid([{ ringback: { call: args.call } }]).usesMedia, true);
    const { step } = await runApp({ ringback: { call: args.call, transfer: args.transfer } });
    assert.deepEqual(step.variables, { ringback: '%(1000,4000,425)', transfer_ringback: 'silence_stream://3000' });
  });

  it('a relative file is under sound_prefix; `all` exports to the legs made later; unplayable types are skipped, saying why', async () => {
    const run = await runSchema(
      [{ ringback: { call: { name: 'ring.wav', type: 'local' }, hold: { name: 'moh', type: 'mp3' }, all: true } }],
      { variables: { sound_prefix: '/nonexistent/sounds' } },
    );
    const [step] = run.steps;
    assert.equal(step.result, 'nothing set');
    assert.ok(step.notes.some((note) => note.includes('/nonexistent/sounds/ring.wav')), step.notes.join('; '));
    assert.ok(step.notes.some((note) => note.startsWith('skipping mp3 "moh": mp3 not supported')), step.notes.join('; '));
    const exported = await runSchema([{ ringback: { call: { name: '%(2000,4000,440,480)', type: 'tone' }, all: 'true' } }, { setVar: 'probe=${ringback}' }]);
    assert.equal(exported.steps[1].variables.probe, '%(2000,4000,440,480)');
  });

  it('refuses at load a bad tone, an unknown form and an empty argument', () => {
    assert.match(loadErrors([{ ringback: { call: { name: '%(abc)', type: 'tone' } } }])[0].path, /call\.name/);
    assert.ok(loadErrors([{ ringback: { ring: { name: 'x', type: 'tone' } } }]).length > 0);
    assert.match(loadErrors([{ ringback: {} }])[0].message, /at least one of call, hold, transfer/);
  });
});

describe('echo', () => {
  it('lasts until the caller hangs up, as early media, delayed by the milliseconds given', async () => {
    const { step, elapsedMs, call } = await runApp({ echo: '500' }, { callerHangsUpAfter: 20 });
    assert.equal(step.result, 'echoed 500 ms later until the call ended');
    assert.equal(elapsedMs, 20_000);
    assert.equal(call.hangupCause, 'NORMAL_CLEARING');
    assert.equal(loadValid([{ echo: '' }]).usesMedia, true);
    assert.equal((await runApp({ echo: 0 }, { callerHangsUpAfter: 1 })).step.result, 'echoed until the call ended');
  });

  it('refuses at load a delay that is not whole milliseconds, or too long', () => {
    assert.match(loadErrors([{ echo: 'soon' }])[0].message, /whole milliseconds/);
    assert.match(loadErrors([{ echo: 60_000 }])[0].message, /<= 10000/);
  });
});

describe('inBandDTMF', () => {
  it('"stop" stops detection, anything else starts it', async () => {
    assert.equal((await runApp({ inBandDTMF: 'stop' })).step.result, 'in-band DTMF detection stopped');
    assert.equal((await runApp({ inBandDTMF: 'start' })).step.result, 'in-band DTMF detection started');
    assert.equal((await runApp({ inBandDTMF: '' })).step.result, 'in-band DTMF detection started');
    assert.equal(loadValid([{ inBandDTMF: 'start' }]).usesMedia, true);
  });
});
