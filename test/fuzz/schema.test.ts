import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { appRegistry } from '../../src/apps/registry.js';
import { fuzz } from '../support/fuzz/fuzz.js';
import { expectCoverageGrowth, guidedFuzz } from '../support/fuzz/guided.js';
import { mutatedJson } from '../support/fuzz/mutate-json.js';
import { mutatedText } from '../support/fuzz/mutate.js';
import { schema } from '../support/fuzz/schema-grammar.js';
import target from './targets/schema.js';

const TARGET = new URL('./targets/schema.ts', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
/** The shipped schemas and the seed schema of the defining scenario. */
const EXAMPLES = readdirSync(new URL('../../examples/', import.meta.url)).filter((name) => name.endsWith('.json'));
const CORPUS_TEXT = [...EXAMPLES.map((name) => `../../examples/${name}`), '../support/fixtures/seed-last-agent.json'].map(read);
const CORPUS = CORPUS_TEXT.map((text) => JSON.parse(text) as unknown);
const KEYS = ['if', 'then', 'else', 'switch', 'case', 'bridge', 'endpoints', 'log', 'setVar', 'goto', 'tag', 'break', 'async', 'elastic', 'exportVar'];
const JUNK = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('local:nowhere', '${x', '&reg0.$1', 'USER_BUSY', [], {}, null, -1, 1e309));

describe('fuzz: schema loader', () => {
  it('loads the shipped schemas', () => {
    for (const text of CORPUS_TEXT) target.check(text);
  });

  it('coverage-guided: reaches loader code the seeds do not, and nothing breaks the contract', async () => {
    const stats = await guidedFuzz({
      name: 'schema',
      target: TARGET,
      sources: [new URL('../../src/engine/', import.meta.url), new URL('../../src/apps/', import.meta.url)],
      seeds: CORPUS_TEXT.map((text) => Buffer.from(text)),
      dictionary: [...appRegistry.names().map((name) => `{"${name}":{}}`), ...KEYS.map((key) => `"${key}":`), '{', '}', '[', ']', ',', 'null', 'true', '""', '"${x}"', '1e999'],
      runs: 800,
    });
    expectCoverageGrowth(stats);
  });

  it('survives schemas generated from the schema language', async () => {
    await fuzz('schema/grammar', TARGET, schema.map((document) => JSON.stringify(document)), { runs: 500 });
  });

  it('survives the shipped schemas mutated, as JSON and as text, and deep nesting', async () => {
    const deep = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom(['[', ']'], ['[{"if":{"then":', '}}]'])).map(([depth, [open, close]]) => `${open.repeat(depth)}[]${close.repeat(depth)}`);
    const inputs = fc.oneof(
      { weight: 6, arbitrary: mutatedJson(CORPUS, JUNK, KEYS).map((document) => JSON.stringify(document) ?? 'null') },
      { weight: 3, arbitrary: mutatedText(CORPUS_TEXT, ['{', '}', '[', ']', '"', ',', ':', '\\', '"if":', '"tag":"t"', '${', 'null', '1e999', '\u0000'], 4) },
      { weight: 1, arbitrary: deep },
    );
    await fuzz('schema/mutated', TARGET, inputs, { runs: 500 });
  });
});
