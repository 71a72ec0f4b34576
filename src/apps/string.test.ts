import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadErrors, runApp, runSchema } from '../../test/support/engine.js';

async function stringResult(args: object, variables: Record<string, string> = {}) {
  const { call, step } = await runApp({ string: { setVar: 'out', ...args } }, { variables });
  return { value: call.getVariable('out'), step };
}

describe('string', () => {
  it('substring of substituted data', async () => {
    const { value, step } = await stringResult({ data: '${caller_id_number}', fn: 'substring', args: [0, 3] }, { caller_id_number: '0671234567' });
    assert.equal(value, '067');
    assert.equal(step.result, 'substring → "067"');
    assert.deepEqual(step.args, { setVar: 'out', data: '0671234567', fn: 'substring', args: [0, 3] });
  });

  it('replace with a /regexp/flags pattern or with literal text', async () => {
    assert.equal((await stringResult({ data: '+38 (067) 123', fn: 'replace', args: ['/\\D/g', ''] })).value, '38067123');
    assert.equal((await stringResult({ data: 'a.b.c', fn: 'replace', args: ['.', '-'] })).value, 'a-b.c');
    assert.equal((await stringResult({ data: '0671234567', fn: 'replace', args: ['/^0(\\d{2})/', '+380$1'] })).value, '+380671234567');
  });

  it('compiles a pattern that comes from a variable at run time, with linear-time matching', async () => {
    const attack = `${'a'.repeat(5000)}!`;
    const { value } = await stringResult({ data: '${caller}', fn: 'replace', args: ['${pattern}', 'x'] }, { caller: attack, pattern: '/(a+)+$/' });
    assert.equal(value, attack, 'the pattern cannot match, and RE2 says so without backtracking');
  });

  it('the original’s own functions: reverse, base64, hashes, and length', async () => {
    assert.equal((await stringResult({ data: 'ab😀', fn: 'reverse' })).value, '😀ba');
    assert.equal((await stringResult({ data: 'hello', fn: 'base64', args: 'encoder' })).value, Buffer.from('hello').toString('base64'));
    assert.equal((await stringResult({ data: 'aGVsbG8=', fn: 'base64', args: ['decoder'] })).value, 'hello');
    assert.equal((await stringResult({ data: 'abc', fn: 'MD5' })).value, '900150983cd24fb0d6963f7d28e17f72');
    assert.equal((await stringResult({ data: 'abc', fn: 'SHA-256' })).value?.length, 64);
    assert.equal((await stringResult({ data: 'abc', fn: 'length' })).value, '3');
  });

  it('String methods: case, trim, search, indexOf, charAt, split and match', async () => {
    assert.equal((await stringResult({ data: 'Kyiv', fn: 'toUpperCase' })).value, 'KYIV');
    assert.equal((await stringResult({ data: '  x  ', fn: 'trim' })).value, 'x');
    assert.equal((await stringResult({ data: 'abc123', fn: 'search', args: ['\\d'] })).value, '3');
    assert.equal((await stringResult({ data: 'a-b-c', fn: 'indexOf', args: ['-', '2'] })).value, '3');
    assert.equal((await stringResult({ data: 'abc', fn: 'charAt', args: 1 })).value, 'b');
    assert.equal((await stringResult({ data: 'a1b2c', fn: 'split', args: ['/\\d/'] })).value, 'a,b,c');
    assert.equal((await stringResult({ data: 'a1b22', fn: 'match', args: ['/\\d+/g'] })).value, '1,22');
    assert.equal((await stringResult({ data: 'abc', fn: 'match', args: ['/\\d/'] })).value, '');
  });

  it('fails the step, leaving the variable alone, when a substituted argument is not what the function takes', async () => {
    const run = await runSchema([{ string: { data: 'abc', fn: 'substring', args: ['${n}'], setVar: 'out' } }, { log: 'goes on' }], {
      variables: { n: 'one' },
    });
    assert.equal(run.steps[0].error, 'args[0]: expected an integer, got "one"');
    assert.equal(run.call.getVariable('out'), undefined);
    assert.equal(run.steps[1].app, 'log');

    const badRegexp = await runSchema([{ string: { data: 'abc', fn: 'replace', args: ['${re}', ''], setVar: 'out' } }], { variables: { re: '/(/' } });
    assert.match(badRegexp.steps[0].error!, /^args\[0\]: invalid regular expression \/\(\//);
  });

  it('rejects unknown functions, wrong argument counts and invalid constant arguments at load', () => {
    assert.deepEqual(loadErrors([{ string: { data: 'x', fn: 'toUppercase', setVar: 'y' } }]), [
      { path: '[0].string.fn', message: 'unknown string function "toUppercase"; did you mean toUpperCase?' },
    ]);
    assert.deepEqual(loadErrors([{ string: { data: 'x', fn: 'replace', args: ['a'], setVar: 'y' } }]), [
      { path: '[0].string.args', message: 'replace needs 2 argument(s), got 1' },
    ]);
    assert.deepEqual(loadErrors([{ string: { data: 'x', fn: 'trim', args: ['a'], setVar: 'y' } }]), [
      { path: '[0].string.args', message: 'trim takes at most 0 argument(s), got 1' },
    ]);
    assert.deepEqual(loadErrors([{ string: { data: 'x', fn: 'replace', args: ['/a/x', ''], setVar: 'y' } }]), [
      { path: '[0].string.args[0]', message: 'invalid regular expression flags "x": use g, i, m, s' },
    ]);
    assert.deepEqual(loadErrors([{ string: { data: 'x', fn: 'base64', args: ['encode'], setVar: 'y' } }]), [
      { path: '[0].string.args[0]', message: 'expected one of encoder, decoder, got "encode"' },
    ]);
    assert.deepEqual(loadErrors([{ string: { data: 'x', fn: 'hasOwnProperty', setVar: 'y' } }])[0].path, '[0].string.fn');
    assert.deepEqual(loadErrors([{ string: { fn: 'trim', setVar: 'y' } }]), [{ path: '[0].string.data', message: 'missing; expected number or string' }]);
  });
});
