import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { expression } from '../support/fuzz/expression-grammar.js';
import { fuzz } from '../support/fuzz/fuzz.js';
import { expectCoverageGrowth, guidedFuzz } from '../support/fuzz/guided.js';
import { mutatedText } from '../support/fuzz/mutate.js';
import target from './targets/expression.js';

const TARGET = new URL('./targets/expression.ts', import.meta.url);
/** From the shipped schemas, the reference and the parser tests. */
const CORPUS = [
  "${last_cid} && ${acc_state} == 'onhook'",
  "${acc_state} == 'onhook' && &wday(2-6) && &time_of_day(09:00-18:00)",
  '&hour() + &minute() + &wday(1) + &time_of_day() + &date_time("2026-01-01 00:00~2027-01-01 00:00")',
  '&match("/^(\\d+)$/", ${n}) && ${n} > 100',
  "&mon(1,6-8) || &hour(9-17) ? &reg0.$1 : $${g} + 'x'",
];
const DICTIONARY = ['${', '}', '$${', '&', '&&', '||', '(', ')', '?', ':', ',', '"', "'", '\\', '/', '-', '!', '=', '==', '&match(', '&reg0.$', '&hour(', '&limit(', '0x', 'e9', '.', '\n', '\u2028', '~'];

describe('fuzz: expression parser', () => {
  it('loads and evaluates every seed expression', () => {
    for (const source of CORPUS) target.check(source);
  });

  it('coverage-guided: reaches parser code the seeds do not, and nothing breaks the contract', async () => {
    const stats = await guidedFuzz({
      name: 'expression',
      target: TARGET,
      sources: [new URL('../../src/engine/expr/', import.meta.url)],
      seeds: CORPUS.map((source) => Buffer.from(source)),
      dictionary: [...DICTIONARY, '!=', '<', '<=', '>', '>=', '+', '*', '%', '&minute(', '&wday(', '&mon(', '&time_of_day(', '&date_time(', '&year(', '&mday(', '&week(', 'true', 'false', 'null'],
      runs: 1500,
      maxLength: 4096,
    });
    expectCoverageGrowth(stats);
  });

  it('survives expressions generated from the grammar', async () => {
    await fuzz('expression/grammar', TARGET, expression, { runs: 1000 });
  });

  it('survives mutated real expressions and deep nesting', async () => {
    const deep = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.constantFrom('(', '!', '-', '1?', '&match("/x/",')).map(([depth, open]) => `${open.repeat(depth)}1${(open === '(' ? ')' : open === '1?' ? ':1' : open.startsWith('&') ? ')' : '').repeat(depth)}`);
    await fuzz('expression/mutated', TARGET, fc.oneof({ weight: 6, arbitrary: mutatedText(CORPUS, DICTIONARY) }, { weight: 1, arbitrary: deep }), { runs: 1000 });
  });
});
