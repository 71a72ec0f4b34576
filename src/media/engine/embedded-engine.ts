/**
 * The embedded MediaEngine: RTP handled by MediaCores on `media.threads`
 * worker threads (default) or on the calling thread (`inProcess`, for tests
 * and tools). A new session goes to the thread with the fewest, or to the
 * thread of the session it is placed `near` (the other leg of its call), so a
 * call's relay stays on one thread; a relay between threads crosses a
 * MessagePort. Sessions are handles that forward to their core by id; digit
 * listeners live here, on the caller's thread.
 *
 * A media thread that dies takes its sessions with it (their calls' media
 * apps fail, the calls go on); new calls go to the threads still running,
 * and a new thread takes the dead one's place — unless it died soon after it
 * started, which a restart would only repeat.
 */
import { MessageChannel } from 'node:worker_threads';
import type { DigitEvent } from '../dtmf/digits.js';
import {
  MediaUnavailableError,
  type AnswerResult,
  type InbandDetection,
  type MediaEngine,
  type MediaSession,
  type MessageOptions,
  type Placement,
  type PlayItem,
  type PlayOptions,
  type PlayResult,
  type RecordingOptions,
  type RecordingSummary,
  type SessionStats,
} from '../media-engine.js';
import { ephemeralOverlapWarning, mediaSettings, type MediaSettings } from '../settings.js';
import { MediaCore, UnknownSessionError, type MediaCoreApi, type MediaHealth } from './media-core.js';
import { workerCore } from './worker-core-client.js';
import { SLOT_INTERVAL_BOUNDS_MS } from '../session/ticker.js';

/** One media thread, and how many sessions it holds (where new calls go). */
interface Core {
  api: MediaCoreApi;
  sessions: number;
  running: boolean;
  startedAt: number;
}

/** Starts one media thread's core; `onFailure` is told once if the thread dies. */
export type CoreStarter = (
  settings: MediaSettings,
  onDigit: (sessionId: string, event: DigitEvent) => void,
  thread: { index: number; count: number },
  onFailure: (error: Error) => void,
) => MediaCoreApi;

export interface EmbeddedEngineOptions {
  /** Run the media on this thread instead of a worker (tests, tools). */
  inProcess?: boolean;
  /** How each media thread's core starts (default: a worker thread, or in-process). */
  startCore?: CoreStarter;
  /** Told once at start when the configuration is risky (RTP range inside the ephemeral ports). */
  warn?: (message: string) => void;
  /** Told when a media thread dies, and whether another took its place. */
  error?: (message: string) => void;
}

/** Engine-wide health: the threads' sums, and how many threads run and have died. */
export interface EngineHealth extends MediaHealth {
  threadsRunning: number;
  threadFailures: number;
}

const DEFAULT_DIGIT_MS = 100;
/** A thread that dies sooner than this after it started is not started again: it would die again. */
const RESTART_AFTER_LIFETIME_MS = 10_000;
/** What a session on a dead thread reports when closed: its counters died with it. */
const STATS_OF_LOST_SESSION: SessionStats = { packetsSent: 0, packetsReceived: 0, packetsLost: 0, jitterMs: 0, foreignPacketsDropped: 0, failedPackets: 0, remote: undefined };

const startInProcess: CoreStarter = (settings, onDigit, thread) => new MediaCore(settings, onDigit, thread);

export class EmbeddedMediaEngine implements MediaEngine {
  readonly #settings: MediaSettings;
  readonly #options: EmbeddedEngineOptions;
  readonly #cores: Core[];
  readonly #coreOfSession = new Map<string, Core>();
  readonly #digitListeners = new Map<string, Set<(event: DigitEvent) => void>>();
  #threadFailures = 0;
  #closed = false;

  constructor(settings: Partial<MediaSettings> = {}, options: EmbeddedEngineOptions = {}) {
    this.#settings = mediaSettings.parse(settings);
    this.#options = options;
    const warning = ephemeralOverlapWarning(this.#settings.rtpPorts);
    if (warning) options.warn?.(warning);
    this.#cores = Array.from({ length: this.#settings.threads }, (_, index) => this.#startCore(index));
  }

  async answer(offerSdp: string, placement: Placement = {}): Promise<AnswerResult> {
    this.#assertOpen();
    const core = this.#place(placement);
    const outcome = await core.api.answer(offerSdp);
    if (outcome.kind === 'not-acceptable') return outcome;
    return { kind: 'answered', sdp: outcome.sdp, session: this.#handle(core, outcome.sessionId, outcome.port) };
  }

  async offer(placement: Placement = {}): Promise<{ session: MediaSession; sdp: string }> {
    this.#assertOpen();
    const core = this.#place(placement);
    const offered = await core.api.offer();
    return { sdp: offered.sdp, session: this.#handle(core, offered.sessionId, offered.port) };
  }

  async relay(a: MediaSession, b: MediaSession): Promise<void> {
    const [coreA, coreB] = [this.#coreOf(a.id), this.#coreOf(b.id)];
    if (coreA === coreB) return coreA.api.relay(a.id, b.id);
    // Two calls that began on different threads (a bridge of two existing calls): each thread keeps its session.
    const { port1, port2 } = new MessageChannel();
    await Promise.all([coreA.api.relayAcross(a.id, port1), coreB.api.relayAcross(b.id, port2)]);
  }

  /** Sessions, ports in use and failures over the running media threads, and the threads' own count, for metrics. */
  async health(): Promise<EngineHealth> {
    const perThread = await Promise.all(this.#running().map((core) => core.api.health().catch(() => undefined)));
    const answered = perThread.filter((health) => health !== undefined);
    const sum = (field: 'sessions' | 'portPairsInUse' | 'slotFailures' | 'packetsSent' | 'packetsReceived') => answered.reduce((total, health) => total + health[field], 0);
    return {
      sessions: sum('sessions'),
      portPairsInUse: sum('portPairsInUse'),
      // Every thread's pool spans the whole range.
      portPairsTotal: answered[0]?.portPairsTotal ?? 0,
      slotFailures: sum('slotFailures'),
      slotIntervals: SLOT_INTERVAL_BOUNDS_MS.concat(Infinity).map((_, bucket) => answered.reduce((total, health) => total + health.slotIntervals[bucket], 0)),
      packetsSent: sum('packetsSent'),
      packetsReceived: sum('packetsReceived'),
      threadsRunning: answered.length,
      threadFailures: this.#threadFailures,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#running().map((core) => core.api.shutdown()));
    this.#digitListeners.clear();
    this.#coreOfSession.clear();
  }

  /** The thread of the session it is placed near, or else the running one with the fewest sessions. */
  #place(placement: Placement): Core {
    const near = placement.near && this.#coreOfSession.get(placement.near.id);
    if (near?.running) return near;
    const running = this.#running();
    if (running.length === 0) throw new MediaUnavailableError('no media thread is running');
    return running.reduce((least, core) => (core.sessions < least.sessions ? core : least));
  }

  #running(): Core[] {
    return this.#cores.filter((core) => core.running);
  }

  #startCore(index: number): Core {
    const start = this.#options.startCore ?? (this.#options.inProcess ? startInProcess : workerCore);
    const onDigit = (sessionId: string, event: DigitEvent) => {
      for (const listener of this.#digitListeners.get(sessionId) ?? []) listener(event);
    };
    const core: Core = {
      api: start(this.#settings, onDigit, { index, count: this.#settings.threads }, (error) => this.#failed(index, core, error)),
      sessions: 0,
      running: true,
      startedAt: Date.now(),
    };
    return core;
  }

  #failed(index: number, core: Core, error: Error): void {
    core.running = false;
    this.#threadFailures += 1;
    if (this.#closed) return;
    const lifetimeMs = Date.now() - core.startedAt;
    const restart = lifetimeMs >= RESTART_AFTER_LIFETIME_MS;
    const lost = `${error.message}; its ${core.sessions} session(s) lost their media`;
    this.#options.error?.(restart ? `${lost}; a new media thread takes its place` : `${lost}; not started again: it died ${lifetimeMs} ms after it started`);
    if (restart) this.#cores[index] = this.#startCore(index);
  }

  #coreOf(sessionId: string): Core {
    const core = this.#coreOfSession.get(sessionId);
    if (!core) throw new UnknownSessionError(sessionId);
    return core;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the media engine is closed');
  }

  #handle(owner: Core, id: string, localPort: number): MediaSession {
    const core = owner.api;
    owner.sessions += 1;
    this.#coreOfSession.set(id, owner);
    const listeners = new Set<(event: DigitEvent) => void>();
    this.#digitListeners.set(id, listeners);
    return {
      id,
      localPort,
      acceptAnswer: (answerSdp: string) => core.acceptAnswer(id, answerSdp),
      reoffer: () => core.reoffer(id),
      detectInbandDigits: (mode: InbandDetection) => core.detectInbandDigits(id, mode),
      update: (offerSdp: string) => core.update(id, offerSdp),
      play: (items: PlayItem[], options: PlayOptions = {}): Promise<PlayResult> => core.play(id, items, options.terminators ?? ''),
      stopPlaying: () => core.stopPlaying(id),
      sendDigits: (digits: string, durationMs = DEFAULT_DIGIT_MS) => core.sendDigits(id, digits, durationMs),
      receiveInfoDigit: (digit: string, durationMs: number) => void core.receiveInfoDigit(id, digit, durationMs).catch(() => undefined),
      onDigit: (listener: (event: DigitEvent) => void) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      startRecording: (path: string, options?: RecordingOptions) => core.startRecording(id, path, options),
      stopRecording: (): Promise<RecordingSummary | undefined> => core.stopRecording(id),
      recordMessage: (path: string, options: MessageOptions) => core.recordMessage(id, path, options),
      echo: (delayMs: number) => core.echo(id, delayMs),
      unrelay: () => core.unrelay(id),
      stats: (): Promise<SessionStats> => core.stats(id),
      close: async () => {
        this.#digitListeners.delete(id);
        if (this.#coreOfSession.delete(id)) owner.sessions -= 1;
        return owner.running ? core.closeSession(id) : STATS_OF_LOST_SESSION;
      },
    };
  }
}
