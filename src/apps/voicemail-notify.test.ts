/**
 * voicemail's `announce` (the caller's number read before each message) and
 * `email` (the message mailed on) on a simulated call: what the trace shows,
 * and that a mail which cannot go out leaves the message where it was.
 */
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { AcrServices } from './services/acr-services.js';
import { tonePrompts } from './services/spoken-prompts.js';
import { MemoryVoicemailStore } from '../voicemail/memory-store.js';
import type { VoicemailStore } from '../voicemail/store.js';
import { loadErrors, loadValid, runSchema, testDirectory, testDomain, TEST_DOMAIN } from '../../test/support/engine.js';

const CALLER = '0671234567';
const directory = () =>
  testDirectory([
    testDomain({
      users: [
        { id: '100', password: 'x', variables: { 'vm-password': '4321', 'vm-mailto': 'owner@example.com; backup@example.com' } },
        { id: '101', password: 'x', variables: { 'vm-mailto': 'copy@example.com' } },
        { id: '102', password: 'x' },
      ],
    }),
  ]);

/** A mailbox store that, unlike a trace's, has audio for every message (the bytes of a tiny WAV header are enough for mail). */
class StoreWithAudio extends MemoryVoicemailStore {
  override async audio(): Promise<Uint8Array> {
    return Buffer.from('RIFF....WAVEfmt ');
  }
}

const smtp = (port: number) => ({ host: '127.0.0.1', port, secure: false, from: 'pbx@example.com', timeoutMs: 2000 });
const services = (voicemail: VoicemailStore, email?: ReturnType<typeof smtp>) =>
  new AcrServices([[TEST_DOMAIN, { email }]], globalThis.fetch, { voicemail, prompts: tonePrompts });

/** A port nothing listens on: taken, then given back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('voicemail announce', () => {
  async function checkedWith(announce: boolean | undefined) {
    const store = new MemoryVoicemailStore();
    const acr = services(store);
    await runSchema([{ voicemail: { user: '100' } }], { variables: { caller_id_number: `+${CALLER}` }, callerHangsUpAfter: 20 }, { acr, directory: directory() });
    const check = { check: true, user: '100', auth: false, ...(announce === undefined ? {} : { announce }) };
    const run = await runSchema([{ voicemail: check }], { dtmf: ['9'] }, { acr, directory: directory() });
    assert.equal(run.steps[0].result, '1 message(s) played for 100, 0 deleted');
    return run.steps[0].notes.filter((note) => note.startsWith('played tone '));
  }

  it('reads the caller’s number, digit by digit, between "message" and the message', async () => {
    const played = await checkedWith(true);
    const digits = played.map((note) => /^played tone (\d) /.exec(note)?.[1]).filter((digit) => digit !== undefined);
    assert.equal(digits.join(''), CALLER, `the number’s digits in order (the + is not read): ${played.join('; ')}`);
    const from = played.findIndex((note) => note.startsWith('played tone %(100,150,660)'));
    const message = played.findIndex((note) => note.startsWith('played tone %(150,250,880)'));
    assert.ok(message >= 0 && from === message + 1, `"message", then "from": ${played.join('; ')}`);
  });

  it('reads no number without announce, or with announce false (FreeSWITCH: vm_announce_cid unset is false)', async () => {
    for (const announce of [undefined, false]) {
      const played = await checkedWith(announce);
      assert.equal(played.filter((note) => /^played tone \d /.test(note)).length, 0, played.join('; '));
    }
  });
});

describe('voicemail email', () => {
  const leave = (extra: object = {}) => [{ voicemail: { user: '100', ...extra } }];
  const caller = { variables: { caller_id_number: CALLER, caller_id_name: 'Olena' }, callerHangsUpAfter: 20 };

  it('a trace sends nothing and says so: it records no audio', async () => {
    const store = new MemoryVoicemailStore();
    const run = await runSchema(leave({ email: 'desk@example.com' }), caller, { acr: services(store, smtp(25)), directory: directory() });
    assert.match(
      run.steps[0].result ?? '',
      /^message \S+ left for 100 \(.*\); not e-mailed to desk@example\.com, owner@example\.com, backup@example\.com: the mailbox keeps no audio for \S+ \(a trace records none\)$/,
    );
  });

  it('without the domain’s SMTP settings the message is kept and the trace says why it was not mailed', async () => {
    const store = new StoreWithAudio();
    const run = await runSchema(leave(), caller, { acr: services(store), directory: directory() });
    assert.match(run.steps[0].result ?? '', /; not e-mailed to owner@example\.com, backup@example\.com: example\.com has no email \(SMTP\) settings$/);
    assert.equal((await store.list(TEST_DOMAIN, '100')).length, 1);
  });

  it('an SMTP server that cannot be reached: logged and traced, the message and its cc copy kept, the flow goes on', async () => {
    const store = new StoreWithAudio();
    const run = await runSchema([...leave({ cc: '101', email: '${notify}' }), { log: 'after voicemail' }], { variables: { ...caller.variables, notify: 'desk@example.com' }, callerHangsUpAfter: 1000 }, {
      acr: services(store, smtp(await closedPort())),
      directory: directory(),
    });
    assert.match(run.steps[0].result ?? '', /; not e-mailed to desk@example\.com, owner@example\.com, backup@example\.com, copy@example\.com: .*ECONNREFUSED/);
    assert.equal(run.steps[1]?.app, 'log', 'the flow went on');
    assert.equal((await store.list(TEST_DOMAIN, '100')).length, 1, 'the message is kept');
    assert.equal((await store.list(TEST_DOMAIN, '101')).length, 1, 'and its copy');
    const warning = run.logger.warnings.find((line) => line.message === 'voicemail not e-mailed');
    assert.ok(warning, 'the failure is logged');
  });

  it('takes `email` as a string or a list on the leave form only', () => {
    loadValid([{ voicemail: { user: '100', cc: '101', email: ['desk@example.com', '${manager_email}'] } }]);
    assert.equal(loadErrors([{ voicemail: { user: '100', email: 5 } }])[0].path, '[0].voicemail.email');
    assert.deepEqual(loadValid([{ voicemail: { check: true, user: '100', email: 'a@example.com' } }]).warnings, [
      { path: '[0].voicemail.email', message: 'applies only to leaving a message; ignored' },
    ]);
  });

  it('no addresses: nothing is tried', async () => {
    const store = new StoreWithAudio();
    const run = await runSchema([{ voicemail: { user: '102' } }], caller, { acr: services(store, smtp(25)), directory: directory() });
    assert.match(run.steps[0].result ?? '', /^message \S+ left for 102 \([^;]*\)$/);
  });
});
