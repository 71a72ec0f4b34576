import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import wavefile from 'wavefile';
import { loadErrors, runApp, runSchema, schemaLoader, TEST_DOMAIN } from '../../test/support/engine.js';
import { tonePrompts } from './services/spoken-prompts.js';
import { MemoryVoicemailStore } from '../voicemail/memory-store.js';
import { mediaLoadContext } from './play-items.js';
import { AcrServices } from './services/acr-services.js';

const dir = mkdtempSync(join(tmpdir(), 'callrouter-playback-'));

/** A mono 16-bit WAV of `ms` milliseconds at 8 kHz. */
function wav(name: string, ms: number): string {
  const file = new wavefile.WaveFile();
  file.fromScratch(1, 8000, '16', new Int16Array((8000 * ms) / 1000));
  const path = join(dir, name);
  writeFileSync(path, file.toBuffer());
  return path;
}

const TONE = { type: 'tone', name: '%(1500,0,600)' };

describe('playback', () => {
  it('plays files, silence and tones one after another, as early media on a call not yet answered', async () => {
    const prompt = wav('hello.wav', 700);
    const { step, elapsedMs } = await runApp({ playback: { files: [{ type: 'local', name: prompt }, { type: 'silence', name: '300' }, TONE] } });
    assert.equal(step.result, 'finished');
    assert.equal(elapsedMs, 700 + 300 + 1500);
    assert.ok(step.notes.includes('183 Session Progress (early media)'), step.notes.join('; '));
    assert.ok(!step.notes.includes('answered'), 'a prompt does not answer the call');
  });

  it('plays one file given by name and type', async () => {
    const { step, elapsedMs } = await runApp({ playback: { name: '250', type: 'silence' } });
    assert.equal(step.result, 'finished');
    assert.equal(elapsedMs, 250);
  });

  it('refuses at load a literal file that is missing or not a supported WAV, and types it cannot play', () => {
    const notWav = join(dir, 'not.wav');
    writeFileSync(notWav, 'plain text');
    assert.match(loadErrors([{ playback: { files: [{ type: 'local', name: join(dir, 'missing.wav') }] } }])[0].message, /no such file/);
    assert.match(loadErrors([{ playback: { name: notWav, type: 'local' } }])[0].message, /not a WAV file/);
    assert.match(loadErrors([{ playback: { name: '%(bad', type: 'tone' } }])[0].message, /tone/);
    assert.match(loadErrors([{ playback: { getDigits: {} } }])[0].message, /expected name \(one file\) or files/);
    assert.match(loadErrors([{ playback: { name: '1', type: 'silence', getDigits: { regexp: '(' } } }])[0].message, /regular expression/i);
  });

  it('skips, saying why, types it cannot play (mp3); a relative local file is under sound_prefix', async () => {
    const prompt = wav('menu.wav', 400);
    const { step, elapsedMs } = await runApp(
      { playback: { files: [{ name: 'my.mp3', type: 'mp3' }, { name: 'menu.wav', type: 'local' }] } },
      { variables: { sound_prefix: dir } },
    );
    assert.equal(step.result, 'finished');
    assert.equal(elapsedMs, 400);
    assert.ok(step.notes.some((note) => note.startsWith('skipping mp3 "my.mp3": mp3 not supported: convert to WAV')), step.notes.join('; '));
    assert.ok(step.notes.includes(`played ${prompt} (400 ms)`), step.notes.join('; '));
  });

  it('fails the step, not the call, when a substituted file cannot be played', async () => {
    const { step, end, logger } = await runApp({ playback: { name: '${prompt}', type: 'local' } }, { variables: { prompt: join(dir, 'gone.wav') } });
    assert.match(step.result!, /^failed: .*gone\.wav: no such file/);
    assert.equal(end.reason, 'completed');
    assert.equal(logger.warnings.length, 1);
  });

  it('type wav plays from the domain’s media folder; a substituted file that is not there fails the step', async () => {
    const media = join(dir, 'media');
    mkdirSync(join(media, TEST_DOMAIN), { recursive: true });
    writeFileSync(join(media, TEST_DOMAIN, 'welcome.wav'), readFileSync(wav('welcome-source.wav', 600)));
    const acr = new AcrServices([], globalThis.fetch, { voicemail: new MemoryVoicemailStore(), prompts: tonePrompts, mediaDir: media });
    const played = await runApp({ playback: { files: [{ name: 'welcome.wav', type: 'wav' }, { name: 'welcome', type: 'wav' }] } }, {}, { acr });
    assert.equal(played.step.result, 'finished');
    assert.equal(played.elapsedMs, 1200);
    const missing = await runApp({ playback: { name: '${file}', type: 'wav' } }, { variables: { file: 'gone.wav' } }, { acr });
    assert.match(missing.step.result!, /^failed: .*gone\.wav: no such file/);
    const outside = await runApp({ playback: { name: '${file}', type: 'wav' } }, { variables: { file: '../x.wav' } }, { acr });
    assert.match(outside.step.result!, /outside the domain's media folder/);
    const noFolder = await runApp({ playback: { name: 'welcome', type: 'wav' } });
    assert.match(noFolder.step.result!, /no media folder/);
  });

  it('with the route’s domain known at load, a literal wav missing from its media folder and a literal mp3 are load errors', () => {
    const media = join(dir, 'media-load');
    mkdirSync(join(media, TEST_DOMAIN), { recursive: true });
    writeFileSync(join(media, TEST_DOMAIN, 'menu.wav'), readFileSync(wav('menu-source.wav', 200)));
    const context = mediaLoadContext(media)(TEST_DOMAIN);
    const load = (schema: unknown) => schemaLoader.load(schema, context);
    assert.ok(load([{ playback: { name: 'menu', type: 'wav' } }, { playback: { name: '${any}', type: 'wav' } }]).ok);
    const errors = (schema: unknown) => {
      const loaded = load(schema);
      return loaded.ok ? [] : loaded.errors;
    };
    assert.deepEqual(errors([{ playback: { files: [TONE, { name: 'nothere.wav', type: 'wav' }] } }]).map((error) => error.path), ['[0].playback.files[1].name']);
    assert.deepEqual(errors([{ playback: { name: 'my.mp3' } }]), [{ path: '[0].playback.type', message: 'mp3 not supported: convert to WAV (8 or 16 kHz mono)' }]);
    assert.ok(schemaLoader.load([{ playback: { name: 'nothere.wav', type: 'wav' } }]).ok, 'without a domain nothing can be checked');
  });

  it('getDigits: collects the digits pressed into setVar', async () => {
    const { step } = await runApp({ playback: { files: [TONE], getDigits: { setVar: 'choice', max: 3 } } }, { dtmf: ['42#'] });
    assert.equal(step.variables.choice, '42');
    assert.match(step.result!, /collected "42"/);
  });

  it('getDigits: input too short or not matching regexp plays the prompt again, up to tries; then setVar is empty', async () => {
    const retried = await runApp(
      { playback: { files: [TONE], getDigits: { setVar: 'pin', min: 2, max: 2, tries: 3, regexp: '^1' } } },
      { dtmf: ['5', '23', '12'] },
    );
    assert.equal(retried.step.variables.pin, '12');
    assert.match(retried.step.result!, /try 3/);

    const never = await runApp({ playback: { files: [TONE], getDigits: { setVar: 'pin', tries: 2, timeout: 1000 } } }, {});
    assert.equal(never.step.variables.pin, '');
    assert.equal(never.step.result, 'no valid digits after 2 tries');
    assert.equal(never.elapsedMs, 2 * (1500 + 1000));
  });
});

describe('the IVR example (examples/ivr.json) in a trace', () => {
  const ivr = JSON.parse(readText('../../examples/ivr.json'));

  it('rings the phone the caller chose', async () => {
    const run = await runSchema(ivr, { dtmf: ['2'], targets: { 'user/102': { result: 'answer', after: 2, talk: 10 } } });
    const bridge = run.steps.find((step) => step.app === 'bridge');
    assert.ok(bridge, run.steps.map((step) => step.app).join(', '));
    assert.deepEqual((bridge.args as { endpoints: { name: string }[] }).endpoints.map((endpoint) => endpoint.name), ['102']);
    assert.ok(bridge.notes.some((note) => note.startsWith('user/102: answered')), bridge.notes.join('; '));
  });

  it('hangs up when nothing valid is pressed', async () => {
    const run = await runSchema(ivr, { dtmf: ['9'] });
    assert.deepEqual(run.steps.map((step) => step.app), ['answer', 'playback', 'switch', 'hangup']);
  });
});

function readText(relative: string): string {
  return readFileSync(new URL(relative, import.meta.url), 'utf8');
}
