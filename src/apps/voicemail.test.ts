import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import wavefile from 'wavefile';
import { AcrServices } from './services/acr-services.js';
import { tonePrompts } from './services/spoken-prompts.js';
import { FileVoicemailStore } from '../voicemail/file-store.js';
import { MemoryVoicemailStore } from '../voicemail/memory-store.js';
import type { VoicemailStore } from '../voicemail/store.js';
import { loadErrors, loadValid, runSchema, testDirectory, testDomain, TEST_DOMAIN } from '../../test/support/engine.js';

const servicesWith = (voicemail: VoicemailStore) => new AcrServices([], globalThis.fetch, { voicemail, prompts: tonePrompts });
const directory = () =>
  testDirectory([
    testDomain({
      users: [
        { id: '100', password: 'x', variables: { 'vm-password': '4321' } },
        { id: '101', password: 'x' },
        { id: '102', password: 'x' },
      ],
    }),
  ]);

/** A mailbox of 100 holding two messages with real audio. */
async function mailboxWithTwo(): Promise<FileVoicemailStore> {
  const store = new FileVoicemailStore(await mkdtemp(join(tmpdir(), 'vm-')));
  for (const [at, number] of [['2026-11-24T08:00:00Z', '0671111111'], ['2026-11-24T09:00:00Z', '0672222222']] as const) {
    const { id, audioPath } = store.reserve(TEST_DOMAIN, '100', new Date(at));
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, 8000, '16', new Int16Array(8000 * 2));
    await writeFile(audioPath, wav.toBuffer());
    await store.save({ id, domain: TEST_DOMAIN, user: '100', callerIdNumber: number, callerIdName: '', receivedAt: at, durationMs: 2000, callUuid: 'c', heard: false });
  }
  return store;
}

describe('voicemail', () => {
  it('leaves a message with the caller, the time and the length in the user’s mailbox, and a copy for cc', async () => {
    const store = new MemoryVoicemailStore();
    const run = await runSchema(
      [{ voicemail: { user: '100', cc: ['101'] } }],
      { variables: { caller_id_number: '0671234567', caller_id_name: 'Olena', uuid: 'call-1' }, callerHangsUpAfter: 20 },
      { acr: servicesWith(store), directory: directory() },
    );
    assert.match(run.steps[0].result ?? '', /^message \d{8}T\d{6}Z-[0-9a-f]{8} left for 100 \(\d+\.\d s, ended by the end of the call\)$/);
    const [message] = await store.list(TEST_DOMAIN, '100');
    assert.deepEqual(
      { ...message, id: undefined, durationMs: message.durationMs > 10_000 },
      { id: undefined, domain: TEST_DOMAIN, user: '100', callerIdNumber: '0671234567', callerIdName: 'Olena', receivedAt: message.receivedAt, durationMs: true, callUuid: 'call-1', heard: false },
    );
    assert.equal((await store.list(TEST_DOMAIN, '101')).length, 1, 'the cc copy');
    assert.ok(run.steps[0].notes.some((note) => note.startsWith('played tone %(500,0,1000)')), `the beep: ${run.steps[0].notes.join('; ')}`);
  });

  it('plays the user’s own greeting when it has one', async () => {
    const store = new FileVoicemailStore(await mkdtemp(join(tmpdir(), 'vm-')));
    const wav = new wavefile.WaveFile();
    wav.fromScratch(1, 8000, '16', new Int16Array(8000 * 3));
    await store.setGreeting(TEST_DOMAIN, '100', wav.toBuffer());
    const run = await runSchema([{ voicemail: { user: '100', skip_instructions: true } }], { callerHangsUpAfter: 10 }, { acr: servicesWith(store), directory: directory() });
    const own = await store.greeting(TEST_DOMAIN, '100');
    assert.ok(run.steps[0].notes.some((note) => note.startsWith(`played ${own} (3000 ms)`)), run.steps[0].notes.join('; '));
  });

  it('keeps no message when the caller hangs up at the beep, and fails for a user that does not exist', async () => {
    const store = new MemoryVoicemailStore();
    const services = { acr: servicesWith(store), directory: directory() };
    const quick = await runSchema([{ voicemail: { user: '100', skip_greeting: true, skip_instructions: true } }], { callerHangsUpAfter: 1 }, services);
    assert.match(quick.steps[0].result ?? '', /^no message left for 100 /);
    assert.deepEqual(await store.list(TEST_DOMAIN, '100'), []);
    const nobody = await runSchema([{ voicemail: { user: '${who}' } }], { variables: { who: '999' } }, services);
    assert.equal(nobody.steps[0].result, 'failed: no user "999" in example.com');
  });

  it('check: the PIN, then unheard messages with 1 again, 7 delete, 9 keep', async () => {
    const store = await mailboxWithTwo();
    const run = await runSchema([{ voicemail: { check: true, user: '100', auth: true } }], { dtmf: ['1234', '4321', '1', '7', '9'] }, { acr: servicesWith(store), directory: directory() });
    assert.equal(run.steps[0].result, '2 message(s) played for 100, 1 deleted');
    const left = await store.list(TEST_DOMAIN, '100');
    assert.deepEqual(left.map((message) => [message.callerIdNumber, message.heard]), [['0672222222', true]]);
  });

  it('check: no PIN on the user’s own phone unless auth is true; refused after three wrong PINs', async () => {
    const store = await mailboxWithTwo();
    const own = await runSchema([{ voicemail: { check: true } }], { variables: { presence_id: `100@${TEST_DOMAIN}` }, dtmf: ['9', '9'] }, { acr: servicesWith(store), directory: directory() });
    assert.equal(own.steps[0].result, '2 message(s) played for 100, 0 deleted');
    const other = await runSchema([{ voicemail: { check: true, user: '100' } }], { variables: { presence_id: `101@${TEST_DOMAIN}` }, dtmf: ['1', '2', '3'] }, { acr: servicesWith(store), directory: directory() });
    assert.equal(other.steps[0].result, 'refused: wrong PIN 3 times');
    const noPin = await runSchema([{ voicemail: { check: true, user: '101', auth: true } }], {}, { acr: servicesWith(store), directory: directory() });
    assert.equal(noPin.steps[0].result, 'refused: user 101 has no vm-password');
  });

  it('accepts the Webitel forms and refuses at load what it cannot mean', () => {
    loadValid([{ voicemail: { user: '100', skip_greeting: true, skip_instructions: true, cc: ['1001', '1002'] } }, { voicemail: { user: 1000, check: true, auth: true } }]);
    assert.equal(loadErrors([{ voicemail: {} }])[0].path, '[0].voicemail.user');
    assert.deepEqual(loadValid([{ voicemail: { user: '100', auth: true } }]).warnings, [{ path: '[0].voicemail.auth', message: 'applies only with check: true; ignored' }]);
    assert.equal(loadErrors([{ voicemail: { check: 'yes' } }])[0].path, '[0].voicemail.check');
  });
});
