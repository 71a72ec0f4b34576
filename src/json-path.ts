/** Formats a path as written in schema errors: `[2].if.then[0].bridge.endpoints[0].type`. */
export function formatJsonPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out === '' ? '(schema)' : out;
}

/** The segments of a path as formatJsonPath writes it (`[2].if.then[0]` → `[2, 'if', 'then', 0]`); `(schema)` and `` are the root. */
export function parseJsonPath(path: string): (string | number)[] {
  if (path === '(schema)') return [];
  const segments: (string | number)[] = [];
  const token = /\.?([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  while (token.lastIndex < path.length) {
    const at = token.lastIndex;
    const match = token.exec(path);
    if (!match) throw new Error(`not a schema path at ${at}: ${path}`);
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}
