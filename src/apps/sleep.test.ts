import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppContext } from '../engine/app.js';
import { MAX_SLEEP_MS, sleepApp } from './sleep.js';
import { Template } from '../engine/template.js';
import { loadErrors, runApp } from '../../test/support/engine.js';

describe('sleep', () => {
  it('waits the given milliseconds on the call clock, written as a number or a string', async () => {
    for (const written of [1500, '1500']) {
      const { step, elapsedMs } = await runApp({ sleep: written });
      assert.equal(elapsedMs, 1500);
      assert.equal(step.result, 'slept 1500 ms');
    }
  });

  it('takes the duration from a variable', async () => {
    const { elapsedMs } = await runApp({ sleep: '${delay}' }, { variables: { delay: '250' } });
    assert.equal(elapsedMs, 250);
  });

  it('does not sleep, with a warning, when the substituted duration is not valid', async () => {
    for (const delay of ['-1', 'soon', '', String(MAX_SLEEP_MS + 1)]) {
      const { step, elapsedMs, logger } = await runApp({ sleep: '${delay}' }, { variables: { delay } });
      assert.equal(elapsedMs, 0);
      assert.match(step.result!, /^not sleeping: expected /);
      assert.equal(logger.warnings.length, 1);
    }
  });

  it('stops waiting when the call ends', async () => {
    const ended = new AbortController();
    ended.abort(new Error('call ended'));
    const ctx = {
      call: { signal: ended.signal },
      clock: { now: () => new Date(0), sleep: async (_ms: number, signal?: AbortSignal) => { throw signal?.reason; } },
      expand: (template: Template) => template.text,
    } as unknown as AppContext;
    assert.deepEqual(await sleepApp.run(ctx, Template.compile('1000')), { result: 'interrupted: the call ended' });
  });

  it('rejects negative, fractional, too long and non-numeric durations at load', () => {
    assert.deepEqual(loadErrors([{ sleep: -5 }]), [{ path: '[0].sleep', message: 'expected milliseconds >= 0, got -5' }]);
    assert.deepEqual(loadErrors([{ sleep: 1.5 }]), [{ path: '[0].sleep', message: 'expected whole milliseconds, got "1.5"' }]);
    assert.deepEqual(loadErrors([{ sleep: MAX_SLEEP_MS + 1 }]), [
      { path: '[0].sleep', message: `expected at most ${MAX_SLEEP_MS} milliseconds (1 hour), got ${MAX_SLEEP_MS + 1}` },
    ]);
    assert.deepEqual(loadErrors([{ sleep: 'a while' }]), [{ path: '[0].sleep', message: 'expected whole milliseconds, got "a while"' }]);
    assert.deepEqual(loadErrors([{ sleep: true }]), [{ path: '[0].sleep', message: 'expected number or string' }]);
  });
});
