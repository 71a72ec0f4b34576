/**
 * The media engine as its own process for `bench:media`: an EmbeddedMediaEngine
 * (media on its worker thread) driven over IPC by bench/media.ts.
 */
import { EmbeddedMediaEngine } from '../src/media/engine/embedded-engine.js';
import type { MediaSession } from '../src/media/media-engine.js';

export type EngineRequest =
  | { op: 'answer'; offer: string }
  | { op: 'play'; id: string; spec: string }
  | { op: 'relay'; a: string; b: string }
  | { op: 'record'; id: string; path: string }
  | { op: 'measure' }
  | { op: 'report' }
  | { op: 'exit' };

const engine = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1' });

// Signalling load stand-in: the main thread busy for MAIN_BUSY % of every 100 ms (the media runs on its worker).
const busyShare = Math.min(90, Number(process.env.MAIN_BUSY ?? 0)) / 100;
if (busyShare > 0) {
  setInterval(() => {
    const until = performance.now() + 100 * busyShare;
    while (performance.now() < until);
  }, 100);
}
const sessions = new Map<string, MediaSession>();

process.on('message', (message: { seq: number; request: EngineRequest }) => {
  handle(message.request).then(
    (value) => process.send!({ seq: message.seq, value }),
    (error: Error) => process.send!({ seq: message.seq, error: error.message }),
  );
});

async function handle(request: EngineRequest): Promise<unknown> {
  switch (request.op) {
    case 'answer': {
      const outcome = await engine.answer(request.offer);
      if (outcome.kind !== 'answered') throw new Error(outcome.reason);
      sessions.set(outcome.session.id, outcome.session);
      return { id: outcome.session.id, sdp: outcome.sdp };
    }
    case 'play':
      void sessions.get(request.id)!.play([{ kind: 'tone', spec: request.spec }]);
      return null;
    case 'relay':
      return engine.relay(sessions.get(request.a)!, sessions.get(request.b)!);
    case 'record':
      return sessions.get(request.id)!.startRecording(request.path);
    case 'measure':
      await engine.tickIntervals();
      return process.cpuUsage();
    case 'report': {
      const intervals = await engine.tickIntervals();
      const stats = await Promise.all([...sessions.values()].map((session) => session.close()));
      return { stats, intervals, cpu: process.cpuUsage() };
    }
    case 'exit':
      // Closing the engine ends its worker normally, so a CPU profile (PROFILE=) is written for it too.
      await engine.close();
      setImmediate(() => process.exit(0));
      return null;
  }
}
