/**
 * SDP offer/answer (RFC 3264) for one audio stream: PCMU or PCMA at 20 ms and
 * RFC 4733 telephone-event, over RTP/AVP or SRTP keyed by SDES (RTP/SAVP,
 * sdes.ts). We answer with the offerer's most preferred codec we speak; an
 * offer without one is refused (the signalling answers 488).
 */
import { isIP } from 'node:net';
import sdpTransform from 'sdp-transform';
import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { CODECS, isCodecName, PTIME_MS, SAMPLE_RATE, STATIC_PAYLOAD_TYPES, type CodecName } from '../codec.js';
import { agreeCrypto, cryptoLine, isSecureProfile, type SrtpAgreement } from './sdes.js';

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** What both sides agreed on, from our point of view. */
export interface NegotiatedMedia {
  codec: CodecName;
  payloadType: number;
  /** The telephone-event payload type, when both sides speak RFC 4733. */
  telephoneEventPayloadType: number | undefined;
  /** Where the peer says it receives; symmetric RTP may learn a different address. */
  remoteAddress: string;
  remotePort: number;
  /** Our direction: whether we may send and whether the peer will send. */
  direction: Direction;
  /** SRTP's suite and keys, when the stream is RTP/SAVP. */
  srtp?: SrtpAgreement;
}

/** Our side of a session: the address and port we advertise, and the o= line's identity. */
export interface LocalEndpoint {
  address: string;
  port: number;
  sessionId: string;
  /** Incremented by the caller whenever our description changes (RFC 3264 §8). */
  sessionVersion: number;
  /** The SRTP master key and salt we send with (base64, 30 bytes), should the peer offer RTP/SAVP. */
  srtpKey: string;
}

export type AnswerOutcome =
  | { kind: 'answer'; sdp: string; media: NegotiatedMedia }
  | { kind: 'not-acceptable'; reason: string };

export class SdpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SdpError';
  }
}

export const TELEPHONE_EVENT_PAYLOAD_TYPE = 101;

export function parseSdp(text: string): SessionDescription {
  const session = sdpTransform.parse(text);
  if (!Array.isArray(session.media) || session.media.length === 0) throw new SdpError('the SDP has no m= line');
  return session;
}

/** Answers an offer: our description, or why no stream could be accepted. */
export function answerOffer(offerText: string, local: LocalEndpoint): AnswerOutcome {
  const offer = parseSdp(offerText);
  let accepted: { index: number; media: NegotiatedMedia } | undefined;
  let reason = 'the offer has no audio stream';
  offer.media.forEach((stream, index) => {
    if (accepted || stream.type !== 'audio' || stream.port === 0) return;
    const secure = isSecureProfile(stream.protocol);
    if (!secure && !/^RTP\/AVP$/i.test(stream.protocol)) {
      reason = `the audio stream uses ${stream.protocol}; only RTP/AVP and RTP/SAVP (SDES) are supported`;
      return;
    }
    const srtp = secure ? agreeCrypto(stream, local.srtpKey) : undefined;
    if (secure && !srtp) {
      reason = 'the RTP/SAVP stream offers no crypto line we can use (AES_CM_128_HMAC_SHA1_80 or _32, one inline key, no MKI)';
      return;
    }
    const codec = preferredCodec(stream);
    if (!codec) {
      reason = `none of the offered formats (${stream.payloads ?? ''}) is PCMU or PCMA at 8000 Hz`;
      return;
    }
    const remote = streamAddress(offer, stream);
    accepted = {
      index,
      media: {
        ...codec,
        telephoneEventPayloadType: telephoneEventPayloadType(stream),
        remoteAddress: remote,
        remotePort: stream.port,
        direction: answerDirection(offerDirection(offer, stream, remote)),
        ...(srtp && { srtp }),
      },
    };
  });
  if (!accepted) return { kind: 'not-acceptable', reason };
  const chosen = accepted;
  const media = offer.media.map((stream, index) =>
    index === chosen.index ? audioDescription(local.port, chosen.media) : rejectedStream(stream),
  );
  return { kind: 'answer', sdp: writeSession(local, media), media: chosen.media };
}

/**
 * Our offer: PCMU and PCMA, and telephone-event — plain RTP for a leg we
 * call; SRTP with `srtp`'s suite and tag again when a stream that is SRTP is
 * offered anew (a re-INVITE without SDP), so a peer that insists on it keeps it.
 */
export function createOffer(local: LocalEndpoint, direction: Direction = 'sendrecv', srtp?: SrtpAgreement): string {
  const stream: MediaDescription = {
    type: 'audio',
    port: local.port,
    protocol: srtp ? 'RTP/SAVP' : 'RTP/AVP',
    ...(srtp && { crypto: [cryptoLine({ ...srtp, ourKey: local.srtpKey })] }),
    payloads: [...CODECS.map((codec) => STATIC_PAYLOAD_TYPES[codec]), TELEPHONE_EVENT_PAYLOAD_TYPE].join(' '),
    rtp: [
      ...CODECS.map((codec) => ({ payload: STATIC_PAYLOAD_TYPES[codec], codec, rate: SAMPLE_RATE })),
      { payload: TELEPHONE_EVENT_PAYLOAD_TYPE, codec: 'telephone-event', rate: SAMPLE_RATE },
    ],
    fmtp: [{ payload: TELEPHONE_EVENT_PAYLOAD_TYPE, config: '0-16' }],
    ptime: PTIME_MS,
    direction,
  };
  return writeSession(local, [stream]);
}

/** Reads the peer's answer to our offer (the first audio stream it accepted); `local`'s key is ours should it answer SRTP. */
export function readAnswer(answerText: string, local: Pick<LocalEndpoint, 'srtpKey'>, ourDirection: Direction = 'sendrecv'): NegotiatedMedia {
  const answer = parseSdp(answerText);
  const stream = answer.media.find((candidate) => candidate.type === 'audio' && candidate.port !== 0);
  if (!stream) throw new SdpError('the answer accepts no audio stream');
  const codec = preferredCodec(stream);
  if (!codec) throw new SdpError(`the answer's formats (${stream.payloads ?? ''}) include neither PCMU nor PCMA`);
  const srtp = isSecureProfile(stream.protocol) ? agreeCrypto(stream, local.srtpKey) : undefined;
  if (isSecureProfile(stream.protocol) && !srtp) throw new SdpError('the answer is RTP/SAVP without a crypto line we can use');
  const remote = streamAddress(answer, stream);
  const theirs = answerDirection(offerDirection(answer, stream, remote));
  return {
    ...codec,
    telephoneEventPayloadType: telephoneEventPayloadType(stream),
    remoteAddress: remote,
    remotePort: stream.port,
    direction: intersect(ourDirection, theirs),
    ...(srtp && { srtp }),
  };
}

/** Whether an offer puts its audio on hold: the offerer will not receive (sendonly, inactive, or c=0.0.0.0 — RFC 3264 §8.4). */
export function offersHold(offerText: string): boolean {
  const offer = parseSdp(offerText);
  const stream = offer.media.find((candidate) => candidate.type === 'audio' && candidate.port !== 0);
  if (!stream) return false;
  const address = (stream.connection ?? offer.connection)?.ip.split('/')[0] ?? '';
  return !canReceive(offerDirection(offer, stream, address));
}

function preferredCodec(stream: MediaDescription): { codec: CodecName; payloadType: number } | undefined {
  for (const payloadType of formats(stream)) {
    const mapping = stream.rtp.find((rtp) => rtp.payload === payloadType);
    if (mapping) {
      const name = mapping.codec.toUpperCase();
      if (isCodecName(name) && mapping.rate === SAMPLE_RATE) return { codec: name, payloadType };
      continue;
    }
    // Static payload types need no rtpmap (RFC 3551).
    for (const codec of CODECS) if (STATIC_PAYLOAD_TYPES[codec] === payloadType) return { codec, payloadType };
  }
  return undefined;
}

function telephoneEventPayloadType(stream: MediaDescription): number | undefined {
  const offered = new Set(formats(stream));
  return stream.rtp.find((rtp) => offered.has(rtp.payload) && rtp.codec.toLowerCase() === 'telephone-event' && rtp.rate === SAMPLE_RATE)
    ?.payload;
}

function formats(stream: MediaDescription): number[] {
  return String(stream.payloads ?? '')
    .split(/\s+/)
    .filter((format) => /^\d+$/.test(format))
    .map(Number);
}

function streamAddress(session: SessionDescription, stream: MediaDescription): string {
  const connection = stream.connection ?? session.connection;
  if (!connection) throw new SdpError('the SDP has no c= line for its audio stream');
  const address = connection.ip.split('/')[0];
  if (connection.version !== 4 || isIP(address) !== 4) throw new SdpError(`the audio stream's address ${connection.ip} is not an IPv4 address (IPv6 and host names are not supported)`);
  if (!Number.isInteger(stream.port) || stream.port < 1 || stream.port > 65535) throw new SdpError(`the audio stream's port ${stream.port} is not a UDP port`);
  return address;
}

/** The offerer's direction; c=0.0.0.0 is the old (RFC 2543) way to say hold. */
function offerDirection(session: SessionDescription, stream: MediaDescription, address: string): Direction {
  const direction = stream.direction ?? session.direction ?? 'sendrecv';
  if (address === '0.0.0.0') return direction === 'sendrecv' || direction === 'sendonly' ? 'sendonly' : 'inactive';
  return direction;
}

function answerDirection(offered: Direction): Direction {
  if (offered === 'sendonly') return 'recvonly';
  if (offered === 'recvonly') return 'sendonly';
  return offered;
}

function intersect(ours: Direction, allowed: Direction): Direction {
  const send = canSend(ours) && canSend(allowed);
  const receive = canReceive(ours) && canReceive(allowed);
  return send && receive ? 'sendrecv' : send ? 'sendonly' : receive ? 'recvonly' : 'inactive';
}

export function canSend(direction: Direction): boolean {
  return direction === 'sendrecv' || direction === 'sendonly';
}

export function canReceive(direction: Direction): boolean {
  return direction === 'sendrecv' || direction === 'recvonly';
}

function audioDescription(port: number, media: NegotiatedMedia): MediaDescription {
  const rtp: MediaDescription['rtp'] = [{ payload: media.payloadType, codec: media.codec, rate: SAMPLE_RATE }];
  const fmtp: MediaDescription['fmtp'] = [];
  if (media.telephoneEventPayloadType !== undefined) {
    rtp.push({ payload: media.telephoneEventPayloadType, codec: 'telephone-event', rate: SAMPLE_RATE });
    fmtp.push({ payload: media.telephoneEventPayloadType, config: '0-16' });
  }
  return {
    type: 'audio',
    port,
    protocol: media.srtp ? 'RTP/SAVP' : 'RTP/AVP',
    payloads: rtp.map((mapping) => mapping.payload).join(' '),
    rtp,
    fmtp,
    ptime: PTIME_MS,
    direction: media.direction,
    ...(media.srtp && { crypto: [cryptoLine(media.srtp)] }),
  };
}

/** A declined stream keeps its m= line with port 0 (RFC 3264 §6). */
function rejectedStream(stream: MediaDescription): MediaDescription {
  return { type: stream.type, port: 0, protocol: stream.protocol, payloads: String(stream.payloads ?? '').split(/\s+/)[0] ?? '0', rtp: [], fmtp: [] };
}

function writeSession(local: LocalEndpoint, media: MediaDescription[]): string {
  return sdpTransform.write({
    version: 0,
    origin: { username: 'callrouter', sessionId: local.sessionId, sessionVersion: local.sessionVersion, netType: 'IN', ipVer: 4, address: local.address },
    name: 'callrouter',
    connection: { version: 4, ip: local.address },
    timing: { start: 0, stop: 0 },
    media,
  });
}
