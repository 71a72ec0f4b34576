import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeEnv } from '../../../test/support/expr-env.js';
import { ExpressionSyntaxError, MAX_NESTING, MAX_SOURCE_LENGTH, parseExpression } from './index.js';

function syntaxError(source: string): ExpressionSyntaxError {
  try {
    parseExpression(source);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error;
    throw error;
  }
  assert.fail(`no syntax error for ${source.slice(0, 60)}`);
}

describe('syntax errors', () => {
  it('say what is wrong and where (0-based)', () => {
    const cases: [string, number, RegExp][] = [
      ['', 0, /^empty expression$/],
      ['   ', 0, /^empty expression$/],
      ['1 +', 3, /^expected a value, found end of expression$/],
      ['(1', 2, /^expected "\)", found end of expression$/],
      ['1)', 1, /^unexpected "\)"$/],
      ['1 2', 2, /^unexpected "2"$/],
      ['1 ? 2', 5, /^expected ":", found end of expression$/],
      ['1 ? 2 ) 3', 6, /^expected ":", found "\)"$/],
      ['1 = 2', 2, /^unexpected character "="$/],
      ['1 & 2', 2, /^expected a function name after "&"$/],
      ['1 | 2', 2, /^unexpected character "\|"$/],
      ['--1', 0, /^unexpected "--"$/],
      ['1++', 1, /^unexpected "\+\+"$/],
      ['"abc', 0, /^unterminated string$/],
      ['"a\nb"', 0, /^unterminated string$/],
      ['"\\x4"', 1, /^invalid escape sequence$/],
      ['"\\u{110000}"', 1, /^invalid escape sequence$/],
      ['"\\1"', 1, /^octal escape/],
      ['010', 0, /^invalid number$/],
      ['1abc', 0, /^invalid number$/],
      ['1.2.3', 0, /^invalid number$/],
      ['${abc', 0, /^missing "}" after "\$\{"$/],
      ['${ }', 0, /^empty variable name$/],
      ['1 + $abc', 4, /^unexpected "\$"/],
      ['a == 1', 0, /^unknown name "a": a variable is written \$\{a\}$/],
      ['&hour', 5, /^expected "\(" after &hour$/],
      ['&hour(9', 7, /^missing "\)" after &hour\($/],
      ['&hour("9"', 9, /^expected "\)", found end of expression$/],
      ['&hour(25)', 6, /^hour 25 is out of range 0-23$/],
      ['&hour("9-25")', 9, /^hour 25 is out of range 0-23$/],
      ['&mon(a-b)', 5, /^invalid month "a-b"/],
      ['&wday(0)', 6, /^day of week 0 is out of range 1-7$/],
      ['&minute_of_day(1441)', 15, /out of range 0-1440/],
      ['&year(2030-2020)', 6, /ends before it starts/],
      ['&huor(5)', 0, /^unknown function &huor; did you mean &hour\?$/],
      ['&mtach("/x/", 1)', 0, /did you mean &match\?$/],
      ['&frobnicate()', 0, /^unknown function &frobnicate$/],
      ['&time_of_day(08:00)', 13, /^invalid range "08:00": expected HH:MM-HH:MM$/],
      ['&time_of_day("08:00-12:60")', 20, /^invalid time "12:60"$/],
      ['&date_time("2026-01-02 00:00~2026-01-01 00:00")', 12, /ends before it starts/],
      ['&limit()', 0, /^&limit needs a counter name$/],
      ['&limit("calls,x")', 14, /^&limit maximum "x" is not a whole number$/],
      ['&exists()', 0, /^&exists needs what to look for$/],
      ['&match("/(/", ${x})', 8, /^invalid regular expression: /],
      ['&match("/(?<=a)b/", ${x})', 8, /^invalid regular expression: /],
      ['&match("/a/q", ${x})', 8, /^invalid regular expression flags "q"/],
      ['&match("/a", ${x})', 8, /missing its closing "\/"$/],
      ['&match("/a/")', 12, /^expected ","/],
      ['&match("/a/", ${x}', 18, /^expected "\)"/],
    ];
    for (const [source, position, message] of cases) {
      const error = syntaxError(source);
      assert.match(error.message, message, source);
      assert.equal(error.position, position, `${source}: ${error.message}`);
    }
  });

  it('stop deep nesting before the stack does', () => {
    const parentheses = syntaxError('('.repeat(10 * 1024));
    assert.equal(parentheses.position, MAX_NESTING);
    assert.match(parentheses.message, /nested more than 64 levels/);
    assert.equal(syntaxError('!'.repeat(10 * 1024) + '1').position, MAX_NESTING);
    assert.equal(syntaxError('1?'.repeat(2000) + '1').position, 2 * (MAX_NESTING + 1));
    const deepest = '('.repeat(MAX_NESTING) + '"ok"' + ')'.repeat(MAX_NESTING);
    assert.equal(parseExpression(deepest).evaluate(new FakeEnv()), 'ok');
  });

  it('cap the source length', () => {
    const error = syntaxError(' '.repeat(MAX_SOURCE_LENGTH) + '1');
    assert.equal(error.position, MAX_SOURCE_LENGTH);
    assert.match(error.message, /longer than 16384 characters/);
  });

  it('keep long flat chains flat', () => {
    const terms = Math.floor(MAX_SOURCE_LENGTH / 2);
    assert.equal(parseExpression(Array(terms).fill('1').join('+')).evaluate(new FakeEnv()), terms);
    const alternatives = Array(Math.floor(MAX_SOURCE_LENGTH / 9)).fill('${a}').join(' || ');
    assert.equal(parseExpression(`${alternatives} || "none"`).evaluate(new FakeEnv()), 'none');
  });

  it('take a built-in parameter as written, so regexp backslashes survive', () => {
    const env = new FakeEnv({ n: '42' });
    assert.equal(parseExpression('&match("/^\\d+$/", ${n})').evaluate(env), true);
    assert.equal(parseExpression("&match('/^[\"\\']?\\d+$/', ${n})").evaluate(env), true);
  });
});
