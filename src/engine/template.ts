/**
 * A string argument with `${channel}`, `$${domain}` and `&regN.$M` references,
 * compiled once when the schema loads. Substituted values are inserted as they
 * are and never re-scanned, so a caller ID like `${x}` stays a literal.
 */
export interface VariableSource {
  channel(name: string): string | undefined;
  global(name: string): string | undefined;
  /** Group `group` of the `reg`-th regexp match of the last `if` that matched. */
  capture(reg: number, group: number): string | undefined;
}

type Part =
  | { kind: 'text'; text: string }
  | { kind: 'channel'; name: string }
  | { kind: 'global'; name: string }
  | { kind: 'capture'; reg: number; group: number };

const REFERENCE = /\$\$\{([^}]*)\}|\$\{([^}]*)\}|&reg(\d+)\.\$(\d+)/g;

export class Template {
  readonly text: string;
  /** True when there is nothing to substitute. */
  readonly isConstant: boolean;
  readonly #parts: readonly Part[];

  private constructor(text: string, parts: Part[]) {
    this.text = text;
    this.isConstant = parts.every((part) => part.kind === 'text');
    this.#parts = parts;
  }

  static compile(text: string): Template {
    const parts: Part[] = [];
    let last = 0;
    for (const match of text.matchAll(REFERENCE)) {
      const at = match.index ?? 0;
      if (at > last) parts.push({ kind: 'text', text: text.slice(last, at) });
      if (match[1] !== undefined) parts.push({ kind: 'global', name: match[1].trim() });
      else if (match[2] !== undefined) parts.push({ kind: 'channel', name: match[2].trim() });
      else parts.push({ kind: 'capture', reg: Number(match[3]), group: Number(match[4]) });
      last = at + match[0].length;
    }
    if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
    return new Template(text, parts);
  }

  /** Substitutes references; unknown ones become "". `escape` applies to substituted values only. */
  render(source: VariableSource, escape?: (value: string) => string): string {
    let out = '';
    for (const part of this.#parts) {
      if (part.kind === 'text') {
        out += part.text;
        continue;
      }
      const value =
        part.kind === 'channel'
          ? source.channel(part.name)
          : part.kind === 'global'
            ? source.global(part.name)
            : source.capture(part.reg, part.group);
      out += escape ? escape(value ?? '') : (value ?? '');
    }
    return out;
  }

  toJSON(): string {
    return this.text;
  }
}
