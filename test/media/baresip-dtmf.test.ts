/**
 * In-band DTMF from a real softphone: baresip (user 101, registered through
 * the router) dials 777 and its microphone — a WAV — plays the tones of
 * "123#". baresip offers telephone-event, so the schema's `inBandDTMF
 * "start"` turns tone detection on; getDigits puts "123" in its variable,
 * which the caller's CDR shows.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SAMPLES_PER_FRAME } from '../../src/media/codec.js';
import { parseToneStream, ToneSource } from '../../src/media/audio/tone-stream.js';
import { allCdrs, newCdrs, waitForState } from '../support/sip/calls.js';
import { account, DOMAIN, startTestRouter } from '../support/sip/router.js';
import { startBaresip, type Softphone } from '../support/sip/softphones.js';

const MENU = [
  { answer: '' },
  { inBandDTMF: 'start' },
  { playback: { name: '200', type: 'silence', terminator: '#', getDigits: { setVar: 'pressed', min: 1, max: 8, timeout: 5000 } } },
  { hangup: '' },
];

/** A second of silence, the tones of "123#" (100 ms each, 100 ms apart), then silence. */
function dtmfSpeech(): Int16Array {
  const samples = new Int16Array(8000 * 20);
  const tones = new ToneSource(parseToneStream('v=-10;d=100;w=100;123#'));
  const frame = new Int16Array(SAMPLES_PER_FRAME);
  for (let offset = 8000; tones.read(frame); offset += SAMPLES_PER_FRAME) samples.set(frame, offset);
  return samples;
}

test('baresip sends "123#" as tones; with inBandDTMF started they are collected as "123"', async () => {
  const server = await startTestRouter({ users: ['101'], routes: { default: [{ name: 'menu', pattern: '^777$', schema: MENU }] } });
  let phone: Softphone | undefined;
  try {
    phone = await startBaresip({ ...account('101'), routerPort: server.udpPort }, dtmfSpeech());
    assert.equal(await waitForState(server, '101', 'onhook', 15_000, DOMAIN), 'onhook', 'baresip registered');
    const before = await allCdrs(server);
    await phone.dial('777');
    const cdrs = await newCdrs(server, before, 1, 30_000);
    const caller = cdrs.find((cdr) => (cdr.variables as Record<string, string>).pressed !== undefined);
    assert.ok(caller, `a CDR with the collected digits among ${JSON.stringify(cdrs.map((cdr) => cdr.variables))}`);
    assert.equal((caller.variables as Record<string, string>).pressed, '123');
  } finally {
    await phone?.close();
    await server.close();
  }
});
