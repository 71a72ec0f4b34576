/**
 * A fuzz target behind a synchronous call with a deadline. fast-check runs
 * properties synchronously; this thread blocks on a shared signal while the
 * worker checks the input, and an input that takes longer than the bound is a
 * finding (a hang), after which the worker is replaced.
 */
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Outcome, SandboxWorkerData } from './sandbox-worker.js';
import { typeScriptWorkerSource } from '../../../src/worker-thread.js';

const STARTUP_MS = 60_000;
/** A worker that runs out of heap dies; that is reported like a hang, after the bound. */
const WORKER_HEAP_MB = 512;

interface Running {
  worker: Worker;
  port: MessagePort;
  signal: Int32Array;
}

export class Sandbox {
  #running: Running;

  constructor(
    private readonly targetUrl: string,
    private readonly hangMs: number,
  ) {
    this.#running = this.#start();
  }

  check(input: unknown): Outcome {
    const { port, signal } = this.#running;
    Atomics.store(signal, 0, 0);
    port.postMessage(input);
    const deadline = Date.now() + this.hangMs;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(signal, 0, 0, left) === 'timed-out') break;
      // The signal may be seen before the message it follows can be read: look again shortly.
      const answer = receiveMessageOnPort(port);
      if (answer) return answer.message as Outcome;
      Atomics.wait(signal, 0, 1, 1);
    }
    this.#restart();
    return { ok: false, finding: `no answer within ${this.hangMs} ms (a hang, or the worker ran out of its ${WORKER_HEAP_MB} MB heap)` };
  }

  close(): Promise<number> {
    return this.#running.worker.terminate();
  }

  #restart(): void {
    void this.#running.worker.terminate();
    this.#running = this.#start();
  }

  #start(): Running {
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(4));
    const data: SandboxWorkerData = { targetUrl: this.targetUrl, port: port2, signal };
    const worker = new Worker(typeScriptWorkerSource(new URL('./sandbox-worker.ts', import.meta.url)), {
      eval: true,
      workerData: data,
      transferList: [port2],
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
      name: 'fuzz-target',
    });
    worker.unref();
    if (Atomics.wait(signal, 0, 0, STARTUP_MS) === 'timed-out') throw new Error(`fuzz target ${this.targetUrl} did not start within ${STARTUP_MS} ms`);
    const ready = receiveMessageOnPort(port1)?.message;
    if (ready !== 'ready') throw new Error(`fuzz target ${this.targetUrl} did not start: ${JSON.stringify(ready)}`);
    return { worker, port: port1, signal };
  }
}
