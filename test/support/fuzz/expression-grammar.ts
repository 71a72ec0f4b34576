/**
 * `if` expressions generated from the language's grammar (JavaScript
 * operators over channel and domain variables, literals and the `&`
 * built-ins with their range-list parameters).
 */
import * as fc from 'fast-check';

const variable = fc.oneof(
  fc.constantFrom('${caller_id_number}', '${acc_state}', '${last_cid}', '${n}', '${x}', '$${g}', '${}', '${a b}', '&reg0.$1', '&reg9.$0'),
  fc.stringMatching(/^[a-z_]{1,8}$/).map((name) => `\${${name}}`),
);
const literal = fc.oneof(
  fc.constantFrom("'onhook'", '"isbusy"', "''", '0', '1.5', '0x1F', '1e308', '.5', 'true', 'false', 'null', 'undefined', "'\\n\\u0041'", '"\\x41"', '007', '0b2'),
  fc.integer().map(String),
  fc.string({ maxLength: 8 }).map((text) => JSON.stringify(text)),
);
const rangeItem = fc.oneof(fc.integer({ min: -1, max: 10000 }).map(String), fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 })).map(([a, b]) => `${a}-${b}`), fc.constantFrom('9-', '-5', '*', '', 'x'));
const rangeList = fc.array(rangeItem, { minLength: 1, maxLength: 3 }).map((items) => items.join(','));
const time = fc.oneof(fc.tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`), fc.constantFrom('24:00', '9:00', '09:00:60', 'noon'));
const builtin = fc.oneof(
  fc.tuple(fc.constantFrom('year', 'yday', 'mon', 'mday', 'week', 'mweek', 'wday', 'hour', 'minute', 'minute_of_day'), fc.option(rangeList, { nil: '' })).map(([name, list]) => `&${name}(${list})`),
  fc.tuple(time, time).map(([from, to]) => `&time_of_day(${from}-${to})`),
  fc.constantFrom('&date_time("2026-01-01 00:00~2027-01-01 00:00")', '&date_time(2026-02-30 00:00:00~2026-03-01 00:00:00)', '&time_of_day()', '&exists("x")', '&limit("calls",5)', '&limit(,)', '&nope()'),
  fc.tuple(fc.constantFrom('/^(\\d+)$/', '/0[0-9]{9}/i', '/(a+)+$/', '/[/', '/x/gy', '^\\d+$', '/(?<n>1)/', '/\\p{L}/u'), fc.constantFrom('${caller_id_number}', "'0671234567'", '${n} + 1')).map(([pattern, subject]) => `&match("${pattern}", ${subject})`),
);

export const expression: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    variable,
    literal,
    builtin,
    fc.tuple(tie('expr'), fc.constantFrom('==', '!=', '===', '!==', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', '&&', '||', ' ++ '), tie('expr')).map(([a, operator, b]) => `${a} ${operator} ${b}`),
    fc.tuple(fc.constantFrom('!', '-', '+', '!!'), tie('expr')).map(([operator, operand]) => `${operator}${operand}`),
    tie('expr').map((inner) => `(${inner})`),
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([test, then, otherwise]) => `${test} ? ${then} : ${otherwise}`),
  ),
})).expr;
