/**
 * The media applications as schemas written for Webitel's two engines write
 * them (forms taken from ACR's Go handlers, flow_manager's argument structs
 * and the documentation's history): numbers as text or `${…}`, flow_manager's
 * file objects and getDigits fields, and keys the engines ignore — which load
 * here too, with a warning naming each.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import wavefile from 'wavefile';
import { AcrServices } from '../../src/apps/services/acr-services.js';
import { tonePrompts } from '../../src/apps/services/spoken-prompts.js';
import { MemoryVoicemailStore } from '../../src/voicemail/memory-store.js';
import { loadErrors, loadValid, runApp, runSchema, spyOnBridge, testDirectory, testDomain, TEST_DOMAIN } from '../support/engine.js';
import { acrServices } from './support.js';

/** A mono 8 kHz WAV of 300 ms. */
function helloWav(): Buffer {
  const file = new wavefile.WaveFile();
  file.fromScratch(1, 8000, '16', new Int16Array(2400));
  return Buffer.from(file.toBuffer());
}

/** A domain media folder holding `hello.wav`. */
function mediaServices(): AcrServices {
  const media = mkdtempSync(join(tmpdir(), 'callrouter-media-forms-'));
  mkdirSync(join(media, TEST_DOMAIN));
  writeFileSync(join(media, TEST_DOMAIN, 'hello.wav'), helloWav());
  return new AcrServices([], globalThis.fetch, { voicemail: new MemoryVoicemailStore(), prompts: tonePrompts, mediaDir: media });
}

const PROMPT = { name: '100', type: 'silence' };

describe('getDigits as both engines write it', () => {
  it('numbers as text and ${…}, flushDTMF "true", flow_manager terminators', async () => {
    const menu = { playback: { ...PROMPT, getDigits: { setVar: 'ext', min: '2', max: '${max_digits}', tries: '2', timeout: '5000', flushDTMF: 'true', terminators: '*' } } };
    const run = await runSchema([menu], { dtmf: ['12*9'], variables: { max_digits: '4' } });
    assert.equal(run.steps[0].result, 'collected "12" (try 1)');
    const byPlaybackTerminator = await runSchema([{ playback: { ...PROMPT, terminator: '*', getDigits: { setVar: 'ext', max: 4 } } }], { dtmf: ['12*9'] });
    assert.equal(byPlaybackTerminator.steps[0].variables.ext, '12', 'without terminators, the playback terminator ends the input');
  });

  it('a timeout from a variable is waited for on each try; a substituted value that is no number fails the step, saying which', async () => {
    const waited = await runApp({ playback: { ...PROMPT, getDigits: { tries: 2, timeout: '${wait_ms}' } } }, { variables: { wait_ms: '4000' } });
    assert.equal(waited.elapsedMs, 2 * (100 + 4000));
    const wrong = await runSchema([{ playback: { ...PROMPT, getDigits: { max: '${max_digits}' } } }, { log: 'went on' }], { variables: { max_digits: 'four' } });
    assert.equal(wrong.steps[0].result, 'failed: getDigits.max: expected a whole number, got "four"');
    assert.deepEqual(wrong.steps[1].notes, ['went on']);
  });

  it('a constant that cannot be a count is still a load error, with its path', () => {
    assert.deepEqual(loadErrors([{ playback: { ...PROMPT, getDigits: { max: 'four' } } }]), [{ path: '[0].playback.getDigits.max', message: 'expected a whole number, got "four"' }]);
    assert.deepEqual(loadErrors([{ playback: { ...PROMPT, getDigits: { min: 3, max: '2' } } }]), [{ path: '[0].playback.getDigits.max', message: 'expected max >= min' }]);
  });
});

describe('keys Webitel ignores', () => {
  it("flow_manager's getSpeech loads without a warning; the prompt plays and the trace says nothing is recognised", async () => {
    const schema = [{ playback: { ...PROMPT, getSpeech: { setVar: 'said', timeout: 3000 } } }];
    assert.deepEqual(loadValid(schema).warnings, []);
    const { step } = await runApp(schema[0]);
    assert.equal(step.result, 'finished');
    assert.ok(step.notes.includes('getSpeech is not supported (no speech recognition here): the prompt is played, nothing is recognised'), step.notes.join('; '));
  });

  it('load, with a warning at their path and the key they may be a typo of', () => {
    const schema = loadValid([
      { playback: { ...PROMPT, terminater: '*', getDigits: { setvar: 'x' } } },
      // Published so in Webitel's documentation (a typo of provider).
      { tts: { povider: 'polly', voice: 'Maxim', text: 'Hi' } },
      { ringback: { call: { name: '%(1000,4000,425)', type: 'tone', loop: true } } },
    ]);
    assert.deepEqual(schema.warnings, [
      { path: '[0].playback.terminater', message: 'unknown argument "terminater" ignored, as Webitel ignores it; did you mean terminator?' },
      { path: '[0].playback.getDigits.setvar', message: 'unknown argument "setvar" ignored, as Webitel ignores it; did you mean setVar?' },
      { path: '[1].tts.povider', message: 'unknown argument "povider" ignored, as Webitel ignores it; did you mean provider?' },
      { path: '[2].ringback.call.loop', message: 'unknown argument "loop" ignored, as Webitel ignores it' },
    ]);
  });
});

describe("playback's file objects in both dialects", () => {
  it("flow_manager's forms tell the dialect", () => {
    const schema = loadValid([{ playback: { files: [PROMPT, { id: 7, name: 'hello.wav', type: 'audio/wav' }], getDigits: { digitTimeout: 1000 } } }]);
    assert.deepEqual(schema.dialect, { dialect: 'flow_manager', evidence: ['[0].playback.getDigits', '[0].playback.files[1]'] });
    assert.equal(loadValid([{ playback: { ...PROMPT, getDigits: { max: 2 } } }]).dialect.dialect, 'common');
  });

  it("flow_manager's media file {id, name, type: MIME type} plays the domain's file of that name; a name alone does too", async () => {
    const acr = mediaServices();
    const run = await runApp({ playback: { files: [{ id: 7, name: 'hello.wav', type: 'audio/wav' }, { name: 'hello' }] } }, {}, { acr });
    assert.equal(run.step.result, 'finished');
    assert.equal(run.elapsedMs, 600);
  });

  it('mp3 media, and a media id without a name, are skipped saying why', async () => {
    const run = await runApp({ playback: { files: [{ id: 8, name: 'music.mp3', type: 'audio/mpeg' }, { id: 9 }, PROMPT] } });
    assert.equal(run.step.result, 'finished');
    assert.ok(run.step.notes.some((note) => note.startsWith('skipping audio/mpeg "music.mp3": mp3 not supported')), run.step.notes.join('; '));
    assert.ok(run.step.notes.some((note) => note.startsWith('skipping media id 9 "":') && note.endsWith("give the file's name")), run.step.notes.join('; '));
  });

  it('silence without a length lasts until a key or the end of the call, as FreeSWITCH\'s endless silence', async () => {
    const run = await runApp({ playback: { files: [{ type: 'silence' }] } }, { callerHangsUpAfter: 30 });
    assert.equal(run.elapsedMs, 30_000);
    assert.equal(run.step.result, 'stopped');
    assert.equal(run.call.hangupCause, 'NORMAL_CLEARING');
  });

  it('a tts file speaks its text in its language', async () => {
    const run = await runApp({ playback: { files: [{ type: 'tts', tts: { text: 'Hello ${name}', language: 'en-US', voice: 'Joanna', profile: { id: 1 } } }] } }, { variables: { name: 'Anna' } });
    assert.equal(run.step.result, 'finished');
    assert.ok(run.elapsedMs > 300, `spoke for ${run.elapsedMs} ms`);
    assert.ok(run.step.notes.includes('voice Joanna is not an espeak-ng voice: speaking in the language given'), run.step.notes.join('; '));
    assert.deepEqual(loadErrors([{ playback: { files: [{ type: 'tts' }] } }])[0].path, '[0].playback.files[0].tts');
  });

  it('say, and a name written ${say_string …} (an older documentation example), speak the value in its language', async () => {
    for (const file of [
      { name: '${cc_my_position}', type: 'say', lang: 'en', method: 'NUMBER pronounced' },
      { name: '${say_string en.wav en number pronounced ${cc_my_position}}', type: 'local' },
    ]) {
      const run = await runApp({ playback: { files: [file] } }, { variables: { cc_my_position: '5' } });
      assert.equal(run.step.result, 'finished');
      assert.ok(run.step.notes.some((note) => /^played \S+\.wav \(\d+ ms\)$/.test(note)) && run.elapsedMs > 300, run.step.notes.join('; '));
    }
  });

  it("flow_manager's say application speaks FreeSWITCH say's argument", async () => {
    const run = await runApp({ say: 'en number pronounced ${position}' }, { variables: { position: '12' } });
    assert.equal(run.step.result, 'finished');
    assert.ok(run.elapsedMs > 300, `spoke for ${run.elapsedMs} ms`);
    assert.equal(loadValid([{ say: 'ru:ru NUMBER iterated FEMININE 125' }]).usesMedia, true);
    assert.deepEqual(loadErrors([{ say: 'twelve' }]), [{ path: '[0].say', message: 'expected "<language> <type> <method> <text>", e.g. "en number pronounced 125"' }]);
  });

  it('a local name is what FreeSWITCH made of it: tone_stream://, silence_stream://, file_string://a!b', async () => {
    const run = await runApp({
      playback: { files: [{ name: 'tone_stream://%(300,0,440)', type: 'local' }, { name: 'silence_stream://200', type: 'local' }, { name: 'file_string://silence_stream://100!tone_stream://%(200,0,500)', type: 'local' }] },
    });
    assert.equal(run.step.result, 'finished');
    assert.equal(run.elapsedMs, 300 + 200 + 100 + 200);
    assert.match(loadErrors([{ playback: { name: 'tone_stream://%(bad', type: 'local' } }])[0].message, /tone/);
    const ringback = await runApp({ ringback: { call: { name: 'file_string://silence_stream://100!silence_stream://200', type: 'local' }, hold: { name: 'tone_stream://%(400,200,425)', type: 'local' } } });
    assert.deepEqual(ringback.step.variables, { hold_music: '%(400,200,425)' });
    assert.ok(ringback.step.notes.includes('skipping: 2 prompts; a ringback here is one'), ringback.step.notes.join('; '));
  });

  it('terminator "none" lets no key stop the prompt; refresh may be text', async () => {
    const run = await runApp({ playback: { name: '500', type: 'silence', terminator: 'none', refresh: 'true' } }, { dtmf: ['#'] });
    assert.equal(run.step.result, 'finished');
  });

  it('broadcast (playback and tts) loads: the caller hears it and the flow waits; to the bridged leg alone it is not played', async () => {
    const both = await runApp({ playback: { ...PROMPT, broadcast: 'both' } });
    assert.equal(both.step.result, 'finished');
    assert.ok(both.step.notes.some((note) => note.startsWith('broadcast both: played to the caller')), both.step.notes.join('; '));
    const bleg = await runApp({ playback: { ...PROMPT, broadcast: 'bleg' } });
    assert.equal(bleg.step.result, 'not played: broadcast to the bridged leg alone is not supported');
    const spoken = await runApp({ tts: { text: 'Hello', broadcast: 'aleg' } });
    assert.equal(spoken.step.result, 'finished');
    assert.ok(spoken.step.notes.some((note) => note.startsWith('broadcast aleg: played to the caller')), spoken.step.notes.join('; '));
  });
});

describe('ringback items', () => {
  it("as a string (the variable's value), as an object with its own all, and as flow_manager's media file", async () => {
    const acr = mediaServices();
    using spy = spyOnBridge();
    const run = await runSchema(
      [{ ringback: { call: '${ring_tone}', hold: { name: '%(300,100,523)', type: 'tone', all: true }, transfer: { id: 3, name: 'hello.wav', type: 'audio/wav' } } }, { bridge: { endpoints: [{ type: 'user', name: '101' }] } }],
      { variables: { ring_tone: 'tone_stream://%(1000,4000,425)' }, targets: { 'user/101': { result: 'busy' } } },
      { acr },
    );
    const [step] = run.steps;
    assert.equal(step.result, 'set ringback, hold_music, transfer_ringback');
    assert.equal(step.variables.ringback, 'tone_stream://%(1000,4000,425)');
    assert.equal(step.variables.hold_music, '%(300,100,523)');
    assert.match(step.variables.transfer_ringback, /example\.com\/hello\.wav$/);
    const [target] = spy.plans()[0].groups[0];
    assert.deepEqual([target.variables.hold_music, target.variables.ringback], ['%(300,100,523)', undefined], 'only the item with all is exported');
  });

  it("the documentation's example: $${us-ring} is FreeSWITCH's US ringback tone, unless the domain sets its own", async () => {
    const { step } = await runApp({ ringback: { transfer: { name: '$${us-ring}', type: 'tone' }, call: '$${uk-ring}' } });
    assert.deepEqual(step.variables, { ringback: '%(400,200,400,450);%(400,2000,400,450)', transfer_ringback: '%(2000,4000,440,480)' });
    const own = await runSchema([{ setVar: 'domain:us-ring=%(1000,4000,425)' }, { ringback: { call: '$${us-ring}' } }]);
    assert.equal(own.steps[1].variables.ringback, '%(1000,4000,425)');
  });

  it('a string naming nothing playable is skipped, saying why', async () => {
    const { step } = await runApp({ ringback: { call: '/nonexistent/ring.wav' } });
    assert.equal(step.result, 'nothing set');
    assert.ok(step.notes.some((note) => note.startsWith('skipping "/nonexistent/ring.wav"')), step.notes.join('; '));
  });
});

describe('recordings as both engines write them', () => {
  it('recordSession: flags and minSec as text (an older documentation example) load; stereo false records in mono', async () => {
    loadValid([{ recordSession: { action: 'start', type: 'mp3', stereo: 'true', bridged: 'true', minSec: '2', followTransfer: 'true', email: ['office@webitel.com'] } }]);
    const run = await runSchema([{ recordSession: { action: 'start', stereo: false, minSec: '${min_sec}', bridged: 'false' } }], { variables: { uuid: 'call-1', min_sec: '3' } });
    assert.equal(run.steps[0].variables.webitel_record_file_name, 'recordings/example.com/call-1_recordSession.wav');
    assert.ok(run.steps[0].notes.some((note) => note.endsWith('call-1_recordSession.wav (mono), kept if at least 3000 ms long')), run.steps[0].notes.join('; '));
  });

  it('recordFile: limits from variables; one that is no number fails the step; voiceMail tags the call vm', async () => {
    const run = await runSchema([{ recordFile: { name: 'msg', maxSec: '${max_sec}', voiceMail: true } }, { log: '${wbt_tags[0]}' }], { variables: { uuid: 'call-2', max_sec: '20' } });
    assert.equal(run.steps[0].result, 'recorded recordings/example.com/call-2_msg.wav (20.0 s, ended by its maximum length)');
    assert.deepEqual(run.steps[1].notes, ['vm']);
    const wrong = await runApp({ recordFile: { silenceHits: '${hits}' } }, { variables: { hits: 'many' } });
    assert.equal(wrong.step.result, 'failed: silenceHits: expected a whole number, got "many"');
  });
});

describe('voicemail as ACR compared its arguments', () => {
  const directory = () => testDirectory([testDomain({ users: ['100', '101', '102'].map((id) => ({ id, password: 'x' })) })]);
  const services = () => new AcrServices([], globalThis.fetch, { voicemail: new MemoryVoicemailStore(), prompts: tonePrompts });

  it('check "true" listens, skip flags as text, and cc as one text of users separated by commas', async () => {
    const acr = services();
    const left = await runSchema([{ voicemail: { user: '100', skip_greeting: 'true', skip_instructions: 'true', cc: '101, 102' } }], { callerHangsUpAfter: 10 }, { acr, directory: directory() });
    assert.match(left.steps[0].result ?? '', /^message .* left for 100/);
    assert.deepEqual(left.steps[0].notes.filter((note) => note.startsWith('played ')), ['played tone %(500,0,1000) (500 ms)'], 'the beep, no greeting or instructions');
    for (const user of ['101', '102']) assert.equal((await acr.voicemail.list(TEST_DOMAIN, user)).length, 1, `the copy for ${user}`);
    const checked = await runSchema([{ voicemail: { check: 'true', user: '100', auth: 'false' } }], { dtmf: ['9'] }, { acr, directory: directory() });
    assert.equal(checked.steps[0].result, '1 message(s) played for 100, 0 deleted');
  });
});

describe('setSounds, echo, inBandDTMF', () => {
  it('setSounds: a language without its country, and values from variables', async () => {
    const run = await runSchema([{ setSounds: { lang: 'ru', voice: 'elena' } }, { setSounds: { lang: '${lang}', voice: '${voice}' } }], { variables: { lang: 'uk_UA', voice: 'olena' } });
    assert.deepEqual([run.steps[0].variables.sound_prefix, run.steps[0].variables.default_language], ['sounds/ru/elena', 'ru']);
    assert.deepEqual([run.steps[1].variables.sound_prefix, run.steps[1].variables.default_language], ['sounds/uk/ua/olena', 'uk']);
    const wrong = await runApp({ setSounds: { lang: '${lang}', voice: 'elena' } }, { variables: { lang: 'russian please' } });
    assert.equal(wrong.step.result, 'failed: lang: expected a language such as en_US, ru_RU or ru, got "russian please"');
    assert.equal(loadErrors([{ setSounds: { lang: 'russian', voice: 'elena' } }])[0].path, '[0].setSounds.lang');
  });

  it('echo and inBandDTMF take any argument, as ACR did: an object means plain echo, and starts detection', async () => {
    assert.equal((await runApp({ echo: {} }, { callerHangsUpAfter: 1 })).step.result, 'echoed until the call ended');
    assert.equal((await runApp({ inBandDTMF: {} })).step.result, 'in-band DTMF detection started');
  });
});

describe('prompts named by URL, as FreeSWITCH fetched them', () => {
  it('a local http(s):// or http_cache:// name is downloaded once and played; {refresh=true} downloads it again', async (t) => {
    const requests: string[] = [];
    const server = createServer((request, response) => {
      requests.push(request.url ?? '');
      if (request.url === '/hello.wav') response.writeHead(200, { 'content-type': 'audio/wav' }).end(helloWav());
      else if (request.url === '/page') response.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const acr = acrServices();
    const play = (name: string) => runApp({ playback: { name, type: 'local' } }, {}, { acr });

    const first = await play(`${base}/hello.wav`);
    assert.equal(first.step.result, 'finished');
    assert.equal(first.elapsedMs, 300);
    assert.equal((await play(`http_cache://${base}/hello.wav`)).step.result, 'finished');
    assert.deepEqual(requests, ['/hello.wav'], 'the second play used the copy kept');
    assert.equal((await play(`{refresh=true}http_cache://${base}/hello.wav`)).step.result, 'finished');
    assert.deepEqual(requests, ['/hello.wav', '/hello.wav']);

    assert.equal((await play(`${base}/missing.wav`)).step.result, `failed: ${base}/missing.wav: HTTP 404 Not Found`);
    assert.match((await play(`${base}/page`)).step.result ?? '', /^failed: .*page.*WAV/i);
    const stream = await play('shout://radio.example.com/live.mp3');
    assert.equal(stream.step.result, 'finished');
    assert.ok(stream.step.notes.some((note) => note.startsWith('skipping stream "shout://radio.example.com/live.mp3": mp3 not supported')), stream.step.notes.join('; '));
  });
});
