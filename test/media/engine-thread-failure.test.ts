/**
 * A media thread that dies: the calls it held lose their media (their apps
 * fail with MEDIA_UNAVAILABLE, closing them still works), new calls go to the
 * threads still running, a thread that had run a while is replaced, one that
 * died at start is not, and with no thread left a new call is refused (the
 * signalling answers 503). The worker client reports a real worker's death.
 */
import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import { MediaCore, type MediaCoreApi } from '../../src/media/engine/media-core.js';
import { EmbeddedMediaEngine, type CoreStarter, type EngineHealth } from '../../src/media/engine/embedded-engine.js';
import { workerCore } from '../../src/media/engine/worker-core-client.js';
import { MediaUnavailableError, type MediaSession } from '../../src/media/media-engine.js';
import { SLOT_INTERVAL_BOUNDS_MS } from '../../src/media/session/ticker.js';
import { mediaSettings } from '../../src/media/settings.js';
import { RtpPeer } from '../support/media/rtp-peer.js';

const RANGE = { min: 31400, max: 31599 };
const SECOND_HALF = 31500;
const threadOf = (session: MediaSession) => (session.localPort < SECOND_HALF ? 0 : 1);

/** In-process cores that a test can kill as a dying worker would end: every call fails from then on, and the engine is told. */
function killableCores() {
  const started: { index: number; kill(): void }[] = [];
  const start: CoreStarter = (settings, onDigit, thread, onFailure) => {
    const core = new MediaCore(settings, onDigit, thread);
    let death: MediaUnavailableError | undefined;
    const api = new Proxy(core, {
      get(target, property) {
        const method = Reflect.get(target, property) as unknown;
        if (typeof method !== 'function') return method;
        return (...args: unknown[]) => (death ? Promise.reject(death) : (method as (...a: unknown[]) => unknown).apply(target, args));
      },
    }) as MediaCoreApi;
    started.push({
      index: thread.index,
      kill: () => {
        death = new MediaUnavailableError(`media thread ${thread.index + 1} exited (code 1)`);
        void core.shutdown();
        onFailure(death);
      },
    });
    return api;
  };
  return { start, started };
}

const peers: RtpPeer[] = [];
async function connect(engine: EmbeddedMediaEngine): Promise<MediaSession> {
  const peer = await RtpPeer.open();
  peers.push(peer);
  const outcome = await engine.answer(peer.offer());
  if (outcome.kind !== 'answered') throw new Error(`not answered: ${outcome.reason}`);
  return outcome.session;
}

afterEach(() => {
  mock.timers.reset();
  for (const peer of peers.splice(0)) peer.close();
});

test('a thread that dies soon after it started: its calls lose their media, new calls go to the other, and with none left a new call is refused', async () => {
  const cores = killableCores();
  const errors: string[] = [];
  const engine = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1', rtpPorts: RANGE, threads: 2 }, { startCore: cores.start, error: (message) => errors.push(message) });
  try {
    const [first, second] = [await connect(engine), await connect(engine)];
    assert.deepEqual([threadOf(first), threadOf(second)], [0, 1]);

    cores.started[0].kill();
    assert.equal(errors.length, 1);
    assert.match(errors[0], /media thread 1 exited \(code 1\); its 1 session\(s\) lost their media; not started again: it died \d+ ms after it started/);
    await assert.rejects(first.play([{ kind: 'silence', ms: 20 }]), { code: 'MEDIA_UNAVAILABLE' });
    const nearTheDead = await engine.answer(peers[0].offer(), { near: first });
    assert.equal(nearTheDead.kind === 'answered' && threadOf(nearTheDead.session), 1, 'placed near a session of the dead thread: a running one');
    assert.equal((await first.close()).packetsSent, 0, 'closing a session whose thread died still completes');

    const placedAfter = await Promise.all([connect(engine), connect(engine)]);
    assert.deepEqual(placedAfter.map(threadOf), [1, 1], 'new calls go to the thread still running');
    assert.deepEqual(counts(await engine.health()), { sessions: 4, portPairsInUse: 4, slotFailures: 0, threadsRunning: 1, threadFailures: 1 });
    assert.equal(cores.started.length, 2, 'no thread started in its place');

    cores.started[1].kill();
    await assert.rejects(engine.answer(peers[1].offer()), (error: Error) => error instanceof MediaUnavailableError && /no media thread is running/.test(error.message));
    await assert.rejects(engine.offer(), { code: 'MEDIA_UNAVAILABLE' });
    assert.deepEqual(await engine.health(), { sessions: 0, portPairsInUse: 0, portPairsTotal: 0, slotFailures: 0, slotIntervals: new Array(SLOT_INTERVAL_BOUNDS_MS.length + 1).fill(0), packetsSent: 0, packetsReceived: 0, threadsRunning: 0, threadFailures: 2 });
    await second.close();
  } finally {
    await engine.close();
  }
});

test('a thread that dies after running a while is replaced by a new one, which takes new calls', async () => {
  mock.timers.enable({ apis: ['Date'], now: Date.now() });
  const cores = killableCores();
  const errors: string[] = [];
  const engine = new EmbeddedMediaEngine({ bindAddress: '127.0.0.1', rtpPorts: RANGE, threads: 2 }, { startCore: cores.start, error: (message) => errors.push(message) });
  try {
    const first = await connect(engine);
    assert.equal(threadOf(first), 0);
    mock.timers.tick(60_000);
    cores.started[0].kill();
    assert.match(errors[0], /media thread 1 exited \(code 1\); its 1 session\(s\) lost their media; a new media thread takes its place/);
    assert.deepEqual(
      cores.started.map((core) => core.index),
      [0, 1, 0],
      'the first thread started again',
    );
    const [next, after] = [await connect(engine), await connect(engine)];
    assert.deepEqual([next, after].map(threadOf).sort(), [0, 1], 'the new thread takes calls beside the other');
    const health = await engine.health();
    assert.deepEqual([health.threadsRunning, health.threadFailures, health.sessions], [2, 1, 2]);
  } finally {
    await engine.close();
  }
});

test('the worker client reports a media worker that dies, once, and fails every call from then on', async () => {
  // A range that holds no RTP/RTCP pair: the core throws as the worker starts, and the worker ends.
  const settings = { ...mediaSettings.parse({ bindAddress: '127.0.0.1' }), rtpPorts: { min: 31601, max: 31602 } };
  const failures: Error[] = [];
  const core = workerCore(settings, () => undefined, { index: 0, count: 1 }, (error) => failures.push(error));
  await assert.rejects(core.offer(), (error: Error & { code?: string }) => error.code === 'MEDIA_UNAVAILABLE' && /^media thread 1 (failed|exited)/.test(error.message));
  await assert.rejects(core.health(), { code: 'MEDIA_UNAVAILABLE' });
  assert.equal(failures.length, 1);
  await core.shutdown();
});

/** The health figures the thread tests look at: sessions, ports in use, failures and threads. */
function counts({ sessions, portPairsInUse, slotFailures, threadsRunning, threadFailures }: EngineHealth) {
  return { sessions, portPairsInUse, slotFailures, threadsRunning, threadFailures };
}
