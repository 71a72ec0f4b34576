/**
 * The media engine's state on its thread, addressed by session id: the port
 * pool, the media clock, the sessions, decoded prompts. The embedded engine
 * runs it on a worker thread (media-worker.ts) or, for tests, in-process;
 * either way callers reach it through MediaCoreApi.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { MessagePort } from 'node:worker_threads';
import { SamplesSource, SequenceSource, SilenceSource, type AudioSource } from '../audio/source.js';
import { parseToneStream, ToneSource } from '../audio/tone-stream.js';
import { loadWav } from '../audio/wav-file.js';
import type { RecordingOptions, RecordingSummary } from '../audio/call-recorder.js';
import type { MessageOptions, MessageRecording } from '../audio/message-recorder.js';
import type { DigitEvent } from '../dtmf/digits.js';
import { TelephoneEventSender } from '../dtmf/telephone-event.js';
import type { InbandDetection, PlayItem, PlayResult, SessionStats } from '../media-engine.js';
import { PTIME_MS } from '../codec.js';
import { PortPool } from '../rtp/port-pool.js';
import { MASTER_KEY_BYTES } from '../rtp/srtp.js';
import { answerOffer, createOffer, readAnswer, type LocalEndpoint } from '../sdp/offer-answer.js';
import type { MediaSettings } from '../settings.js';
import { RtpSession } from '../session/rtp-session.js';
import { Ticker } from '../session/ticker.js';
import { ThreadLink } from './thread-link.js';

export type CoreAnswer = { kind: 'answered'; sessionId: string; port: number; sdp: string } | { kind: 'not-acceptable'; reason: string };

/** The engine's operations by session id: what crosses the thread boundary. */
export interface MediaCoreApi {
  answer(offerSdp: string): Promise<CoreAnswer>;
  offer(): Promise<{ sessionId: string; port: number; sdp: string }>;
  acceptAnswer(sessionId: string, answerSdp: string): Promise<void>;
  reoffer(sessionId: string): Promise<string>;
  update(sessionId: string, offerSdp: string): Promise<{ kind: 'answered'; sdp: string } | { kind: 'not-acceptable'; reason: string }>;
  play(sessionId: string, items: PlayItem[], terminators: string): Promise<PlayResult>;
  stopPlaying(sessionId: string): Promise<void>;
  sendDigits(sessionId: string, digits: string, durationMs: number): Promise<void>;
  receiveInfoDigit(sessionId: string, digit: string, durationMs: number): Promise<void>;
  detectInbandDigits(sessionId: string, mode: InbandDetection): Promise<void>;
  startRecording(sessionId: string, path: string, options?: RecordingOptions): Promise<void>;
  stopRecording(sessionId: string): Promise<RecordingSummary | undefined>;
  recordMessage(sessionId: string, path: string, options: MessageOptions): Promise<MessageRecording>;
  relay(a: string, b: string): Promise<void>;
  /** One end of a relay with a session on another media thread: what crosses `port` goes out on this session's stream, and back. */
  relayAcross(sessionId: string, port: MessagePort): Promise<void>;
  echo(sessionId: string, delayMs: number): Promise<void>;
  unrelay(sessionId: string): Promise<void>;
  stats(sessionId: string): Promise<SessionStats>;
  closeSession(sessionId: string): Promise<SessionStats>;
  /** The media clock's tick intervals (ms) since the previous call; the first call starts measuring. */
  health(): Promise<MediaHealth>;
  shutdown(): Promise<void>;
}

export interface MediaHealth {
  sessions: number;
  /** RTP port pairs in use, and how many the range holds. */
  portPairsInUse: number;
  portPairsTotal: number;
  /** Session slots that failed (a bug in the engine; the session went on). */
  slotFailures: number;
  /** The media clock's tick intervals counted by bucket (ticker.ts SLOT_INTERVAL_BOUNDS_MS), since start. */
  slotIntervals: number[];
  /** RTP packets sent and received since start, by sessions closed and open (as each session's statistics count them). */
  packetsSent: number;
  packetsReceived: number;
}

export class UnknownSessionError extends Error {
  constructor(id: string) {
    super(`no media session ${id} (closed?)`);
    this.name = 'UnknownSessionError';
  }
}

interface Prompt {
  mtimeMs: number;
  samples: Int16Array;
}

const INBAND_DIGIT_LEVEL_DB = -10;
const MAX_CACHED_PROMPTS = 500;

export class MediaCore implements MediaCoreApi {
  readonly #pool: PortPool;
  readonly #ticker: Ticker;
  /** Slots a session failed on (a bug), counted for diagnostics instead of crashing the media thread. */
  #slotFailures = 0;
  readonly #packetsOfClosed = { sent: 0, received: 0 };
  readonly #sessions = new Map<string, { session: RtpSession; endpoint: LocalEndpoint; tick: (missed: number) => void }>();
  readonly #prompts = new Map<string, Prompt>();
  readonly #advertised: string;

  constructor(
    settings: MediaSettings,
    private readonly onDigit: (sessionId: string, event: DigitEvent) => void,
    /** Which of the engine's media threads this core is, for where its ports start. */
    thread: { index: number; count: number } = { index: 0, count: 1 },
  ) {
    this.#ticker = new Ticker(() => (this.#slotFailures += 1));
    this.#pool = new PortPool(settings.rtpPorts, settings.bindAddress, settings.receiveBufferBytes, thread);
    this.#advertised = settings.publicAddress ?? (settings.bindAddress === '0.0.0.0' ? '127.0.0.1' : settings.bindAddress);
  }

  async answer(offerSdp: string): Promise<CoreAnswer> {
    const sockets = await this.#pool.allocate();
    const endpoint = this.#endpoint(sockets.port);
    let outcome: ReturnType<typeof answerOffer>;
    try {
      outcome = answerOffer(offerSdp, endpoint);
    } catch (error) {
      this.#pool.release(sockets);
      throw error;
    }
    if (outcome.kind === 'not-acceptable') {
      this.#pool.release(sockets);
      return outcome;
    }
    const session = this.#open(sockets, endpoint);
    session.negotiate(outcome.media);
    return { kind: 'answered', sessionId: session.id, port: sockets.port, sdp: outcome.sdp };
  }

  async offer(): Promise<{ sessionId: string; port: number; sdp: string }> {
    const sockets = await this.#pool.allocate();
    const endpoint = this.#endpoint(sockets.port);
    const session = this.#open(sockets, endpoint);
    return { sessionId: session.id, port: sockets.port, sdp: createOffer(endpoint) };
  }

  async acceptAnswer(sessionId: string, answerSdp: string): Promise<void> {
    const entry = this.#get(sessionId);
    entry.session.negotiate(readAnswer(answerSdp, entry.endpoint));
  }

  async reoffer(sessionId: string): Promise<string> {
    const entry = this.#get(sessionId);
    entry.endpoint.sessionVersion += 1;
    return createOffer(entry.endpoint, 'sendrecv', entry.session.media?.srtp);
  }

  async update(sessionId: string, offerSdp: string): Promise<{ kind: 'answered'; sdp: string } | { kind: 'not-acceptable'; reason: string }> {
    const entry = this.#get(sessionId);
    const outcome = answerOffer(offerSdp, { ...entry.endpoint, sessionVersion: entry.endpoint.sessionVersion + 1 });
    if (outcome.kind === 'not-acceptable') return outcome;
    entry.endpoint.sessionVersion += 1;
    entry.session.negotiate(outcome.media);
    return { kind: 'answered', sdp: outcome.sdp };
  }

  async play(sessionId: string, items: PlayItem[], terminators: string): Promise<PlayResult> {
    const session = this.#get(sessionId).session;
    const sources = await Promise.all(items.map((item) => this.#source(item)));
    return session.play(new SequenceSource(sources), terminators);
  }

  async stopPlaying(sessionId: string): Promise<void> {
    this.#get(sessionId).session.stopPlaying();
  }

  async sendDigits(sessionId: string, digits: string, durationMs: number): Promise<void> {
    const session = this.#get(sessionId).session;
    if (session.media?.telephoneEventPayloadType !== undefined) {
      return session.sendDigits([...digits].map((digit) => new TelephoneEventSender(digit, durationMs)));
    }
    // Validates the digits the same way before any tone is queued.
    for (const digit of digits) new TelephoneEventSender(digit, durationMs);
    const tones = new ToneSource(parseToneStream(`v=${INBAND_DIGIT_LEVEL_DB};d=${durationMs};w=${Math.max(60, durationMs / 2)};${digits}`));
    return session.sendDigits([tones]);
  }

  async receiveInfoDigit(sessionId: string, digit: string, durationMs: number): Promise<void> {
    this.#get(sessionId).session.receiveDigit({ digit, durationMs, source: 'sip-info' });
  }

  async detectInbandDigits(sessionId: string, mode: InbandDetection): Promise<void> {
    this.#get(sessionId).session.detectInbandDigits(mode);
  }

  async startRecording(sessionId: string, path: string, options?: RecordingOptions): Promise<void> {
    await this.#get(sessionId).session.startRecording(path, options);
  }

  async stopRecording(sessionId: string): Promise<RecordingSummary | undefined> {
    return this.#get(sessionId).session.stopRecording();
  }

  recordMessage(sessionId: string, path: string, options: MessageOptions): Promise<MessageRecording> {
    return this.#get(sessionId).session.recordMessage(path, options);
  }

  async relay(a: string, b: string): Promise<void> {
    const [first, second] = [this.#get(a).session, this.#get(b).session];
    if (first === second) throw new Error(`cannot relay session ${a} to itself (echo is echo())`);
    for (const session of [first, second]) this.#unrelay(session);
    first.relayTo = second;
    second.relayFrom = first;
    second.relayTo = first;
    first.relayFrom = second;
  }

  async relayAcross(sessionId: string, port: MessagePort): Promise<void> {
    const entry = this.#sessions.get(sessionId);
    if (!entry) {
      // The other thread's end learns the bridge is off from the port closing.
      port.close();
      throw new UnknownSessionError(sessionId);
    }
    this.#unrelay(entry.session);
    const link = new ThreadLink(port, entry.session);
    entry.session.relayTo = link;
    entry.session.relayFrom = link;
  }

  /** A session relayed to itself, through a delay line: what it receives goes back on its own stream. */
  async echo(sessionId: string, delayMs: number): Promise<void> {
    const session = this.#get(sessionId).session;
    this.#unrelay(session);
    session.echoDelaySlots = Math.max(0, Math.round(delayMs / PTIME_MS));
    session.relayTo = session;
    session.relayFrom = session;
  }

  async unrelay(sessionId: string): Promise<void> {
    this.#unrelay(this.#get(sessionId).session);
  }

  async stats(sessionId: string): Promise<SessionStats> {
    return this.#get(sessionId).session.stats();
  }

  async closeSession(sessionId: string): Promise<SessionStats> {
    const entry = this.#get(sessionId);
    const stats = entry.session.stats();
    this.#packetsOfClosed.sent += stats.packetsSent;
    this.#packetsOfClosed.received += stats.packetsReceived;
    this.#unrelay(entry.session);
    entry.session.close();
    this.#ticker.delete(entry.tick);
    this.#sessions.delete(sessionId);
    // A recording or message still running is finished, not lost.
    await Promise.all([entry.session.stopRecording(), entry.session.stopMessage()]);
    this.#pool.release(entry.session.sockets);
    return stats;
  }

  async health(): Promise<MediaHealth> {
    let { sent: packetsSent, received: packetsReceived } = this.#packetsOfClosed;
    for (const { session } of this.#sessions.values()) {
      const stats = session.stats();
      packetsSent += stats.packetsSent;
      packetsReceived += stats.packetsReceived;
    }
    return {
      sessions: this.#sessions.size,
      portPairsInUse: this.#pool.inUse,
      portPairsTotal: this.#pool.capacity,
      slotFailures: this.#slotFailures,
      slotIntervals: [...this.#ticker.intervalCounts],
      packetsSent,
      packetsReceived,
    };
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.#sessions.keys()].map((id) => this.closeSession(id)));
  }

  #open(sockets: Awaited<ReturnType<PortPool['allocate']>>, endpoint: LocalEndpoint): RtpSession {
    const id = randomUUID();
    const session = new RtpSession(id, sockets, { digit: (event) => this.onDigit(id, event), receiving: this.#ticker.catchUp });
    const tick = (missed: number) => session.slot(missed);
    this.#sessions.set(id, { session, endpoint, tick });
    this.#ticker.add(tick);
    return session;
  }

  #endpoint(port: number): LocalEndpoint {
    return { address: this.#advertised, port, sessionId: String(Date.now()), sessionVersion: 1, srtpKey: randomBytes(MASTER_KEY_BYTES).toString('base64') };
  }

  #get(sessionId: string): { session: RtpSession; endpoint: LocalEndpoint; tick: (missed: number) => void } {
    const entry = this.#sessions.get(sessionId);
    if (!entry) throw new UnknownSessionError(sessionId);
    return entry;
  }

  #unrelay(session: RtpSession): void {
    const other = session.relayTo ?? session.relayFrom;
    session.detach();
    other?.detach();
  }

  async #source(item: PlayItem): Promise<AudioSource> {
    switch (item.kind) {
      case 'silence':
        return new SilenceSource(item.ms);
      case 'tone':
        return new ToneSource(parseToneStream(item.spec));
      case 'file':
        return new SamplesSource(await this.#prompt(item.path));
    }
  }

  /** Decoded prompts are kept while the file is unchanged: a prompt is decoded once, not per call. */
  async #prompt(path: string): Promise<Int16Array> {
    const mtimeMs = await stat(path).then((info) => info.mtimeMs, () => -1);
    const cached = this.#prompts.get(path);
    if (cached && cached.mtimeMs === mtimeMs) return cached.samples;
    const samples = await loadWav(path);
    this.#prompts.delete(path);
    this.#prompts.set(path, { mtimeMs, samples });
    // The oldest decoded prompt goes when there are too many (a Map keeps insertion order).
    if (this.#prompts.size > MAX_CACHED_PROMPTS) this.#prompts.delete(this.#prompts.keys().next().value!);
    return samples;
  }
}
