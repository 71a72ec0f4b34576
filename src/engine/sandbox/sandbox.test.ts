import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runApp, runSchema } from '../../../test/support/engine.js';
import { evaluateInSandbox } from './quickjs.js';

describe('the JavaScript sandbox', () => {
  it('has no host: no require, process, import, fetch or timers', async () => {
    const probe = await evaluateInSandbox(
      '[typeof require, typeof process, typeof fetch, typeof setTimeout, typeof globalThis.std, typeof globalThis.os, typeof Deno].join()',
      null,
    );
    assert.deepEqual(probe, { ok: true, value: 'undefined,undefined,undefined,undefined,undefined,undefined,undefined' });
    const dynamicImport = await evaluateInSandbox("import('fs')", null);
    assert.equal(dynamicImport.ok, false, 'no module loader');
  });

  it('stops an endless loop at its time limit and a memory hog at its cap', async () => {
    const loop = await evaluateInSandbox('for (;;) {}', null, { timeoutMs: 50, memoryBytes: 8 << 20, stackBytes: 256 << 10 });
    assert.deepEqual(loop, { ok: false, error: 'timed out after 50 ms' });
    const hog = await evaluateInSandbox('"x".repeat(64 << 20).length', null, { timeoutMs: 5000, memoryBytes: 8 << 20, stackBytes: 256 << 10 });
    assert.deepEqual(hog, { ok: false, error: 'InternalError: out of memory' });
    // Work QuickJS cannot interrupt (here: near the memory cap, in native string code) is cut off with its worker.
    const stuck = await evaluateInSandbox('let a = []; for (let i = 0;; i++) a.push("x".repeat(1 << 20) + i);', null, { timeoutMs: 100, memoryBytes: 8 << 20, stackBytes: 256 << 10 });
    assert.deepEqual(stuck, { ok: false, error: 'timed out after 100 ms' });
    assert.deepEqual(await evaluateInSandbox('1 + 1', null), { ok: true, value: 2 }, 'a new worker takes over');
    const recursion = await evaluateInSandbox('function f() { return f(); } f()', null);
    assert.equal(recursion.ok, false);
  });

  it('a caller ID written to break out of its string stays data (injection)', async () => {
    const attacks = [
      "'); process.exit(1); ('",
      '"); while(true){}; ("',
      "' + (globalThis.pwned = 1) + '",
      '`; throw new Error("owned"); `',
      '${caller_id_name}',
      '\\\'); for(;;){} //',
    ];
    for (const callerId of attacks) {
      const run = await runSchema(
        [
          { if: { expression: "'${caller_id_number}'.indexOf('067') === 0", then: [{ log: 'mobile' }], else: [{ log: 'other' }] } },
          { js: { data: "return typeof globalThis.pwned + ':' + '${caller_id_number}'.length", setVar: 'probe' } },
        ],
        { variables: { caller_id_number: callerId, caller_id_name: 'x' } },
      );
      assert.deepEqual(run.steps[1].notes, ['other'], callerId);
      assert.equal(run.call.getVariable('probe'), `undefined:${callerId.length}`, callerId);
      assert.equal(run.steps.some((step) => step.error), false, callerId);
    }
  });

  it('reads variables, globals and captures as data; LocalDate() is in the domain zone', async () => {
    const { call } = await runApp(
      { js: { data: 'var d = LocalDate(); return [${a}, "$${g}", d.getHours(), d.getMinutes()].join("|")', setVar: 'out' } },
      { variables: { a: '40 + 2' } },
    );
    // ${a} is the string "40 + 2", never evaluated as code; Kyiv is UTC+2 at TEST_NOW (10:30 UTC).
    assert.equal(call.getVariable('out'), '40 + 2||12|30');
  });

  it('the documented js example works', async () => {
    const { call } = await runApp(
      { js: { data: "var time = LocalDate(); time.setDate(time.getDate() + (+${dpd}*-1)); return time.getMonth() + '-' + time.getDate() + '-' + time.getFullYear()", setVar: 'myVar' } },
      { variables: { dpd: '3' } },
    );
    assert.equal(call.getVariable('myVar'), '10-21-2026');
  });

  it('an if the expression language covers never starts the sandbox; JavaScript-only text does, and a typo is still a load error', async () => {
    const plain = await runSchema([{ if: { expression: "${a} == '1' && &hour(0-23)", then: [{ log: 'y' }] } }], { variables: { a: '1' } });
    assert.doesNotMatch(plain.steps[0].result!, /sandbox/);
    const js = await runSchema([{ if: { expression: "parseInt('${n}', 10) > 5 && &wday(1-7) && '${name}'.toUpperCase() == 'ANNA'", then: [{ log: 'y' }] } }], { variables: { n: '12', name: 'anna' } });
    assert.match(js.steps[0].result!, /^true → then \(JavaScript sandbox\)$/);
    const { loadErrors } = await import('../../../test/support/engine.js');
    assert.equal(loadErrors([{ if: { expression: '${a} == ', then: [] } }]).length, 1);
  });
});
