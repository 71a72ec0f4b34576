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
  const channels = new Set<string>();
  const globals = new Set<string>();
  const captures = new Map<string, [number, number]>();
  const builtins: Expression[] = [];
  let out = '';
  let quote: string | undefined;
  for (let at = 0; at < source.length; ) {
    const char = source[at];
    if (quote && char === '\\') {
      out += source.slice(at, at + 2);
      at += 2;
      continue;
    }
    REFERENCE.lastIndex = at;
    const match = REFERENCE.exec(source);
    if (!match) {
      if (quote === char) quote = undefined;
      else if (!quote && (char === '"' || char === "'" || char === '`')) quote = char;
      out += char;
      at++;
      continue;
    }
    let read: string;
    if (match[1] !== undefined) read = `__g(${JSON.stringify(addTo(globals, match[1].trim()))})`;
    else if (match[2] !== undefined) read = `__v(${JSON.stringify(addTo(channels, match[2].trim()))})`;
    else if (match[3] !== undefined) {
      captures.set(`${match[3]}.${match[4]}`, [Number(match[3]), Number(match[4])]);
      read = `__r(${Number(match[3])},${Number(match[4])})`;
    } else if (match[5] !== undefined) {
      const name = match[6] ?? match[7];
      read = match[5] === 'Chn' ? `__v(${JSON.stringify(addTo(channels, name))})` : `__g(${JSON.stringify(addTo(globals, name))})`;
    } else {
      builtins.push(builtin(match[0], at));
      read = `__c[${builtins.length - 1}]`;
    }
    out += quote === undefined ? `(${read})` : quote === '`' ? `\${${read}}` : `${quote} + ${read} + ${quote}`;
    at += match[0].length;
  }
  return {
    source,
    code: `(function () {\n${PRELUDE}\n${wrap(out)}\n})()`,
    channels: [...channels],
    globals: [...globals],
    captures: [...captures.values()],
    builtins,
  };
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
