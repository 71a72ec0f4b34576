/**
 * Header field names: compact forms (RFC 3261 §7.3.3 and the extensions that
 * define one), the spelling we write, and which fields are comma-separated
 * lists (§7.3.1). Everything inside the stack uses lowercase full names.
 */

const COMPACT_FORMS: Readonly<Record<string, string>> = {
  a: 'accept-contact',
  b: 'referred-by',
  c: 'content-type',
  d: 'request-disposition',
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact',
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info',
  o: 'event',
  r: 'refer-to',
  s: 'subject',
  t: 'to',
  u: 'allow-events',
  v: 'via',
  x: 'session-expires',
  y: 'identity',
};

/** Lowercase full name for a header name as it appeared on the wire. */
export function canonicalHeaderName(wireName: string): string {
  const lower = wireName.toLowerCase();
  return (lower.length === 1 && COMPACT_FORMS[lower]) || lower;
}

/**
 * Fields whose value is a comma-separated list of elements, split into one
 * value each when parsed. Headers not listed here are kept whole: their
 * values contain commas that are not separators (digest challenges and
 * credentials, Date, User-Agent, Subject...).
 */
const LIST_HEADERS = new Set([
  'accept',
  'accept-contact',
  'accept-encoding',
  'accept-language',
  'alert-info',
  'allow',
  'allow-events',
  'call-info',
  'contact',
  'content-encoding',
  'content-language',
  'error-info',
  'in-reply-to',
  'p-asserted-identity',
  'p-preferred-identity',
  'path',
  'proxy-require',
  'reason',
  'record-route',
  'reject-contact',
  'request-disposition',
  'require',
  'route',
  'security-client',
  'security-server',
  'security-verify',
  'service-route',
  'supported',
  'unsupported',
  'via',
  'warning',
]);

export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(name);
}

/** Fields that may appear once only; a second value makes the message malformed (RFC 4475 §3.1.2.19). */
export const SINGLE_VALUE_HEADERS = ['call-id', 'cseq', 'from', 'to', 'max-forwards', 'content-length'] as const;

/** Spellings that word-by-word capitalisation gets wrong. */
const SPECIAL_SPELLINGS: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  rseq: 'RSeq',
  rack: 'RAck',
  'sip-etag': 'SIP-ETag',
  'sip-if-match': 'SIP-If-Match',
  'min-se': 'Min-SE',
};

const spellingCache = new Map<string, string>();
const MAX_CACHED_SPELLINGS = 512;

/** The name as written on output: `call-id` → `Call-ID`, `x-foo-bar` → `X-Foo-Bar`. */
export function displayHeaderName(name: string): string {
  const cached = spellingCache.get(name);
  if (cached !== undefined) return cached;
  const spelling = SPECIAL_SPELLINGS[name] ?? name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
  // Names come from the network; a bounded cache keeps a flood of invented names from growing it.
  if (spellingCache.size < MAX_CACHED_SPELLINGS) spellingCache.set(name, spelling);
  return spelling;
}

/**
 * The names most messages carry, and the compact forms, by length and first
 * letter: most header lines are then named where they stand, in any case,
 * without copying the name out of the line and lowercasing the copy.
 */
const KNOWN_BY_SHAPE = new Map<number, Array<[spelling: string, name: string]>>();
for (const name of [
  ...LIST_HEADERS,
  ...SINGLE_VALUE_HEADERS,
  ...Object.keys(SPECIAL_SPELLINGS),
  'authorization',
  'content-type',
  'expires',
  'min-expires',
  'proxy-authenticate',
  'proxy-authorization',
  'server',
  'session-expires',
  'subject',
  'timestamp',
  'user-agent',
]) {
  addKnownSpelling(name, name);
}
for (const [compact, name] of Object.entries(COMPACT_FORMS)) addKnownSpelling(compact, name);

function addKnownSpelling(spelling: string, name: string): void {
  const shape = shapeOf(spelling.length, spelling.charCodeAt(0));
  const known = KNOWN_BY_SHAPE.get(shape) ?? [];
  if (!known.some(([other]) => other === spelling)) known.push([spelling, name]);
  KNOWN_BY_SHAPE.set(shape, known);
}

function shapeOf(length: number, firstCode: number): number {
  return length * 128 + (firstCode | 0x20);
}

/** The canonical name of a known header whose name is `text[start, end)` in any case; undefined for others. */
export function knownHeaderName(text: string, start: number, end: number): string | undefined {
  const candidates = KNOWN_BY_SHAPE.get(shapeOf(end - start, text.charCodeAt(start)));
  if (candidates === undefined) return undefined;
  for (const [spelling, name] of candidates) {
    let i = 0;
    while (i < spelling.length && sameLetter(text.charCodeAt(start + i), spelling.charCodeAt(i))) i++;
    if (i === spelling.length) return name;
  }
  return undefined;
}

/** `code` is `lower` or, for a letter, its upper case. */
function sameLetter(code: number, lower: number): boolean {
  return code === lower || (lower >= 0x61 && lower <= 0x7a && code === lower - 0x20);
}
