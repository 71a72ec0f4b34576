/**
 * Reads a value from a JSON response by a dotted path such as
 * `hits.hits.0.fields.User ID.0`. Field names may themselves contain dots
 * (`variables.start_stamp`), so at each level the longest matching key wins.
 * A path that leads nowhere gives "".
 */
export function readResponsePath(response: unknown, path: string): string {
  const segments = path.split('.');
  let node: unknown = response;
  let i = 0;
  while (i < segments.length) {
    if (typeof node !== 'object' || node === null) return '';
    const object = node as Record<string, unknown>;
    let matched = 0;
    for (let take = segments.length - i; take >= 1; take--) {
      const key = segments.slice(i, i + take).join('.');
      if (Object.hasOwn(object, key)) {
        node = object[key];
        matched = take;
        break;
      }
    }
    if (matched === 0) return '';
    i += matched;
  }
  return stringify(node);
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
