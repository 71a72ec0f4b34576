/**
 * The header section of a message (RFC 3261 §7.3): where it ends, its start
 * line, and its fields unfolded, with compact names expanded and list
 * fields split into single values.
 */
import { SipParseError } from './errors.js';
import { canonicalHeaderName, displayHeaderName, isListHeader } from './header-names.js';
import { MAX_HEADER_FIELDS, MAX_START_LINE_LENGTH } from './limits.js';
import { isToken, isWhitespace, splitList } from './syntax.js';
import { SipHeaders } from './types.js';

export interface HeaderBounds {
  /** Index of the empty line that ends the header section. */
  headEnd: number;
  /** Index of the first byte of the body. */
  bodyStart: number;
}

/**
 * Finds the first empty line after the headers, searching from `from`.
 * Bare-LF line ends are tolerated because some embedded phones send them,
 * so an empty line is LF then LF or CRLF; the first one wins, whatever ends
 * the lines after it, so that a stream cut anywhere frames the same.
 */
export function findHeaderEnd(data: Buffer, from: number): HeaderBounds | undefined {
  for (let lf = data.indexOf(0x0a, from); lf >= 0; lf = data.indexOf(0x0a, lf + 1)) {
    const emptyLineEnd = data[lf + 1] === 0x0a ? lf + 2 : data[lf + 1] === 0x0d && data[lf + 2] === 0x0a ? lf + 3 : -1;
    if (emptyLineEnd >= 0) return { headEnd: data[lf - 1] === 0x0d ? lf - 1 : lf, bodyStart: emptyLineEnd };
  }
  return undefined;
}

/** Index of the first byte that is not part of CRLFs sent before the start line (§7.5). */
export function skipLeadingLineEnds(data: Buffer, from = 0): number {
  while (from < data.length && (data[from] === 0x0d || data[from] === 0x0a)) from++;
  return from;
}

export interface HeaderSection {
  startLine: string;
  headers: SipHeaders;
  /** The first malformed header line; the other fields are still read so the request may be answered. */
  error?: SipParseError;
}

/** Throws a SipParseError only when a limit is exceeded. */
export function readHeaderSection(head: string): HeaderSection {
  const section: HeaderSection = { startLine: '', headers: new SipHeaders() };
  let fieldCount = 0;
  let valueCount = 0;
  let field: string | undefined;

  const addField = (line: string) => {
    if (++fieldCount > MAX_HEADER_FIELDS) throw new SipParseError('too-many-headers', 'too many header fields');
    const colon = line.indexOf(':');
    const name = line.slice(0, Math.max(colon, 0)).trimEnd();
    if (colon < 0 || !isToken(name)) {
      section.error ??= new SipParseError('header-line', 'malformed header line');
      return;
    }
    const canonical = canonicalHeaderName(name);
    const value = line.slice(colon + 1).trim();
    if (hasForbiddenControl(value)) {
      section.error ??= new SipParseError('header-value', `control character in ${displayHeaderName(canonical)} header`);
      return;
    }
    const values = isListHeader(canonical) ? splitList(value) : [value];
    valueCount += values.length;
    if (valueCount > MAX_HEADER_FIELDS) throw new SipParseError('too-many-headers', 'too many header values');
    for (const single of values) section.headers.append(canonical, single);
  };

  let position = 0;
  let first = true;
  while (position <= head.length) {
    const newline = head.indexOf('\n', position);
    const lineEnd = newline < 0 ? head.length : newline;
    const line = head.slice(position, head.charCodeAt(lineEnd - 1) === 0x0d ? lineEnd - 1 : lineEnd);
    position = lineEnd + 1;
    if (first) {
      if (line.length > MAX_START_LINE_LENGTH) throw new SipParseError('line-too-long', 'start line too long');
      section.startLine = line;
      first = false;
    } else if (isWhitespace(line.charCodeAt(0))) {
      // Folding (§7.3.1): a continuation line joins the field above with one space.
      if (field === undefined) section.error ??= new SipParseError('header-line', 'continuation line before any header');
      else field += ` ${line.trimStart()}`;
    } else {
      if (field !== undefined) addField(field);
      field = line;
    }
  }
  if (field !== undefined) addField(field);
  return section;
}

/**
 * Header values are text (§25.1: TEXT-UTF8, LWS): a control character other
 * than HTAB may only appear escaped in a quoted-pair, and NUL, CR and LF not
 * even there — NUL cuts C strings short in the phones we relay the value to,
 * and a bare CR makes the value serialise differently than it was read.
 */
function hasForbiddenControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if ((code >= 0x20 && code !== 0x7f) || code === 0x09) continue;
    if (code === 0x00 || code === 0x0a || code === 0x0d || value.charCodeAt(i - 1) !== 0x5c /* \ */) return true;
  }
  return false;
}
