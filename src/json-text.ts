import { parse as parseTolerantly, printParseErrorCode, type ParseError } from 'jsonc-parser';

/**
 * JSON.parse whose error names the line and column. Node's own messages give a
 * character offset at best and often only a fragment, which nobody can find in
 * a file by eye; on failure, jsonc-parser (strict settings) locates the first error.
 */
export class JsonTextError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'JsonTextError';
  }
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw locate(text, error as Error);
  }
}

function locate(text: string, error: Error): Error {
  const errors: ParseError[] = [];
  parseTolerantly(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return error;
  const before = text.slice(0, first.offset);
  const line = before.split('\n').length;
  const column = first.offset - before.lastIndexOf('\n');
  return new JsonTextError(`${describe(printParseErrorCode(first.error))} at line ${line}, column ${column}`, line, column);
}

/** "PropertyNameExpected" → "property name expected". */
function describe(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
