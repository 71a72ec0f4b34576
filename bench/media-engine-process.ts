/**
 * The media engine as its own process for `bench:media`: an EmbeddedMediaEngine
 * (media on its worker threads) driven over IPC by bench/media.ts.
 */
import { readdirSync } from 'node:fs';
import { EmbeddedMediaEngine } from '../src/media/engine/embedded-engine.js';
import type { MediaSession, SessionStats } from '../src/media/media-engine.js';

export type EngineRequest =
  /** `near`: the session of the same call it will be relayed with (the router opens a bridge's B-leg beside its A-leg). */
  | { op: 'answer'; offer: string; near?: string }
  | { op: 'play'; id: string; spec: string }
  | { op: 'relay'; a: string; b: string }
  | { op: 'record'; id: string; path: string }
  | { op: 'close'; id: string }
  | { op: 'resources' }
  | { op: 'measure' }
  | { op: 'report' }
  | { op: 'exit' };

/** A closed session: its statistics and the digits it heard, in order; what it recorded against the time it recorded. */
export interface ClosedSession {
  id: string;
  stats: SessionStats;
  digits: string;
  recording?: { fileMs: number; wallMs: number };
}

export interface EngineResources {
  rssMb: number;
  heapUsedMb: number;
  fileDescriptors: number;
  sessions: number;
}

// THREADS=<n>: media worker threads (media.threads; default sized to the machine).
const engine = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1', ...(process.env.THREADS ? { threads: Number(process.env.THREADS) } : {}) });

// Signalling load stand-in: the main thread busy for MAIN_BUSY % of every 100 ms (the media runs on its worker).
const busyShare = Math.min(90, Number(process.env.MAIN_BUSY ?? 0)) / 100;
if (busyShare > 0) {
  setInterval(() => {
    const until = performance.now() + 100 * busyShare;
    while (performance.now() < until);
  }, 100);
}
const sessions = new Map<string, { session: MediaSession; digits: string; recordingFrom?: number }>();

process.on('message', (message: { seq: number; request: EngineRequest }) => {
  handle(message.request).then(
    (value) => process.send!({ seq: message.seq, value }),
    (error: Error) => process.send!({ seq: message.seq, error: error.message }),
  );
});

async function close(id: string): Promise<ClosedSession> {
  const entry = sessions.get(id);
  if (!entry) throw new Error(`no session ${id}`);
  sessions.delete(id);
  const recording = entry.recordingFrom === undefined ? undefined : await stopRecording(entry.session, entry.recordingFrom);
  return { id, stats: await entry.session.close(), digits: entry.digits, ...(recording ? { recording } : {}) };
}

async function stopRecording(session: MediaSession, from: number): Promise<ClosedSession['recording']> {
  const wallMs = performance.now() - from;
  const summary = await session.stopRecording();
  return summary && { fileMs: summary.durationMs, wallMs };
}

async function handle(request: EngineRequest): Promise<unknown> {
  switch (request.op) {
    case 'answer': {
      const outcome = await engine.answer(request.offer, { near: request.near ? sessions.get(request.near)?.session : undefined });
      if (outcome.kind !== 'answered') throw new Error(outcome.reason);
      const entry = { session: outcome.session, digits: '' };
      outcome.session.onDigit((event) => (entry.digits += event.digit));
      sessions.set(outcome.session.id, entry);
      return { id: outcome.session.id, sdp: outcome.sdp };
    }
    case 'play':
      void sessions.get(request.id)!.session.play([{ kind: 'tone', spec: request.spec }]);
      return null;
    case 'relay':
      return engine.relay(sessions.get(request.a)!.session, sessions.get(request.b)!.session);
    case 'record': {
      const entry = sessions.get(request.id)!;
      await entry.session.startRecording(request.path);
      entry.recordingFrom = performance.now();
      return null;
    }
    case 'close':
      return close(request.id);
    case 'resources': {
      const memory = process.memoryUsage();
      const resources: EngineResources = {
        rssMb: memory.rss / 2 ** 20,
        heapUsedMb: memory.heapUsed / 2 ** 20,
        fileDescriptors: readdirSync('/proc/self/fd').length,
        sessions: (await engine.health()).sessions,
      };
      return resources;
    }
    case 'measure':
      return { cpu: process.cpuUsage(), slotIntervals: (await engine.health()).slotIntervals };
    case 'report': {
      const { slotFailures, slotIntervals } = await engine.health();
      const closed = await Promise.all([...sessions.keys()].map(close));
      return { closed, slotIntervals, slotFailures, cpu: process.cpuUsage() };
    }
    case 'exit':
      // Closing the engine ends its worker normally, so a CPU profile (PROFILE=) is written for it too.
      await engine.close();
      setImmediate(() => process.exit(0));
      return null;
  }
}
