/**
 * Checks of the router's JSON log lines. A key written twice in one line
 * (a child logger's binding and the same field in the line) is valid to
 * JSON.parse, which keeps the last, but strict readers — Elasticsearch's
 * ingest among them — refuse the whole line.
 */

/** The top-level keys `line` (one JSON object) holds more than once. */
export function repeatedKeys(line: string): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  let depth = 0;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === '"') {
      const end = endOfString(line, index);
      const isKey = depth === 1 && line[end + 1] === ':';
      if (isKey) {
        const key = JSON.parse(line.slice(index, end + 1)) as string;
        if (seen.has(key)) repeated.add(key);
        seen.add(key);
      }
      index = end;
    }
  }
  return [...repeated];
}

/** The index of the quote that closes the string opening at `start`. */
function endOfString(text: string, start: number): number {
  for (let index = start + 1; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '"') return index;
  }
  throw new Error(`an unterminated string in ${text}`);
}

/** The lines that hold a key twice, each with the keys it repeats. */
export function linesWithRepeatedKeys(lines: readonly string[]): { line: string; keys: string[] }[] {
  return lines.map((line) => ({ line, keys: repeatedKeys(line) })).filter(({ keys }) => keys.length > 0);
}
