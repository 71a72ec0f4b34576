/**
 * SIP messages (RFC 3261 §7, §19, §20, §25): the model, parsing, writing.
 * The layers above import from this file only.
 *
 * Model (types.ts): SipRequest, SipResponse, SipMessage, SipHeaders (field
 * values by lowercase full name, compact forms expanded, list fields split
 * into one value each), SipUri, NameAddr, Via, CSeq, Params (lowercase keys;
 * a parameter without value maps to null; quoted values keep their quotes).
 *
 * Parsers never throw. Whole messages give a MessageParseResult; values give
 * Parsed<T> = { ok: true, value } | { ok: false, error: SipParseError }, where
 * the error has a `code`, a log-safe `reason` and the `status` to answer with.
 *
 *   parseMessage(bytes, { stream? })   datagram or framed message → MessageParseResult;
 *                                      on failure `request` is set when the request can
 *                                      still be answered (buildResponse(request, error.status, error.reason))
 *   StreamFramer#push(chunk)           TCP bytes → FramedItem[] (message | keep-alive-ping | error)
 *   serializeMessage(message)          → Buffer with a correct Content-Length
 *   parseUri / formatUri               sip:, sips:, tel: (escapes resolved in the model)
 *   parseNameAddr / formatNameAddr     From, To, Route, Record-Route, one Contact
 *   parseContact / formatContact       a Contact value, or '*'
 *   parseVia / formatVia               one Via value
 *   parseCSeq / formatCSeq
 *   parseReferTo / parseReplaces       a REFER's one Refer-To (RFC 3515), the Replaces in its URI (RFC 3891)
 *   buildResponse(request, status, reason?, extraHeaders?, toTag?)   §8.2.6
 *   reasonPhrase(status)
 *   generateBranch() (z9hG4bK…), generateTag(), generateCallId(), generateUuid()
 *   canonicalHeaderName(wireName), displayHeaderName(name), isListHeader(name)
 *   splitList, readParams/formatParams, quote/unquote, headerText   lexical helpers for other header values
 *   ownedText(value)                   a copy of a header value that does not keep the message text alive
 *   MAX_MESSAGE_BYTES, MAX_HEADER_FIELDS, MAX_START_LINE_LENGTH
 */
export * from './types.js';
export { SipParseError, type SipParseErrorCode, type Parsed } from './errors.js';
export { parseMessage, type MessageParseResult, type AnswerableRequest, type ParseOptions } from './parser.js';
export { StreamFramer, type FramedItem } from './framer.js';
export { keepForResending, outgoingBytes, serializeMessage, serializeRequest, serializeResponse, toResend, type KeptMessage } from './serializer.js';
export { parseUri, readUri, formatUri } from './uri.js';
export { parseNameAddr, formatNameAddr, parseContact, formatContact, type ContactValue } from './name-addr.js';
export { parseVia, formatVia, readSharedVia, shareVia, type SharedVia } from './via.js';
export { RecentResults } from './recent-results.js';
export { formatHostPort } from './host.js';
export { parseCSeq, formatCSeq } from './cseq.js';
export { parseReferTo, parseReplaces, type ReferTarget, type Replaces } from './refer-to.js';
export { buildResponse, type ExtraHeaders } from './response.js';
export { reasonPhrase } from './reason-phrases.js';
export { generateBranch, generateTag, generateCallId, generateUuid, BRANCH_MAGIC_COOKIE } from './ids.js';
export { canonicalHeaderName, displayHeaderName, isListHeader } from './header-names.js';
export { splitList, readParams, formatParams, quote, unquote, parseDecimal, headerText } from './syntax.js';
export { MAX_MESSAGE_BYTES, MAX_HEADER_FIELDS, MAX_START_LINE_LENGTH } from './limits.js';
export { ownedText } from '../../owned-text.js';
