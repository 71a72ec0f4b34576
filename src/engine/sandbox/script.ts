import { parseExpression, type Expression, type ExpressionEnv } from '../expr/index.js';
import { ExpressionSyntaxError } from '../expr/types.js';
import type { VariableSource } from '../template.js';

/**
 * JavaScript written in a schema (an `if` beyond the expression language, the
 * `js` app), rewritten so that schema references read data instead of being
 * pasted into the code: `${x}` → `__v("x")`, `$${x}` → `__g("x")`,
 * `&reg1.$2` → `__r(1,2)`, `sys.getChnVar("x")` likewise, and each `&hour(…)`
 * built-in is evaluated outside and read as `__c[i]`. Inside a string literal
 * the reference is spliced in by concatenation, so `'Hi ${name}'` keeps its meaning.
 */
export interface SandboxScript {
  readonly source: string;
  /** The rewritten code; `__input` holds the data. */
  readonly code: string;
  readonly channels: readonly string[];
  readonly globals: readonly string[];
  readonly captures: readonly (readonly [number, number])[];
  readonly builtins: readonly Expression[];
}

const REFERENCE =
  /\$\$\{([^}]*)\}|\$\{([^}]*)\}|&reg(\d+)\.\$(\d+)|sys\.get(Chn|Glb)Var\(\s*(?:"([^"]*)"|'([^']*)')\s*\)|&([a-z_]+)\(([^)]*)\)/y;

const PRELUDE = [
  'const __in = JSON.parse(__input);',
  'const __own = (o, k) => Object.prototype.hasOwnProperty.call(o, k) ? o[k] : "";',
  'const __v = (k) => __own(__in.v, k), __g = (k) => __own(__in.g, k);',
  'const __r = (n, m) => __own(__in.r, n + "." + m), __c = __in.c;',
  'const sys = { getChnVar: __v, getGlbVar: __g };',
  'function LocalDate() { return new Date(__in.localNow); }',
].join('\n');

/** Rewrites `source`; throws ExpressionSyntaxError for a built-in with a bad parameter. */
export function compileScript(source: string, wrap: (body: string) => string): SandboxScript {
  const found: Found = { channels: new Set(), globals: new Set(), captures: new Map(), builtins: [] };
  let out = '';
  for (let at = 0; at < source.length; ) {
    const char = source[at];
    if (char === '"' || char === "'" || char === '`') {
      const end = closingQuote(source, at);
      out += stringLiteral(source.slice(at, end), found, at);
      at = end;
      continue;
    }
    REFERENCE.lastIndex = at;
    const match = REFERENCE.exec(source);
    if (match) {
      out += `(${readOf(match, found, at)})`;
      at += match[0].length;
    } else {
      out += char;
      at++;
    }
  }
  return {
    source,
    code: `(function () {\n${PRELUDE}\n${wrap(out)}\n})()`,
    channels: [...found.channels],
    globals: [...found.globals],
    captures: [...found.captures.values()],
    builtins: found.builtins,
  };
}

interface Found {
  channels: Set<string>;
  globals: Set<string>;
  captures: Map<string, [number, number]>;
  builtins: Expression[];
}

/** Where the string literal opening at `start` ends (after its closing quote, or at the end of the text). */
function closingQuote(source: string, start: number): number {
  const quote = source[start];
  for (let at = start + 1; at < source.length; at++) {
    if (source[at] === '\\') at++;
    else if (source[at] === quote) return at + 1;
  }
  return source.length;
}

/**
 * A string literal with references becomes a parenthesised concatenation, so
 * `'${x}'.indexOf('0')` applies to the whole string; one without stays as written.
 */
function stringLiteral(literal: string, found: Found, offset: number): string {
  const quote = literal[0];
  let out = '';
  let spliced = false;
  for (let at = 0; at < literal.length; ) {
    if (literal[at] === '\\') {
      out += literal.slice(at, at + 2);
      at += 2;
      continue;
    }
    REFERENCE.lastIndex = at;
    const match = at > 0 ? REFERENCE.exec(literal) : null;
    if (!match) {
      out += literal[at++];
      continue;
    }
    const read = readOf(match, found, offset + at);
    out += quote === '`' ? `\${${read}}` : `${quote} + ${read} + ${quote}`;
    spliced = true;
    at += match[0].length;
  }
  return spliced ? `(${out})` : out;
}

function readOf(match: RegExpExecArray, found: Found, at: number): string {
  if (match[1] !== undefined) return `__g(${JSON.stringify(addTo(found.globals, match[1].trim()))})`;
  if (match[2] !== undefined) return `__v(${JSON.stringify(addTo(found.channels, match[2].trim()))})`;
  if (match[3] !== undefined) {
    found.captures.set(`${match[3]}.${match[4]}`, [Number(match[3]), Number(match[4])]);
    return `__r(${Number(match[3])},${Number(match[4])})`;
  }
  if (match[5] !== undefined) {
    const name = match[6] ?? match[7];
    return match[5] === 'Chn' ? `__v(${JSON.stringify(addTo(found.channels, name))})` : `__g(${JSON.stringify(addTo(found.globals, name))})`;
  }
  found.builtins.push(builtin(match[0], at));
  return `__c[${found.builtins.length - 1}]`;
}

function addTo(names: Set<string>, name: string): string {
  names.add(name);
  return name;
}

function builtin(text: string, at: number): Expression {
  try {
    return parseExpression(text);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) throw new ExpressionSyntaxError(error.message, at + error.position);
    throw error;
  }
}

/** The data a script reads: only the variables it names, as strings. */
export function scriptInput(script: SandboxScript, variables: VariableSource, env: ExpressionEnv, localNow: number): unknown {
  return {
    v: Object.fromEntries(script.channels.map((name) => [name, variables.channel(name) ?? ''])),
    g: Object.fromEntries(script.globals.map((name) => [name, variables.global(name) ?? ''])),
    r: Object.fromEntries(script.captures.map(([reg, group]) => [`${reg}.${group}`, variables.capture(reg, group) ?? ''])),
    c: script.builtins.map((expression) => expression.evaluate(env)),
    localNow,
  };
}
