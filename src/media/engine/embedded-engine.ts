/**
 * The embedded MediaEngine: RTP handled by MediaCores on `media.threads`
 * worker threads (default) or on the calling thread (`inProcess`, for tests
 * and tools). A new session goes to the thread with the fewest, or to the
 * thread of the session it is placed `near` (the other leg of its call), so a
 * call's relay stays on one thread; a relay between threads crosses a
 * MessagePort. Sessions are handles that forward to their core by id; digit
 * listeners live here, on the caller's thread.
 */
import { MessageChannel } from 'node:worker_threads';
import type { DigitEvent } from '../dtmf/digits.js';
import type { AnswerResult, InbandDetection, MediaEngine, MediaSession, MessageOptions, Placement, PlayItem, PlayOptions, PlayResult, RecordingSummary, SessionStats } from '../media-engine.js';
import { ephemeralOverlapWarning, mediaSettings, type MediaSettings } from '../settings.js';
import { MediaCore, UnknownSessionError, type MediaCoreApi, type MediaHealth } from './media-core.js';
import { workerCore } from './worker-core-client.js';

/** One media thread, and how many sessions it holds (where new calls go). */
interface Core {
  api: MediaCoreApi;
  sessions: number;
}

export interface EmbeddedEngineOptions {
  /** Run the media on this thread instead of a worker (tests, tools). */
  inProcess?: boolean;
  /** Told once at start when the configuration is risky (RTP range inside the ephemeral ports). */
  warn?: (message: string) => void;
}

const DEFAULT_DIGIT_MS = 100;

export class EmbeddedMediaEngine implements MediaEngine {
  readonly #cores: Core[];
  readonly #coreOfSession = new Map<string, Core>();
  readonly #digitListeners = new Map<string, Set<(event: DigitEvent) => void>>();
  #closed = false;

  constructor(settings: Partial<MediaSettings> = {}, options: EmbeddedEngineOptions = {}) {
    const parsed = mediaSettings.parse(settings);
    const warning = ephemeralOverlapWarning(parsed.rtpPorts);
    if (warning) options.warn?.(warning);
    const onDigit = (sessionId: string, event: DigitEvent) => {
      for (const listener of this.#digitListeners.get(sessionId) ?? []) listener(event);
    };
    this.#cores = Array.from({ length: parsed.threads }, (_, index) => {
      const thread = { index, count: parsed.threads };
      return { api: options.inProcess ? new MediaCore(parsed, onDigit, thread) : workerCore(parsed, onDigit, thread), sessions: 0 };
    });
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

  /** The media clocks' tick intervals (ms) since the previous call, every thread's, for the benchmark. */
  async tickIntervals(): Promise<number[]> {
    const perThread = await Promise.all(this.#cores.map((core) => core.api.tickIntervals()));
    return perThread.flat();
  }

  /** Sessions, ports in use and failures over every media thread, for /health and metrics. */
  async health(): Promise<MediaHealth> {
    const perThread = await Promise.all(this.#cores.map((core) => core.api.health()));
    return {
      sessions: perThread.reduce((sum, health) => sum + health.sessions, 0),
      portPairsInUse: perThread.reduce((sum, health) => sum + health.portPairsInUse, 0),
      // Every thread's pool spans the whole range.
      portPairsTotal: perThread[0].portPairsTotal,
      slotFailures: perThread.reduce((sum, health) => sum + health.slotFailures, 0),
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#cores.map((core) => core.api.shutdown()));
    this.#digitListeners.clear();
    this.#coreOfSession.clear();
  }

  /** The thread of the session it is placed near, or else the one with the fewest sessions. */
  #place(placement: Placement): Core {
    const near = placement.near && this.#coreOfSession.get(placement.near.id);
    if (near) return near;
    return this.#cores.reduce((least, core) => (core.sessions < least.sessions ? core : least));
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
      startRecording: (path: string) => core.startRecording(id, path),
      stopRecording: (): Promise<RecordingSummary | undefined> => core.stopRecording(id),
      recordMessage: (path: string, options: MessageOptions) => core.recordMessage(id, path, options),
      echo: (delayMs: number) => core.echo(id, delayMs),
      unrelay: () => core.unrelay(id),
      stats: (): Promise<SessionStats> => core.stats(id),
      close: async () => {
        this.#digitListeners.delete(id);
        if (this.#coreOfSession.delete(id)) owner.sessions -= 1;
        return core.closeSession(id);
      },
    };
  }
}
