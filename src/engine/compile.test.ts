import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { schemaLoader } from '../../test/support/engine.js';
import { MAX_SCHEMA_BYTES } from './compile.js';
import { formatSchemaError } from './schema-error.js';

function errorsOf(json: unknown): string[] {
  const result = schemaLoader.load(json);
  assert.equal(result.ok, false, 'expected the schema to be rejected');
  return result.ok ? [] : result.errors.map(formatSchemaError);
}

test('the seed last-agent schema, verbatim, loads', () => {
  const seed = readFileSync(new URL('../../test/support/fixtures/seed-last-agent.json', import.meta.url), 'utf8');
  const result = schemaLoader.loadText(seed);
  assert.ok(result.ok, result.ok ? '' : result.errors.map(formatSchemaError).join('\n'));
  assert.equal(result.schema.root.steps.length, 5);
  assert.deepEqual(
    result.schema.root.steps.map((step) => step.app.name),
    ['cdr', 'userData', 'if', 'bridge', 'hangup'],
  );
});

test('a schema must be an array of application objects', () => {
  assert.deepEqual(errorsOf({ log: 'x' }), ['(schema): expected array, got object']);
  assert.deepEqual(errorsOf(['log']), ['[0]: expected an application object such as { "log": "text" }']);
  assert.deepEqual(errorsOf([{ tag: 'x' }]), ['[0]: expected an application key']);
});

test('an unknown application is named with a did-you-mean hint', () => {
  assert.deepEqual(errorsOf([{ swich: { variable: 'x', case: {} } }]), ['[0].swich: unknown application; did you mean switch?']);
  assert.deepEqual(errorsOf([{ frobnicate: 1 }]), ['[0].frobnicate: unknown application']);
});

test('applications that need a part callrouter lacks load with their arguments checked, and a warning naming the part', () => {
  const loaded = schemaLoader.load([{ stt: { lang: 'en' } }, { queue: { name: 'support' } }, { set: { a: '1' } }]);
  assert.ok(loaded.ok);
  assert.deepEqual(loaded.schema.warnings.map(formatSchemaError), [
    '[0].stt: not supported yet: needs the media engine; skipped at run time',
    '[1].queue: not supported yet: needs the call-centre queue; skipped at run time',
  ]);
  assert.deepEqual(errorsOf([{ conference: { nam: 'x' } }]), ['[0].conference.name: missing; expected string']);
  assert.deepEqual(errorsOf([{ sett: { a: '1' } }]), ['[0].sett: unknown application; did you mean set?']);
});

test('two applications in one object are rejected', () => {
  assert.deepEqual(errorsOf([{ goto: 'local:a', switch: {} }]), ['[0]: expected one application per object, found goto, switch']);
});

test('errors inside nested branches carry the full JSON path, and every error is reported', () => {
  const errors = errorsOf([
    { tag: 'start', goto: 'local:start' },
    { if: { expression: 'true', then: [{ goto: 'socket:10.0.0.1:8084' }], else: [{ switch: { variable: 1, case: {} } }] } },
  ]);
  assert.equal(errors.length, 2);
  assert.match(errors[0], /^\[1\]\.if\.then\[0\]\.goto: goto "socket:…" \(handing the call to an outbound socket application\) is not supported yet/);
  assert.equal(errors[1], '[1].if.else[0].switch.variable: expected string, got number');
});

test('an if without expression, and a malformed expression, are rejected at load', () => {
  assert.deepEqual(errorsOf([{ if: { then: [] } }]), ['[0].if.expression: missing; expected string']);
  const [error] = errorsOf([{ if: { expression: '${a} == ', then: [] } }]);
  assert.match(error, /^\[0\]\.if\.expression: .*\(at character \d+\)$/);
});

test('a goto must name a tag that exists, and tags are unique', () => {
  assert.deepEqual(errorsOf([{ goto: 'local:nowhere' }]), ['[0].goto: no application has tag "nowhere"']);
  assert.deepEqual(errorsOf([{ tag: 'a', break: true }, { if: { expression: '1', then: [{ tag: 'a', break: true }] } }]), [
    '[1].if.then[0].tag: duplicate tag "a"',
  ]);
});

test('bridge endpoint types are checked at their path', () => {
  const seed = JSON.parse(readFileSync(new URL('../../test/support/fixtures/seed-last-agent.json', import.meta.url), 'utf8'));
  seed[2].if.then[0].bridge.endpoints[0].type = 'phone';
  assert.deepEqual(errorsOf(seed), ['[2].if.then[0].bridge.endpoints[0].type: expected one of user, gateway, device, sipUri']);
});

test('schemas over 1 MB or nested deeper than 64 levels are rejected', () => {
  const big = JSON.stringify([{ goto: `local:${'x'.repeat(MAX_SCHEMA_BYTES)}` }]);
  const result = schemaLoader.loadText(big);
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.errors[0].message, /larger than 1048576 bytes/);

  let deep: unknown = [{ break: true }];
  for (let i = 0; i < 40; i++) deep = [{ if: { expression: 'true', then: deep } }];
  assert.match(errorsOf(deep)[0], /nested deeper than 64 levels/);

  const text = '['.repeat(100_000) + ']'.repeat(100_000);
  const fromText = schemaLoader.loadText(text);
  assert.equal(fromText.ok, false);
});

test('invalid JSON text is reported, not thrown', () => {
  const result = schemaLoader.loadText('[{"log": }]');
  assert.equal(result.ok, false);
  assert.match(result.ok ? '' : result.errors[0].message, /^not valid JSON/);
});

test('a bad item of a list argument is reported at the item; a value of no accepted shape names the shapes', () => {
  assert.deepEqual(errorsOf([{ unSet: ['a', 5] }]), ['[0].unSet[1]: expected string, got number']);
  assert.deepEqual(errorsOf([{ unSet: 'a' }, { setVar: [] }, { unSet: null }]), [
    '[1].setVar: expected at least 1 item(s)',
    '[2].unSet: expected string or array',
  ]);
});
