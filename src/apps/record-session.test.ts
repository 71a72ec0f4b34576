import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runSchema } from '../../test/support/engine.js';

describe('recordSession', () => {
  it('start sets webitel_record_file_name to the file under recordings/<domain>/; stop finishes it', async () => {
    const run = await runSchema(
      [{ recordSession: { action: 'start', name: 'sales', bridged: false } }, { playback: { name: '2000', type: 'silence' } }, { recordSession: 'stop' }],
      { variables: { uuid: 'call-1' } },
    );
    const [start, , stop] = run.steps;
    assert.equal(start.variables.webitel_record_file_name, 'recordings/example.com/call-1_sales.wav');
    assert.equal(stop.result, 'stopped: recordings/example.com/call-1_sales.wav (2 s)');
  });

  it('keeps file names inside the recordings directory', async () => {
    const run = await runSchema([{ recordSession: { name: '${name}' } }], { variables: { uuid: 'call-2', name: '../../etc/passwd' } });
    assert.equal(run.steps[0].variables.webitel_record_file_name, 'recordings/example.com/call-2___.._etc_passwd.wav');
  });

  it('email: the finished recording is mailed (the trace says why it is not: no SMTP settings here)', async () => {
    const run = await runSchema([
      { recordSession: { email: 'boss@example.com; ${caller_id_number}@example.com', bridged: false, minSec: 0 } },
      { playback: { name: '1000', type: 'silence' } },
      { recordSession: 'stop' },
    ], { variables: { caller_id_number: '0671234567' } });
    assert.match(run.steps[0].result ?? '', /, to be e-mailed to boss@example\.com, 0671234567@example\.com when finished$/);
    assert.ok(run.steps[2].notes.includes('recording not e-mailed to boss@example.com, 0671234567@example.com: example.com has no email (SMTP) settings'), run.steps[2].notes.join('; '));
  });

  it('stereo "false" records in mono; one shorter than minSec (given as text or ${…}) is deleted at its stop', async () => {
    const run = await runSchema(
      [
        { recordSession: { name: 'mix', stereo: 'false', minSec: '${min}', bridged: 'false' } },
        { playback: { name: '2000', type: 'silence' } },
        { recordSession: 'stop' },
        { recordSession: { name: 'long', minSec: '3', bridged: false } },
        { playback: { name: '2000', type: 'silence' } },
        { recordSession: 'stop' },
      ],
      { variables: { uuid: 'call-3', min: '1' } },
    );
    assert.ok(run.steps[0].notes.some((note) => note.endsWith('call-3_mix.wav (mono), kept if at least 1000 ms long')), run.steps[0].notes.join('; '));
    assert.equal(run.steps[2].result, 'stopped: recordings/example.com/call-3_mix.wav (2 s)');
    assert.equal(run.steps[5].result, 'stopped and deleted: recordings/example.com/call-3_long.wav was shorter than minSec (2 s)');
  });

  it("ACR's defaults: recorded only while bridged, deleted when shorter than 2 s", async () => {
    const schema = [
      { recordSession: 'start' },
      { playback: { name: '5000', type: 'silence' } },
      { bridge: { endpoints: [{ type: 'user', name: '101' }] } },
      { recordSession: 'stop' },
    ];
    const bridged = await runSchema(schema, { variables: { uuid: 'call-4' }, targets: { 'user/101': { result: 'answer', after: 3, talk: 20 } } });
    assert.ok(bridged.steps[0].notes.some((note) => note.endsWith('call-4_recordSession.wav while bridged, kept if at least 2000 ms long')), bridged.steps[0].notes.join('; '));
    assert.ok(bridged.steps[2].notes.includes("the call's end finished the recording: 20000 ms recorded"), bridged.steps[2].notes.join('; '));
    const unanswered = await runSchema(schema, { variables: { uuid: 'call-5' }, targets: { 'user/101': { result: 'no-answer' } } });
    assert.equal(unanswered.steps[3].result, 'stopped and deleted: recordings/example.com/call-5_recordSession.wav was shorter than minSec (0 s)');
  });

  it('a substituted minSec that is not a number fails the step, naming it', async () => {
    const run = await runSchema([{ recordSession: { minSec: '${min}' } }], { variables: { min: 'soon' } });
    assert.equal(run.steps[0].result, 'failed: minSec: expected a whole number, got "soon"');
  });

  it('stop without a recording says so', async () => {
    const run = await runSchema([{ recordSession: 'stop' }]);
    assert.equal(run.steps[0].result, 'no recording in progress');
  });

  it('refuses at load what it cannot do', () => {
    assert.match(loadErrors([{ recordSession: { type: 'ogg' } }])[0].message, /expected one of wav, mp3/);
    assert.ok(loadErrors([{ recordSession: 'pause' }]).length > 0);
  });
});
