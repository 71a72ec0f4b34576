import { Template, type VariableSource } from './template.js';

/**
 * A JSON value whose strings may hold `${…}` references, compiled once and
 * filled in per call. Parts without any reference are compiled into a frozen
 * `constant` every call's value shares; only the parts on the way to a
 * reference are rebuilt per call. An object on that way is copied from its
 * `shape` (every key in order, constant values in place) and gets its
 * `perCall` values filled in.
 */
export type JsonTemplate =
  | { kind: 'string'; template: Template; escape?: Escape }
  | { kind: 'array'; items: JsonTemplate[] }
  | { kind: 'object'; shape: Record<string, unknown>; perCall: [string, JsonTemplate][] }
  | { kind: 'constant'; value: unknown };

export type Escape = (value: string) => string;

/** `escapeAt` names the escape for values substituted into the string at a path, if any. */
export function compileJsonTemplate(value: unknown, escapeAt?: (path: readonly (string | number)[]) => Escape | undefined): JsonTemplate {
  return compileNode(value, [], escapeAt);
}

export function renderJsonTemplate(node: JsonTemplate, variables: VariableSource): unknown {
  switch (node.kind) {
    case 'string':
      return node.template.render(variables, node.escape);
    case 'array':
      return node.items.map((item) => renderJsonTemplate(item, variables));
    case 'object': {
      // The spread makes every key an own property, in order (even a `__proto__` from JSON); the loop only sets values.
      const object = { ...node.shape };
      for (const [key, value] of node.perCall) object[key] = renderJsonTemplate(value, variables);
      return object;
    }
    case 'constant':
      return node.value;
  }
}

function compileNode(value: unknown, path: readonly (string | number)[], escapeAt: ((path: readonly (string | number)[]) => Escape | undefined) | undefined): JsonTemplate {
  if (typeof value === 'string') {
    const template = Template.compile(value);
    return template.isConstant ? constant(value) : { kind: 'string', template, escape: escapeAt?.(path) };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compileNode(item, [...path, index], escapeAt));
    return items.every(isConstant) ? constant(items.map((item) => item.value)) : { kind: 'array', items };
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, child]): [string, JsonTemplate] => [key, compileNode(child, [...path, key], escapeAt)]);
    const shape = Object.fromEntries(entries.map(([key, child]) => [key, isConstant(child) ? child.value : undefined]));
    const perCall = entries.filter(([, child]) => !isConstant(child));
    return perCall.length === 0 ? constant(shape) : { kind: 'object', shape, perCall };
  }
  return constant(value);
}

type ConstantNode = Extract<JsonTemplate, { kind: 'constant' }>;

function isConstant(node: JsonTemplate): node is ConstantNode {
  return node.kind === 'constant';
}

/** Frozen because every call's value shares it: nothing may change it for the next call. */
function constant(value: unknown): ConstantNode {
  return { kind: 'constant', value: Object.freeze(value) };
}
