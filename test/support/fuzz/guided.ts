/**
 * A coverage-guided fuzzer for the targets under test/fuzz/targets, in
 * process: V8's block coverage (restricted to the target's own source
 * folders) decides which mutated inputs join the corpus, as libFuzzer's
 * edge counters do. The loop runs in a worker; this thread watches it and
 * calls an input a hang when it takes longer than the bound.
 *
 * In `npm test` (no FUZZ_SECONDS) a run is short and reproducible: a fixed
 * seed and a fixed number of inputs (capped in time on a loaded machine).
 * `npm run fuzz` sets FUZZ_SECONDS: the run lasts that long from a random
 * seed, printed so that FUZZ_SEED replays it.
 */
import assert from 'node:assert/strict';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { DEFAULT_SEED, envNumber } from './fuzz.js';
import type { GuidedMessage, GuidedStats, GuidedWorkerData } from './guided-worker.js';
import { typeScriptWorkerSource } from '../../../src/worker-thread.js';

const SHORT_RUN_CAP_MS = 30_000;
const WORKER_HEAP_MB = 512;
const WATCH_EVERY_MS = 100;

export interface GuidedSpec {
  name: string;
  /** A module whose default export is a FuzzTarget; its `fromBytes` export (if any) turns the fuzzer's bytes into the target's input. */
  target: URL;
  /** Folders (or files) of the code under test: only their coverage guides the run. */
  sources: URL[];
  seeds: readonly Uint8Array[];
  /** Words of the input language that byte mutations would rarely spell. */
  dictionary: readonly string[];
  /** Inputs in a short run (npm test). */
  runs: number;
  maxLength?: number;
  /** An input that takes longer is a hang; generous because the machine is shared. */
  hangMs?: number;
  /** The most a short run may take on a loaded machine, whatever `runs` says. */
  shortRunCapMs?: number;
  /** A test of the fuzzer itself: always the short run from the fixed seed, whatever FUZZ_SECONDS, FUZZ_SEED and FUZZ_HANG_MS say. */
  ownTest?: boolean;
}

export type GuidedResult = GuidedStats;

/** Runs the target; resolves with what the run covered, rejects with a finding and its input. */
export async function guidedFuzz(spec: GuidedSpec): Promise<GuidedResult> {
  const env = spec.ownTest ? (_name: string) => undefined : envNumber;
  const seconds = env('FUZZ_SECONDS');
  const seed = env('FUZZ_SEED') ?? (seconds === undefined ? DEFAULT_SEED : Math.floor(Math.random() * 2 ** 31));
  if (seconds !== undefined) console.log(`guided fuzz ${spec.name}: ${seconds} s from seed ${seed} (replay with FUZZ_SEED=${seed})`);
  const maxLength = spec.maxLength ?? 64 * 1024;
  const hangMs = env('FUZZ_HANG_MS') ?? spec.hangMs ?? 3000;
  const current = new SharedArrayBuffer(8 + maxLength);
  const { port1, port2 } = new MessageChannel();
  const data: GuidedWorkerData = {
    targetUrl: spec.target.href,
    sources: spec.sources.map((url) => url.href),
    seeds: [...spec.seeds],
    dictionary: [...spec.dictionary],
    seed,
    maxLength,
    runs: seconds === undefined ? spec.runs : Number.MAX_SAFE_INTEGER,
    milliseconds: seconds === undefined ? (spec.shortRunCapMs ?? SHORT_RUN_CAP_MS) : seconds * 1000,
    port: port2,
    current,
  };
  const worker = new Worker(typeScriptWorkerSource(new URL('./guided-worker.ts', import.meta.url)), {
    eval: true,
    workerData: data,
    transferList: [port2],
    resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    name: `guided-fuzz ${spec.name}`,
  });
  const header = new Int32Array(current, 0, 2);
  const currentInput = () => Buffer.from(new Uint8Array(current, 8, Atomics.load(header, 1)));
  try {
    const message = await new Promise<GuidedMessage | { type: 'stopped'; finding: string; input: Buffer }>((resolve, reject) => {
      port1.on('message', (message: GuidedMessage) => resolve(message));
      worker.on('error', (error) => resolve({ type: 'stopped', finding: `the worker died: ${error.stack ?? error.message}`, input: currentInput() }));
      // The worker ends once it has posted its result; the exit may be seen before that message is.
      worker.on('exit', (code) => {
        const result = receiveMessageOnPort(port1);
        if (result) resolve(result.message as GuidedMessage);
        else reject(new Error(`guided fuzz ${spec.name}: the worker exited (${code}) without a result`));
      });
      let started = -1;
      let since = Date.now();
      const watch = setInterval(() => {
        const now = Atomics.load(header, 0);
        if (now !== started || now === 0) {
          started = now;
          since = Date.now();
        } else if (Date.now() - since > hangMs) {
          clearInterval(watch);
          resolve({ type: 'stopped', finding: `no answer within ${hangMs} ms (a hang)`, input: currentInput() });
        }
      }, WATCH_EVERY_MS);
      port1.on('close', () => clearInterval(watch));
      worker.on('exit', () => clearInterval(watch));
    });
    if (message.type === 'done') {
      console.log(`guided fuzz ${spec.name}: ${describe(message.stats)}, no finding`);
      return message.stats;
    }
    const input = Buffer.from(message.input);
    throw new Error(`guided fuzz ${spec.name} (seed ${seed}) found after ${message.type === 'finding' ? describe(message.stats) : `${Atomics.load(header, 0)} inputs`}: ${message.finding}\ninput (${input.length} bytes, as a JS string): ${JSON.stringify(input.toString('latin1'))}\nbase64: ${input.toString('base64')}`);
  } finally {
    port1.close();
    await worker.terminate();
  }
}

export function describe(stats: GuidedStats): string {
  return `${stats.inputs} inputs, corpus ${stats.seeds} seeds → ${stats.corpus}, coverage ${stats.seedBlocks} → ${stats.blocks} blocks, ${stats.seedFeatures} → ${stats.features} features`;
}

/** The guidance works: mutated inputs reached blocks the seeds did not, and kept them in the corpus. */
export function expectCoverageGrowth(stats: GuidedStats): void {
  assert.ok(stats.blocks > stats.seedBlocks, `no block beyond the seeds' (${describe(stats)})`);
  assert.ok(stats.corpus > stats.seeds, `the corpus did not grow (${describe(stats)})`);
}
