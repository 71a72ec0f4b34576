import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadWavSync } from '../media/audio/wav-file.js';
import { runCli } from '../../test/support/cli.js';
import { loadValid, runApp, runSchema } from '../../test/support/engine.js';
import { Speech } from './services/speech.js';

/** Root-mean-square level of the samples. */
function rms(samples: Int16Array): number {
  return Math.sqrt(samples.reduce((sum, sample) => sum + sample * sample, 0) / Math.max(1, samples.length));
}

describe('tts', () => {
  it('renders the substituted text with espeak-ng to an 8 kHz prompt that speaks, and plays it as early media', async () => {
    const { step, elapsedMs } = await runApp({ tts: { text: 'Welcome, ${caller}. Press one for sales.' } }, { variables: { caller: 'customer' } });
    assert.equal(step.result, 'finished');
    assert.ok(elapsedMs > 1000 && elapsedMs < 10_000, `spoken for ${elapsedMs} ms`);
    const played = step.notes.find((note) => note.startsWith('played '))!;
    const samples = loadWavSync(/played (\S+\.wav)/.exec(played)![1]);
    assert.ok(rms(samples) > 500, `speech, not silence (RMS ${rms(samples).toFixed(0)})`);
    assert.ok(step.notes.includes('183 Session Progress (early media)'));
  });

  it('renders a phrase once: the same text and voice give the same file', async () => {
    const speech = new Speech();
    const [first, second] = await Promise.all([
      speech.render({ text: 'one two three', voice: 'en', ssml: false }),
      speech.render({ text: 'one two three', voice: 'en', ssml: false }),
    ]);
    assert.equal(first, second);
    assert.notEqual(await speech.render({ text: 'one two three', voice: 'en+f3', ssml: false }), first);
  });

  it('a cloud provider and its voice are spoken by espeak-ng in the voice’s language; getDigits collects like playback', async () => {
    const run = await runSchema(
      [{ tts: { provider: 'microsoft', voice: { language: 'ru-RU', gender: 'Male' }, text: 'Привет', accessKey: 'x', getDigits: { setVar: 'choice', max: 1 } } }],
      { dtmf: ['7'] },
    );
    const [step] = run.steps;
    assert.ok(step.notes.some((note) => note.includes('provider microsoft is not available here')), step.notes.join('; '));
    assert.equal(step.variables.choice, '7');
    assert.equal(loadValid([{ tts: { text: 'x' } }]).usesMedia, true);
  });

  it('a voice espeak-ng does not have fails the step, saying why; the flow goes on', async () => {
    const run = await runSchema([{ tts: { text: 'hello', voice: 'xx-nowhere' } }, { setVar: 'after=yes' }]);
    assert.match(run.steps[0].result!, /^failed: espeak-ng \(voice xx-nowhere\)/);
    assert.equal(run.steps[1].variables.after, 'yes');
  });

  it('without espeak-ng installed, a schema with tts is a load error naming the missing provider', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tts-load-'));
    const schema = join(dir, 'tts.json');
    await writeFile(schema, JSON.stringify([{ tts: { text: 'hello' } }]));
    const result = await runCli(['validate', schema], { env: { ...process.env, PATH: dir } });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stdout + result.stderr, /\[0\]\.tts: tts needs its speech provider espeak-ng, which is not installed/);
  });
});
