/**
 * The guided fuzzer's loop, in a worker thread: its own V8 inspector gives
 * the coverage of the target's code, and the thread that started it can stop
 * an input that never finishes. Seeds run first; then each round mutates a
 * corpus entry, runs the child, and keeps it when it brought new coverage.
 * Before each input its bytes go to shared memory, so a hang or a heap
 * exhaustion is reported with the input that caused it.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { ByteMutator } from './byte-mutator.js';
import { CoverageFeedback } from './coverage.js';
import type { FromBytes, FuzzTarget } from './target.js';

export interface GuidedWorkerData {
  targetUrl: string;
  sources: string[];
  seeds: Uint8Array[];
  dictionary: string[];
  seed: number;
  maxLength: number;
  runs: number;
  milliseconds: number;
  port: MessagePort;
  /** Int32 [inputs started, length of the current input], then its bytes. */
  current: SharedArrayBuffer;
}

export interface GuidedStats {
  inputs: number;
  seeds: number;
  corpus: number;
  seedFeatures: number;
  features: number;
  seedBlocks: number;
  blocks: number;
}

export type GuidedMessage = { type: 'done'; stats: GuidedStats } | { type: 'finding'; finding: string; input: Uint8Array; stats: GuidedStats };

const options = workerData as GuidedWorkerData;
const module = (await import(options.targetUrl)) as { default: FuzzTarget<unknown>; fromBytes?: FromBytes<unknown> };
const target = module.default;
const fromBytes = module.fromBytes ?? ((data: Buffer) => data);
const header = new Int32Array(options.current, 0, 2);
const currentBytes = new Uint8Array(options.current, 8);
const coverage = new CoverageFeedback(options.sources);
const mutator = new ByteMutator(options.dictionary, options.seed, options.maxLength);
const corpus: Buffer[] = [];
const MINIMIZE_MS = 5_000;
let inputs = 0;

interface Finding {
  report: string;
  /** The exception's class and the place it was thrown: what a smaller input must reproduce. */
  signature: string;
}

/** Runs one input; a finding is the target's exception, or undefined. */
function run(data: Buffer): Finding | undefined {
  currentBytes.set(data);
  Atomics.store(header, 1, data.length);
  Atomics.add(header, 0, 1);
  inputs += 1;
  try {
    target.check(fromBytes(data));
    return undefined;
  } catch (error) {
    if (!(error instanceof Error)) return { report: `non-Error thrown: ${String(error)}`, signature: typeof error };
    const report = error.stack ?? `${error.name}: ${error.message}`;
    return { report, signature: `${error.name} ${/^\s+at .*$/m.exec(report)?.[0].trim() ?? ''}` };
  }
}

/** The same finding from fewer bytes: chunks erased, halving in size (libFuzzer's crash minimisation, in small). */
function minimized(data: Buffer, finding: Finding): Buffer {
  const deadline = Date.now() + MINIMIZE_MS;
  let smallest = data;
  for (let chunk = smallest.length >> 1; chunk >= 1 && Date.now() < deadline; chunk >>= 1) {
    for (let at = 0; at < smallest.length && Date.now() < deadline; ) {
      const candidate = Buffer.concat([smallest.subarray(0, at), smallest.subarray(at + chunk)]);
      if (run(candidate)?.signature === finding.signature) smallest = candidate;
      else at += chunk;
    }
  }
  return smallest;
}

function reported(data: Buffer, finding: Finding, seedFeatures: number, seedBlocks: number): GuidedMessage {
  const before = stats(seedFeatures, seedBlocks);
  const input = minimized(data, finding);
  const size = input.length === data.length ? '' : ` (minimised from ${data.length} bytes)`;
  return { type: 'finding', finding: `${finding.report}${size}`, input, stats: before };
}

function stats(seedFeatures: number, seedBlocks: number): GuidedStats {
  return { inputs, seeds: options.seeds.length, corpus: corpus.length, seedFeatures, features: coverage.features, seedBlocks, blocks: coverage.blocksReached };
}

function fuzz(): GuidedMessage {
  for (const seed of options.seeds) {
    const data = Buffer.from(seed.subarray(0, options.maxLength));
    const finding = run(data);
    coverage.collect();
    if (finding !== undefined) return reported(data, finding, 0, 0);
    corpus.push(data);
  }
  const seedFeatures = coverage.features;
  const seedBlocks = coverage.blocksReached;
  const deadline = Date.now() + options.milliseconds;
  while (inputs < options.runs && Date.now() < deadline) {
    const child = mutator.child(corpus[mutator.below(corpus.length)], corpus[mutator.below(corpus.length)]);
    const finding = run(child);
    const fresh = coverage.collect();
    if (finding !== undefined) return reported(child, finding, seedFeatures, seedBlocks);
    if (fresh > 0) corpus.push(child);
  }
  return { type: 'done', stats: stats(seedFeatures, seedBlocks) };
}

options.port.postMessage(fuzz());
coverage.close();
options.port.close();
