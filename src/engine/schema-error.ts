import type { ZodIssue } from 'zod';
import { formatJsonPath } from '../json-path.js';

/** One mistake in a routing schema, located by its JSON path. */
export interface SchemaError {
  path: string;
  message: string;
}

export function formatSchemaError(error: SchemaError): string {
  return `${error.path}: ${error.message}`;
}

export function schemaErrorFromIssue(issue: ZodIssue): SchemaError {
  const { path, message } = explainIssue(issue);
  return { path: formatJsonPath(path), message };
}

/** Where an issue really is and what to say about it. */
export function explainIssue(issue: ZodIssue): { path: (string | number)[]; message: string } {
  const shown = (issue.code === 'invalid_union' ? deepestUnionIssue(issue) : undefined) ?? issue;
  return { path: shown.path, message: describeIssue(shown) };
}

/**
 * When one alternative of a union got past the value's type and failed deeper
 * (an array item of the wrong type), that deeper issue is the one to report.
 */
function deepestUnionIssue(issue: Extract<ZodIssue, { code: 'invalid_union' }>): ZodIssue | undefined {
  for (const branch of issue.unionErrors) {
    const deeper = branch.issues.find((inner) => inner.path.length > issue.path.length);
    if (deeper) return deeper.code === 'invalid_union' ? (deepestUnionIssue(deeper) ?? deeper) : deeper;
  }
  return undefined;
}

/** Zod's wording, rephrased the way a schema author reads it. */
function describeIssue(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined'
        ? `missing; expected ${issue.expected}`
        : `expected ${issue.expected}, got ${issue.received}`;
    case 'invalid_enum_value':
      return `expected one of ${issue.options.join(', ')}`;
    case 'invalid_literal':
      return `expected ${JSON.stringify(issue.expected)}`;
    case 'unrecognized_keys':
      return `unknown ${issue.keys.length === 1 ? 'argument' : 'arguments'} ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return describeUnion(issue);
    case 'too_small':
      return issue.type === 'array'
        ? `expected at least ${issue.minimum} item(s)`
        : issue.type === 'string'
          ? issue.message
          : `expected a number ${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
    case 'too_big':
      return issue.type === 'array'
        ? `expected at most ${issue.maximum} item(s)`
        : `expected a number ${issue.inclusive ? '<=' : '<'} ${issue.maximum}`;
    default:
      return issue.message;
  }
}

/** Which shapes would have been accepted, when every alternative failed on the value's type. */
function describeUnion(issue: Extract<ZodIssue, { code: 'invalid_union' }>): string {
  const expected = new Set<string>();
  let missing = false;
  for (const branch of issue.unionErrors) {
    const [first] = branch.issues;
    if (branch.issues.length !== 1 || first.code !== 'invalid_type') return describeIssue(first);
    expected.add(first.expected);
    missing = first.received === 'undefined';
  }
  return `${missing ? 'missing; ' : ''}expected ${[...expected].join(' or ')}`;
}
