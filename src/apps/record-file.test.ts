import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, loadValid, runSchema } from '../../test/support/engine.js';

describe('recordFile', () => {
  it('records the caller for at most maxSec into recordings/<domain>/ and names the file', async () => {
    const run = await runSchema([{ recordFile: { name: 'complaint', maxSec: '30' } }], { variables: { uuid: 'call-1' } });
    const [step] = run.steps;
    assert.equal(step.variables.webitel_record_file_name, 'recordings/example.com/call-1_complaint.wav');
    assert.equal(step.result, 'recorded recordings/example.com/call-1_complaint.wav (30.0 s, ended by its maximum length)');
    assert.equal(run.elapsedMs, 30_000);
    assert.ok(step.notes.includes('answered'), step.notes.join('; '));
  });

  it('keeps what a caller said before hanging up', async () => {
    const run = await runSchema([{ recordFile: {} }, { log: 'after' }], { variables: { uuid: 'call-2' }, callerHangsUpAfter: 12 });
    assert.equal(run.steps[0].result, 'recorded recordings/example.com/call-2_recordFile.wav (12.0 s, ended by the end of the call)');
    assert.equal(run.call.hangupCause, 'NORMAL_CLEARING');
  });

  it('accepts the Webitel form and refuses at load what it cannot do', () => {
    assert.deepEqual(
      loadErrors([{ recordFile: { name: 'x', terminators: 'x', maxSec: 0, type: 'ogg', silenceHits: -1 } }]).map((error) => error.path).sort(),
      ['[0].recordFile.maxSec', '[0].recordFile.silenceHits', '[0].recordFile.terminators', '[0].recordFile.type'],
    );
    assert.match(loadValid([{ recordFile: { maxsec: 10 } }]).warnings[0].message, /"maxsec" ignored, as Webitel ignores it; did you mean maxSec\?/);
    loadValid([{ recordFile: { name: 'MySuperFile', terminators: '#', type: 'mp3', maxSec: 60, silenceHits: 5, silenceThresh: 200, email: ['a@b.c'], emailSubject: 's', emailBody: 'b' } }]);
  });
});
