import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { formatSchemaError } from '../../src/engine/schema-error.js';
import { schemaOfDocument } from '../../src/engine/schema-text.js';
import { runSchema, schemaLoader, testDirectory, testDomain } from '../support/engine.js';
import { acrServices, FIXTURES, testRoutes } from './support.js';

/** Published with a JSON error (see SOURCE.md): validate must say so. */
const NOT_JSON = new Set(['scheme-default-route.json', 'applications-tts.json']);

/** Steps that may fail in a test: the examples call web services on the internet. */
const MAY_FAIL = new Set(['httpRequest']);

/** How a trace of a whole example may end: never at a limit, never in a router error. */
const SENSIBLE_ENDS = new Set(['completed', 'break', 'ended-by-app', 'call-ended', 'transfer']);

const files = readdirSync(FIXTURES).filter((name) => name.endsWith('.json')).sort();

function load(name: string) {
  return schemaLoader.loadText(readFileSync(new URL(name, FIXTURES), 'utf8'));
}

describe("Webitel's documentation examples", () => {
  it('are all here (both pages, every example)', () => {
    assert.equal(files.filter((name) => name.startsWith('applications-')).length, 54);
    assert.equal(files.filter((name) => name.startsWith('scheme-')).length, 6);
  });

  for (const name of files) {
    if (NOT_JSON.has(name)) {
      it(`${name}: published as invalid JSON, and validate says so`, () => {
        const loaded = load(name);
        assert.ok(!loaded.ok);
        assert.match(formatSchemaError(loaded.errors[0]), /^\(schema\): not valid JSON: /);
      });
      continue;
    }
    it(`${name}: loads, and runs in a trace to a sensible end`, async () => {
      const loaded = load(name);
      assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.map(formatSchemaError).join('\n'));
      const directory = testDirectory([testDomain({ calendars: [{ name: 'my Business Calendar' }] })]);
      const run = await runSchema(
        schemaOfDocument(JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'))),
        { variables: { caller_id_number: '0671234567', destination_number: '100', uuid: 'call-1' }, phones: { '101': 'onhook' } },
        { directory, acr: acrServices({ blackLists: { myNewBlackList: ['067 123 45 67'] } }), routes: await testRoutes() },
      );
      assert.ok(SENSIBLE_ENDS.has(run.end.reason), `ended ${run.end.reason}: ${run.end.message}`);
      for (const step of run.steps) {
        if (step.error) assert.ok(MAY_FAIL.has(step.app), `${step.path} ${step.app} failed: ${step.error}`);
      }
    });
  }
});
