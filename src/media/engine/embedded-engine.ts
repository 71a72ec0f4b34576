/**
 * The embedded MediaEngine: RTP handled by MediaCore on a worker thread
 * (default) or on the calling thread (`inProcess`, for tests and tools).
 * Sessions are handles that forward to the core by id; digit listeners live
 * here, on the caller's thread.
 */
import type { DigitEvent } from '../dtmf/digits.js';
import type { AnswerResult, InbandDetection, MediaEngine, MediaSession, MessageOptions, PlayItem, PlayOptions, PlayResult, RecordingSummary, SessionStats } from '../media-engine.js';
import { ephemeralOverlapWarning, mediaSettings, type MediaSettings } from '../settings.js';
import { MediaCore, type MediaCoreApi, type MediaHealth } from './media-core.js';
import { workerCore } from './worker-core-client.js';

export interface EmbeddedEngineOptions {
  /** Run the media on this thread instead of a worker (tests, tools). */
  inProcess?: boolean;
  /** Told once at start when the configuration is risky (RTP range inside the ephemeral ports). */
  warn?: (message: string) => void;
}

const DEFAULT_DIGIT_MS = 100;

export class EmbeddedMediaEngine implements MediaEngine {
  readonly #core: MediaCoreApi;
  readonly #digitListeners = new Map<string, Set<(event: DigitEvent) => void>>();
  #closed = false;

  constructor(settings: Partial<MediaSettings> = {}, options: EmbeddedEngineOptions = {}) {
    const parsed = mediaSettings.parse(settings);
    const warning = ephemeralOverlapWarning(parsed.rtpPorts);
    if (warning) options.warn?.(warning);
    const onDigit = (sessionId: string, event: DigitEvent) => {
      for (const listener of this.#digitListeners.get(sessionId) ?? []) listener(event);
    };
    this.#core = options.inProcess ? new MediaCore(parsed, onDigit) : workerCore(parsed, onDigit);
  }

  async answer(offerSdp: string): Promise<AnswerResult> {
    this.#assertOpen();
    const outcome = await this.#core.answer(offerSdp);
    if (outcome.kind === 'not-acceptable') return outcome;
    return { kind: 'answered', sdp: outcome.sdp, session: this.#handle(outcome.sessionId, outcome.port) };
  }

  async offer(): Promise<{ session: MediaSession; sdp: string }> {
    this.#assertOpen();
    const offered = await this.#core.offer();
    return { sdp: offered.sdp, session: this.#handle(offered.sessionId, offered.port) };
  }

  relay(a: MediaSession, b: MediaSession): Promise<void> {
    return this.#core.relay(a.id, b.id);
  }

  /** The media clock's tick intervals (ms) since the previous call, for the benchmark. */
  tickIntervals(): Promise<number[]> {
    return this.#core.tickIntervals();
  }

  /** Sessions, ports in use and failures, for /health and metrics. */
  health(): Promise<MediaHealth> {
    return this.#core.health();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#core.shutdown();
    this.#digitListeners.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the media engine is closed');
  }

  #handle(id: string, localPort: number): MediaSession {
    const core = this.#core;
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
        return core.closeSession(id);
      },
    };
  }
}
