/**
 * Fuzz target: an `if` expression through the parser and compiler, then
 * evaluated. Findings: an exception other than ExpressionSyntaxError while
 * loading, an error position outside the source (the validator points at
 * it), and any exception while evaluating (the language promises none).
 */
import { FakeEnv } from '../../support/expr-env.js';
import { ExpressionSyntaxError, parseExpression, type Expression } from '../../../src/engine/expr/index.js';
import { InvariantViolation, type FromBytes, type FuzzTarget } from '../../support/fuzz/target.js';

const ENVIRONMENTS = [
  new FakeEnv({ caller_id_number: '0671234567', acc_state: 'onhook', last_cid: '101', n: '42' }),
  new FakeEnv({ caller_id_number: '', n: '1e400', x: '__proto__' }, { now: new Date('2026-12-31T23:59:59.999Z'), timeZone: 'Pacific/Kiritimati', globals: { g: 'x' }, usage: { calls: 3 } }),
];

function load(source: string): Expression | undefined {
  try {
    return parseExpression(source);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    if (!Number.isInteger(error.position) || error.position < 0 || error.position > source.length) {
      throw new InvariantViolation(`error position ${error.position} is outside the ${source.length}-character source: ${error.message}`);
    }
    return undefined;
  }
}

const target: FuzzTarget<string> = {
  check(source) {
    const expression = load(source);
    for (const env of ENVIRONMENTS) expression?.evaluate(env);
  },
};
export default target;

/** The guided fuzzer's bytes, as expression source. */
export const fromBytes: FromBytes<string> = (data) => data.toString('utf8');
