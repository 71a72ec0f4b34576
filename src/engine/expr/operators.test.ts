import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeEnv } from '../../../test/support/expr-env.js';
import { parseExpression } from './index.js';

type Primitive = string | number | boolean | null | undefined;

/** Operands as source text and as the JavaScript value that text denotes. */
const OPERANDS: [string, Primitive][] = [
  ['""', ''],
  ['"0"', '0'],
  ['"5"', '5'],
  ['"05"', '05'],
  ['" 5 "', ' 5 '],
  ['"10"', '10'],
  ['"9"', '9'],
  ['"abc"', 'abc'],
  ['"1e3"', '1e3'],
  ['"0x10"', '0x10'],
  ['0', 0],
  ['5', 5],
  ['10', 10],
  ['1.5', 1.5],
  ['true', true],
  ['false', false],
  ['null', null],
  ['undefined', undefined],
];

// What JavaScript itself answers. `any` lets TypeScript accept every pairing, as JavaScript does.
const JAVASCRIPT: Record<string, (left: any, right: any) => unknown> = {
  '==': (left, right) => left == right,
  '!=': (left, right) => left != right,
  '===': (left, right) => left === right,
  '!==': (left, right) => left !== right,
  '<': (left, right) => left < right,
  '<=': (left, right) => left <= right,
  '>': (left, right) => left > right,
  '>=': (left, right) => left >= right,
  '+': (left, right) => left + right,
  '-': (left, right) => left - right,
  '*': (left, right) => left * right,
  '/': (left, right) => left / right,
  '%': (left, right) => left % right,
  '&&': (left, right) => left && right,
  '||': (left, right) => left || right,
};

const any = (value: unknown): any => value;

function evaluate(source: string, env = new FakeEnv()): unknown {
  return parseExpression(source).evaluate(env);
}

describe('operators', () => {
  it('give what JavaScript gives for every pair of operands', () => {
    for (const [operator, javascript] of Object.entries(JAVASCRIPT)) {
      for (const [leftSource, left] of OPERANDS) {
        for (const [rightSource, right] of OPERANDS) {
          const source = `${leftSource} ${operator} ${rightSource}`;
          assert.deepEqual(evaluate(source), javascript(left, right), source);
        }
      }
    }
  });

  it('give what JavaScript gives for variable values, which are strings', () => {
    const values = ['', '0', '5', '05', '10', '9', 'abc', 'onhook', ' 7'];
    for (const [operator, javascript] of Object.entries(JAVASCRIPT)) {
      for (const a of values) {
        for (const b of values) {
          const env = new FakeEnv({ a, b });
          assert.deepEqual(evaluate(`\${a} ${operator} \${b}`, env), javascript(a, b), `"${a}" ${operator} "${b}"`);
        }
      }
    }
  });

  it('give what JavaScript gives for prefix operators', () => {
    for (const [source, value] of OPERANDS) {
      assert.deepEqual(evaluate(`!${source}`), !value, `!${source}`);
      assert.deepEqual(evaluate(`-${source}`), -any(value), `-${source}`);
      assert.deepEqual(evaluate(`+${source}`), +any(value), `+${source}`);
    }
  });

  it('bind and associate as in JavaScript', () => {
    const cases: [string, unknown][] = [
      ['1 + 2 * 3', 1 + 2 * 3],
      ['(1 + 2) * 3', (1 + 2) * 3],
      ['10 - 4 - 3', 10 - 4 - 3],
      ['100 / 10 / 5', 100 / 10 / 5],
      ['2 * 7 % 4', (2 * 7) % 4],
      ['1 + 2 + "3"', 1 + 2 + '3'],
      ['"1" + 2 + 3', '1' + 2 + 3],
      ['"3" * "4" - 1', any('3') * any('4') - 1],
      ['1 < 2 == true', 1 < 2 == true],
      ['3 > 2 > 1', any(3 > 2) > 1],
      ['1 + 1 == 2', 1 + 1 == 2],
      ['"a" + "b" == "ab"', 'a' + 'b' == 'ab'],
      ['!0 + 1', any(!0) + 1],
      ['!"" == true', !any('') == true],
      ['-2 * -3', -2 * -3],
      ['- -2', - -2],
      ['-"5" + 1', -any('5') + 1],
      ['+"5" + 1', +'5' + 1],
      ['1 || 0 && 0', 1 || (0 && 0)],
      ['0 && 1 || 2', (any(0) && 1) || 2],
      ['"" || 0 || "x"', any('') || 0 || 'x'],
      ['"a" && "b" && 0', any('a') && 'b' && 0],
      ['1 == 1 && 2 == 3', 1 == 1 && any(2) == 3],
      ['1 ? 2 : 3', 1 ? 2 : 3],
      ['0 ? 2 : 3', 0 ? 2 : 3],
      ['0 ? 2 : 0 ? 4 : 5', any(0) ? 2 : any(0) ? 4 : 5],
      ['1 ? 0 ? 6 : 7 : 8', any(1) ? (any(0) ? 6 : 7) : 8],
      ['0 || 1 ? "yes" : "no"', (0 || 1) ? 'yes' : 'no'],
      ['1 + 1 ? "a" : "b"', 1 + 1 ? 'a' : 'b'],
      ['0x10 + 0o10 + 0b10 + .5 + 1e2', 0x10 + 0o10 + 0b10 + 0.5 + 1e2],
      ['"\\x41\\u0042\\u{43}\\n\\t\\\'\\\\"', 'ABC\n\t\'\\'],
      ["'say \"hi\"'", 'say "hi"'],
    ];
    for (const [source, want] of cases) assert.deepEqual(evaluate(source), want, source);
  });

  it('short-circuit: the operand not needed is never evaluated', () => {
    const cases: [string, string[]][] = [
      ['${empty} && ${second}', ['empty']],
      ['${full} || ${second}', ['full']],
      ['${full} && ${second}', ['full', 'second']],
      ['${empty} || ${second}', ['empty', 'second']],
      ['${full} ? ${second} : ${third}', ['full', 'second']],
      ['${empty} ? ${second} : ${third}', ['empty', 'third']],
      ['${empty} && ${a} && ${b} || ${c}', ['empty', 'c']],
    ];
    for (const [source, reads] of cases) {
      const env = new FakeEnv({ empty: '', full: 'yes' });
      evaluate(source, env);
      assert.deepEqual(env.channelReads, reads, source);
    }
    const env = new FakeEnv({ empty: '' });
    assert.equal(evaluate('${empty} && &match("/.*/", "x")', env), '');
    assert.deepEqual(env.captures, []);
  });
});

describe('variables', () => {
  it('read channel variables (missing → "") and domain variables', () => {
    const env = new FakeEnv(
      { last_cid: '101', acc_state: 'onhook', 'odd name.x-y': 'ok' },
      { globals: { office: 'open' } },
    );
    assert.equal(evaluate('${last_cid}', env), '101');
    assert.equal(evaluate('${ last_cid }', env), '101');
    assert.equal(evaluate('${odd name.x-y}', env), 'ok');
    assert.equal(evaluate('${missing}', env), '');
    assert.equal(evaluate('$${office} == "open"', env), true);
    assert.equal(evaluate('$${missing}', env), '');
    assert.equal(evaluate('${last_cid} == 101', env), true);
  });

  it('run the seed schema condition', () => {
    const condition = "${last_cid} && ${acc_state} == 'onhook'";
    const cases: [Record<string, string>, unknown][] = [
      [{ last_cid: '', acc_state: 'onhook' }, ''],
      [{ acc_state: 'onhook' }, ''],
      [{ last_cid: '101', acc_state: 'onhook' }, true],
      [{ last_cid: '101', acc_state: 'isbusy' }, false],
      [{ last_cid: '101', acc_state: '' }, false],
    ];
    for (const [variables, want] of cases) {
      assert.equal(evaluate(condition, new FakeEnv(variables)), want, JSON.stringify(variables));
    }
  });

  it('read captures of an earlier match as &regN.$M', () => {
    const env = new FakeEnv({}, { earlierCaptures: [['0441234', '0441234', '044'], ['x']] });
    assert.equal(evaluate('&reg0.$2 == "044"', env), true);
    assert.equal(evaluate('&reg1.$0', env), 'x');
    assert.equal(evaluate('&reg3.$1', env), '');
  });
});

describe('hostile values', () => {
  const hostile = [
    "') || true || ('",
    '${x}',
    '$${secret}',
    '"; process.exit(1); "',
    '&hour()',
    '&match("/.*/", ${x})',
    '\\',
    '\u0000\u2028',
    '('.repeat(10 * 1024),
  ];

  it('are only ever values', () => {
    for (const value of hostile) {
      const env = new FakeEnv({ value, same: value, x: 'SHOULD NOT BE READ' }, { globals: { secret: 'S' } });
      const label = value.slice(0, 30);
      assert.equal(evaluate('${value}', env), value, label);
      assert.equal(evaluate('${value} == "onhook"', env), false, label);
      assert.equal(evaluate('${value} == ${same}', env), true, label);
      assert.equal(evaluate('${value} + "!"', env), `${value}!`, label);
      assert.equal(evaluate('${value} ? 1 : 2', env), 1, label);
      assert.equal(evaluate('&match("/^(.*)$/s", ${value})', env), true, label);
      assert.deepEqual(env.captures, [[0, [value, value]]], label);
      assert.ok(!env.channelReads.includes('x'), label);
    }
  });
});

describe('evaluation', () => {
  it('never throws, whatever the values', () => {
    const expression = parseExpression(
      '${a} * ${b} - ${a} / ${b} % ${a} < ${b} && &match("/(a+)+$/", ${a}) || -${b} ? &hour() : &time_of_day()',
    );
    const values = ['', 'a'.repeat(100_000) + '!', 'NaN', '-0', 'Infinity', '1e400', '\uD800', '__proto__', 'constructor'];
    for (const a of values) {
      for (const b of values) assert.doesNotThrow(() => expression.evaluate(new FakeEnv({ a, b })));
    }
  });

  it('can be repeated with the same parsed expression', () => {
    const expression = parseExpression('&match("/^(\\d+)$/", ${n}) && ${n} > 100');
    const results = ['5', '500', 'x', '101'].map((n) => expression.evaluate(new FakeEnv({ n })));
    assert.deepEqual(results, [false, true, false, true]);
  });
});
