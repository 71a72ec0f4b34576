/**
 * Turns the bytes of one message (a UDP datagram, or one message cut out of
 * a TCP stream by the framer) into a SipRequest or SipResponse (RFC 3261 §7).
 * Never throws: malformed input gives a SipParseError, plus the headers when
 * a request was understood well enough to be answered with an error status.
 */
import { SipParseError } from './errors.js';
import { findHeaderEnd, readHeaderSection, skipLeadingLineEnds } from './header-section.js';
import { MAX_MESSAGE_BYTES } from './limits.js';
import { isToken, parseDecimal } from './syntax.js';
import type { SipHeaders, SipMessage, SipUri } from './types.js';
import { parseUri } from './uri.js';
import { canBeAnswered, checkMandatoryHeaders } from './validate.js';

/** The parts of a rejected request that building a response needs (see buildResponse). */
export interface AnswerableRequest {
  method: string;
  headers: SipHeaders;
}

export type MessageParseResult =
  | { ok: true; message: SipMessage }
  | {
      ok: false;
      error: SipParseError;
      /** Present when the request can be answered with `error.status` (§8.2.6); never for responses. */
      request?: AnswerableRequest;
    };

export interface ParseOptions {
  /** Stream transports (TCP) must carry Content-Length (§18.3); on UDP its absence means "the rest of the datagram". */
  stream?: boolean;
}

type StartLine =
  | { type: 'request'; method: string; uri?: SipUri; error?: SipParseError }
  | { type: 'response'; status: number; reason: string };

export function parseMessage(data: Buffer, options: ParseOptions = {}): MessageParseResult {
  try {
    return parseOrThrow(data, options);
  } catch (error) {
    if (error instanceof SipParseError) return { ok: false, error };
    throw error;
  }
}

function parseOrThrow(data: Buffer, options: ParseOptions): MessageParseResult {
  if (data.length > MAX_MESSAGE_BYTES) throw new SipParseError('too-large', 'message too large');
  const start = skipLeadingLineEnds(data);
  const bounds = findHeaderEnd(data, start);
  if (!bounds) throw new SipParseError('start-line', 'header section not terminated by an empty line');
  const section = readHeaderSection(data.toString('utf8', start, bounds.headEnd));
  const startLine = readStartLine(section.startLine);
  const headers = section.headers;

  const headerError =
    (startLine.type === 'request' ? startLine.error : undefined) ??
    section.error ??
    checkMandatoryHeaders(headers, startLine.type === 'request' ? startLine.method : undefined);
  const body = headerError ?? readBody(data, bounds.bodyStart, headers, options);
  if (body instanceof SipParseError) {
    const answerable = startLine.type === 'request' && canBeAnswered(headers);
    return answerable ? { ok: false, error: body, request: { method: startLine.method, headers } } : { ok: false, error: body };
  }
  if (startLine.type === 'response') {
    return { ok: true, message: { type: 'response', status: startLine.status, reason: startLine.reason, headers, body } };
  }
  // readStartLine reports an error for every request it could not give a URI.
  const uri = startLine.uri as SipUri;
  return { ok: true, message: { type: 'request', method: startLine.method, uri, headers, body } };
}

/** Reason-Phrase: text without control characters but HTAB (§25.1). */
const RESPONSE_LINE = /^SIP\/2\.0 ([1-6][0-9][0-9]) ([^\x00-\x08\x0a-\x1f\x7f]*)$/i;
const SIP_VERSION = /^SIP\/[0-9]+\.[0-9]+$/i;

/**
 * Request-Line = Method SP Request-URI SP SIP-Version (exactly one space
 * each, §7.1). An unusable start line throws (the message is dropped); a
 * request with a bad URI or version returns an error and is answered.
 */
function readStartLine(line: string): StartLine {
  if (/^SIP\//i.test(line)) {
    const match = RESPONSE_LINE.exec(line);
    if (!match) throw new SipParseError('start-line', 'malformed Status-Line');
    return { type: 'response', status: Number(match[1]), reason: match[2] };
  }
  const parts = line.split(' ');
  if (parts.length !== 3 || !isToken(parts[0])) throw new SipParseError('start-line', 'malformed Request-Line');
  const [method, uriText, version] = parts;
  if (!SIP_VERSION.test(version)) throw new SipParseError('start-line', 'malformed Request-Line');
  if (version.toUpperCase() !== 'SIP/2.0') {
    return { type: 'request', method, error: new SipParseError('sip-version', 'SIP version not supported') };
  }
  const uri = parseUri(uriText);
  if (!uri.ok) {
    const error = uri.error.code === 'uri-scheme' ? uri.error : new SipParseError('start-line', 'malformed Request-URI');
    return { type: 'request', method, error };
  }
  return { type: 'request', method, uri: uri.value };
}

/** §18.3: Content-Length counts body bytes; bytes after them in a datagram are discarded. */
function readBody(
  data: Buffer,
  bodyStart: number,
  headers: SipHeaders,
  options: ParseOptions,
): Buffer | SipParseError {
  const declared = headers.get('content-length');
  if (declared === undefined) {
    return options.stream ? new SipParseError('content-length', 'missing Content-Length on a stream transport') : data.subarray(bodyStart);
  }
  const length = parseDecimal(declared, MAX_MESSAGE_BYTES);
  if (length === undefined) return new SipParseError('content-length', 'malformed Content-Length');
  if (length > data.length - bodyStart) return new SipParseError('content-length', 'Content-Length larger than the message');
  return data.subarray(bodyStart, bodyStart + length);
}
