/**
 * The contract between calls and whatever carries their media. The embedded
 * engine (engine/embedded-engine.ts, RTP on a worker thread) implements it;
 * rtpengine or FreeSWITCH can later take its place behind the same methods.
 * Signalling hands it SDP and gets SDP back; it never sees sockets.
 */
import type { DigitEvent } from './dtmf/digits.js';
import type { RecordingOptions, RecordingSummary } from './audio/call-recorder.js';
import type { MessageOptions, MessageRecording } from './audio/message-recorder.js';

export type { DigitEvent, MessageOptions, MessageRecording, RecordingOptions, RecordingSummary };

export interface MediaEngine {
  /**
   * Opens an RTP endpoint for a peer's offer and answers it. `not-acceptable`
   * (no codec we speak) becomes 488; PortsExhaustedError (no RTP port left)
   * and MediaUnavailableError (no media thread running) become 503. A
   * malformed offer throws SdpError (400).
   */
  answer(offerSdp: string, placement?: Placement): Promise<AnswerResult>;
  /** Opens an RTP endpoint and offers it (for a leg we call); the peer's answer goes to `session.acceptAnswer`. */
  offer(placement?: Placement): Promise<{ session: MediaSession; sdp: string }>;
  /** Relays RTP both ways between two sessions (a bridge), re-sequenced onto each side's stream. */
  relay(a: MediaSession, b: MediaSession): Promise<void>;
  /** Closes every session and the engine. */
  close(): Promise<void>;
}

/**
 * The engine cannot serve the call: the thread that held its session died,
 * or no media thread is running. Signalling answers a new call 503.
 */
export class MediaUnavailableError extends Error {
  readonly code = 'MEDIA_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'MediaUnavailableError';
  }
}

/** Where a new session should live; a hint an engine may ignore. */
export interface Placement {
  /**
   * Another session of the same call (the leg this one will be relayed
   * with): an engine with several media threads opens the new one beside it,
   * so the relay stays on one thread. Any two sessions can be relayed either way.
   */
  near?: MediaSession;
}

export type AnswerResult =
  | { kind: 'answered'; session: MediaSession; sdp: string }
  | { kind: 'not-acceptable'; reason: string };

export type PlayItem =
  | { kind: 'file'; path: string }
  | { kind: 'tone'; spec: string }
  | { kind: 'silence'; ms: number };

export interface PlayOptions {
  /** Digits that stop the playback (`terminator`); the digit is still reported to digit listeners. */
  terminators?: string;
}

export type PlayResult =
  | { reason: 'finished' }
  | { reason: 'terminator'; digit: string }
  /** stopPlaying(), another play(), or the session closed. */
  | { reason: 'stopped' };

export interface MediaSession {
  readonly id: string;
  /** The port our SDP advertises. */
  readonly localPort: number;
  /** The peer's answer to our offer. Throws SdpError when it accepts no codec we offered. */
  acceptAnswer(answerSdp: string): Promise<void>;
  /** A new offer on the same port (a re-INVITE without SDP, RFC 3264 §8); the answer goes to `acceptAnswer`. */
  reoffer(): Promise<string>;
  /** A new offer from the peer (re-INVITE, UPDATE: hold, unhold, new address): our answer, same port. */
  update(offerSdp: string): Promise<{ kind: 'answered'; sdp: string } | { kind: 'not-acceptable'; reason: string }>;
  /** Plays items one after another; a play replaces one in progress (which resolves `stopped`). */
  play(items: PlayItem[], options?: PlayOptions): Promise<PlayResult>;
  stopPlaying(): Promise<void>;
  /** Sends DTMF to the peer: RFC 4733 events when negotiated, else in-band tones. */
  sendDigits(digits: string, durationMs?: number): Promise<void>;
  /** A digit that came by SIP INFO: joins the same stream as RTP and in-band digits. */
  receiveInfoDigit(digit: string, durationMs: number): void;
  /**
   * In-band (Goertzel) detection of the peer's tones: on, off, or `auto` —
   * on exactly when telephone-event was not negotiated (the default).
   */
  detectInbandDigits(mode: InbandDetection): Promise<void>;
  /** Every digit the peer sends, from any of the three ways; returns the unsubscribe function. */
  onDigit(listener: (event: DigitEvent) => void): () => void;
  /** Records this session: what the peer says on the left, what it hears on the right (or both mixed, in mono). */
  startRecording(path: string, options?: RecordingOptions): Promise<void>;
  stopRecording(): Promise<RecordingSummary | undefined>;
  /**
   * Records what the peer says into a mono WAV until it stops by itself
   * (maximum length, silence, a terminator) or the session closes (`stopped`).
   */
  recordMessage(path: string, options: MessageOptions): Promise<MessageRecording>;
  /** The peer hears itself, `delayMs` later (`echo`, `delay_echo`), until `unrelay` or a relay. */
  echo(delayMs: number): Promise<void>;
  /** Ends a relay this session takes part in (both directions); each side goes back to its own audio. */
  unrelay(): Promise<void>;
  stats(): Promise<SessionStats>;
  close(): Promise<SessionStats>;
}

export type InbandDetection = 'on' | 'off' | 'auto';

export interface SessionStats {
  packetsSent: number;
  packetsReceived: number;
  /** Packets the peer's sequence numbers say it sent that never arrived. */
  packetsLost: number;
  jitterMs: number;
  /** Packets from another address after latching onto the peer's (symmetric RTP), dropped. */
  foreignPacketsDropped: number;
  /** Packets the engine failed on (a bug): dropped, not fatal. */
  failedPackets: number;
  /** Where we send: the latched source, or the SDP address until the peer's first packet. */
  remote: string | undefined;
}
