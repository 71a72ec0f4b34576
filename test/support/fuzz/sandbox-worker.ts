/**
 * Runs one fuzz target inside a worker thread, so that the thread running
 * fast-check can stop an input that never finishes (worker.terminate
 * interrupts synchronous code). Each outcome is posted on the port, then the
 * shared signal is raised for the waiting thread.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import type { FuzzTarget } from './target.js';

export interface SandboxWorkerData {
  targetUrl: string;
  port: MessagePort;
  signal: Int32Array;
}

export type Outcome = { ok: true } | { ok: false; finding: string };

const { targetUrl, port, signal } = workerData as SandboxWorkerData;
const target = ((await import(targetUrl)) as { default: FuzzTarget<unknown> }).default;

function outcomeOf(input: unknown): Outcome {
  try {
    target.check(input);
    return { ok: true };
  } catch (error) {
    const finding = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `non-Error thrown: ${String(error)}`;
    return { ok: false, finding };
  }
}

function answer(outcome: Outcome | 'ready'): void {
  port.postMessage(outcome);
  Atomics.store(signal, 0, 1);
  Atomics.notify(signal, 0);
}

port.on('message', (input: unknown) => answer(outcomeOf(input)));
answer('ready');
