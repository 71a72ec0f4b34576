/**
 * The header section of a message (RFC 3261 §7.3): where it ends, its start
 * line, and its fields unfolded, with compact names expanded and list
 * fields split into single values.
 */
import { SipParseError } from './errors.js';
import { canonicalHeaderName, displayHeaderName, isListHeader, knownHeaderName } from './header-names.js';
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
  const counts = { fields: 0, values: 0 };
  const firstLineEnd = lineEnd(head, 0);
  const startLineEnd = contentEnd(head, 0, firstLineEnd);
  if (startLineEnd > MAX_START_LINE_LENGTH) throw new SipParseError('line-too-long', 'start line too long');
  section.startLine = head.slice(0, startLineEnd);

  // The pending field is fieldText[fieldStart, fieldEnd): a part of head, or a new string once continuation lines joined it.
  let fieldText = head;
  let fieldStart = -1;
  let fieldEnd = -1;
  let position = firstLineEnd + 1;
  while (position <= head.length) {
    const end = lineEnd(head, position);
    const content = contentEnd(head, position, end);
    if (isWhitespace(head.charCodeAt(position))) {
      // Folding (§7.3.1): a continuation line joins the field above with one space.
      if (fieldStart < 0) section.error ??= new SipParseError('header-line', 'continuation line before any header');
      else {
        let continuation = position;
        while (continuation < content && isTrimmed(head.charCodeAt(continuation))) continuation++;
        fieldText = `${fieldText.slice(fieldStart, fieldEnd)} ${head.slice(continuation, content)}`;
        fieldStart = 0;
        fieldEnd = fieldText.length;
      }
    } else {
      if (fieldStart >= 0) addField(section, counts, fieldText, fieldStart, fieldEnd);
      fieldText = head;
      fieldStart = position;
      fieldEnd = content;
    }
    position = end + 1;
  }
  if (fieldStart >= 0) addField(section, counts, fieldText, fieldStart, fieldEnd);
  return section;
}

/** The index of the LF that ends the line starting at `from`, or the end of the head for the last line. */
function lineEnd(head: string, from: number): number {
  const newline = head.indexOf('\n', from);
  return newline < 0 ? head.length : newline;
}

/** Where the text of the line from `from` to `end` stops: before its CR, if it ends CRLF. */
function contentEnd(head: string, from: number, end: number): number {
  return end > from && head.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
}

/** Adds the field `text[start, end)`, without copying more of it than its name and value. */
function addField(section: HeaderSection, counts: { fields: number; values: number }, text: string, start: number, end: number): void {
  if (++counts.fields > MAX_HEADER_FIELDS) throw new SipParseError('too-many-headers', 'too many header fields');
  const colon = text.indexOf(':', start);
  let nameEnd = colon < 0 || colon >= end ? start : colon;
  while (nameEnd > start && isTrimmed(text.charCodeAt(nameEnd - 1))) nameEnd--;
  let canonical = colon < 0 || colon >= end ? undefined : knownHeaderName(text, start, nameEnd);
  if (canonical === undefined) {
    const name = text.slice(start, nameEnd);
    if (colon < 0 || colon >= end || !isToken(name)) {
      section.error ??= new SipParseError('header-line', 'malformed header line');
      return;
    }
    canonical = canonicalHeaderName(name);
  }
  let valueStart = colon + 1;
  let valueEnd = end;
  while (valueStart < valueEnd && isTrimmed(text.charCodeAt(valueStart))) valueStart++;
  while (valueEnd > valueStart && isTrimmed(text.charCodeAt(valueEnd - 1))) valueEnd--;
  const value = text.slice(valueStart, valueEnd);
  if (hasForbiddenControl(value)) {
    section.error ??= new SipParseError('header-value', `control character in ${displayHeaderName(canonical)} header`);
    return;
  }
  // A list header with one element (most Vias and Contacts) needs no splitting; an empty one has no elements.
  if (!isListHeader(canonical) || (value.length > 0 && value.indexOf(',') < 0)) {
    if (++counts.values > MAX_HEADER_FIELDS) throw new SipParseError('too-many-headers', 'too many header values');
    section.headers.append(canonical, value);
    return;
  }
  const values = splitList(value);
  counts.values += values.length;
  if (counts.values > MAX_HEADER_FIELDS) throw new SipParseError('too-many-headers', 'too many header values');
  for (let i = 0; i < values.length; i++) section.headers.append(canonical, values[i]);
}

/** What String#trim removes (ECMAScript WhiteSpace and LineTerminator), so that values read as they always have. */
function isTrimmed(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return (
    code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff
  );
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
