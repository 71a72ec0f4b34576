import type { BinaryOperator, Node, Value } from './ast.js';
import { compileBuiltin } from './builtins.js';
import type { Evaluator } from './frame.js';
import { compileMatch } from './match.js';

type Operation = (left: Value, right: Value) => Value;

/*
 * Operands are always JavaScript primitives, so JavaScript's own operators give
 * JavaScript's semantics exactly (loose equality, string/number comparison,
 * `+` concatenation) and can neither run code nor throw. The casts only quiet
 * the type checker, which rejects e.g. `boolean < null`.
 */
type Loose = number;
const OPERATIONS: Readonly<Record<BinaryOperator, Operation>> = {
  '==': (left, right) => left == right,
  '!=': (left, right) => left != right,
  '===': (left, right) => left === right,
  '!==': (left, right) => left !== right,
  '<': (left, right) => (left as Loose) < (right as Loose),
  '<=': (left, right) => (left as Loose) <= (right as Loose),
  '>': (left, right) => (left as Loose) > (right as Loose),
  '>=': (left, right) => (left as Loose) >= (right as Loose),
  '+': (left, right) => (left as Loose) + (right as Loose),
  '-': (left, right) => (left as Loose) - (right as Loose),
  '*': (left, right) => (left as Loose) * (right as Loose),
  '/': (left, right) => (left as Loose) / (right as Loose),
  '%': (left, right) => (left as Loose) % (right as Loose),
};

/** Turns a syntax tree into nested closures, so evaluating is only calling them. */
export function compile(node: Node): Evaluator {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      return () => value;
    }
    case 'channel': {
      const name = node.name;
      return (frame) => frame.env.channel(name) ?? '';
    }
    case 'global': {
      const name = node.name;
      return (frame) => frame.env.global(name) ?? '';
    }
    case 'capture': {
      const { reg, group } = node;
      return (frame) => frame.env.capture?.(reg, group) ?? '';
    }
    case 'not': {
      const operand = compile(node.operand);
      return (frame) => !operand(frame);
    }
    case 'negate': {
      const operand = compile(node.operand);
      return (frame) => -(operand(frame) as Loose);
    }
    case 'plus': {
      const operand = compile(node.operand);
      return (frame) => +(operand(frame) as Loose);
    }
    case 'and':
      return logical(node.operands.map(compile), false);
    case 'or':
      return logical(node.operands.map(compile), true);
    case 'binary':
      return binary(compile(node.first), node.rest.map(({ operator, operand }) => [OPERATIONS[operator], compile(operand)]));
    case 'conditional': {
      const [test, then, otherwise] = [compile(node.test), compile(node.then), compile(node.else)];
      return (frame) => (test(frame) ? then(frame) : otherwise(frame));
    }
    case 'call':
      return compileBuiltin(node.name, node.parameter, node.at);
    case 'match':
      return compileMatch(node.pattern, compile(node.subject));
  }
}

/** `a && b && c` (stops at the first falsy value) or `a || b || c` (at the first truthy one), returning that value. */
function logical(operands: Evaluator[], stopWhenTruthy: boolean): Evaluator {
  return (frame) => {
    let value = operands[0](frame);
    for (let index = 1; index < operands.length; index++) {
      if (Boolean(value) === stopWhenTruthy) return value;
      value = operands[index](frame);
    }
    return value;
  };
}

function binary(first: Evaluator, rest: [Operation, Evaluator][]): Evaluator {
  if (rest.length === 1) {
    const [[operation, second]] = rest;
    return (frame) => operation(first(frame), second(frame));
  }
  return (frame) => {
    let value = first(frame);
    for (const [operation, operand] of rest) value = operation(value, operand(frame));
    return value;
  };
}
