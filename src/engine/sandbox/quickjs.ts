import { Worker } from 'node:worker_threads';

/** What one evaluation may use. */
export interface SandboxLimits {
  timeoutMs: number;
  memoryBytes: number;
  stackBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { timeoutMs: 2000, memoryBytes: 16 * 1024 * 1024, stackBytes: 512 * 1024 };

export type SandboxResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * The worker's program: QuickJS compiled to WebAssembly evaluates each script
 * in a fresh runtime with a memory cap, a stack cap and an interrupt deadline;
 * the input arrives as one JSON string in the global `__input`, never as code,
 * and the completion value goes back as plain data. Plain JavaScript, so it
 * runs the same from the sources and from the build.
 */
const WORKER_PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const describe = (error) => error && typeof error === 'object' && 'message' in error
  ? (typeof error.name === 'string' ? error.name : 'Error') + ': ' + String(error.message) : String(error);
import(workerData.quickjs).then((module) => module.getQuickJS()).then((quickjs) => {
  parentPort.on('message', ({ id, code, input, limits }) => {
    const runtime = quickjs.newRuntime();
    let result;
    try {
      runtime.setMemoryLimit(limits.memoryBytes);
      runtime.setMaxStackSize(limits.stackBytes);
      const deadline = Date.now() + limits.timeoutMs;
      runtime.setInterruptHandler(() => Date.now() > deadline);
      const context = runtime.newContext();
      try {
        const data = context.newString(input);
        context.setProp(context.global, '__input', data);
        data.dispose();
        const evaluated = context.evalCode(code, 'schema.js');
        if (evaluated.error) {
          const error = context.dump(evaluated.error);
          evaluated.error.dispose();
          result = { ok: false, error: Date.now() > deadline ? 'timed out after ' + limits.timeoutMs + ' ms' : describe(error) };
        } else {
          result = { ok: true, value: context.dump(evaluated.value) };
          evaluated.value.dispose();
        }
      } finally {
        context.dispose();
      }
    } catch (error) {
      result = { ok: false, error: describe(error) };
    } finally {
      try { runtime.dispose(); } catch {}
    }
    parentPort.postMessage({ id, result });
  });
  parentPort.postMessage({ ready: true });
});
`;

/** Time past the deadline before the worker itself is stopped: for work QuickJS cannot interrupt (one huge native call). */
const HARD_STOP_GRACE_MS = 250;

interface Pending {
  resolve(result: SandboxResult): void;
  timer: NodeJS.Timeout;
}

/**
 * QuickJS in its own worker thread, started on first use — a schema without
 * JavaScript never pays for it — so no script can hold up calls: one that
 * overruns its deadline even inside a native operation gets its worker
 * terminated, and the next script gets a new one.
 */
class SandboxWorker {
  #worker: { worker: Worker; ready: Promise<boolean> } | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();

  /** Evaluations under way: while there are any, the worker keeps the process alive; idle, it does not. */
  #busy = 0;

  async evaluate(code: string, input: unknown, limits: SandboxLimits): Promise<SandboxResult> {
    const started = this.#started();
    this.#busy++;
    started.worker.ref();
    try {
      return await this.#run(started, code, input, limits);
    } finally {
      if (--this.#busy === 0) this.#worker?.worker.unref();
    }
  }

  async #run({ worker, ready }: { worker: Worker; ready: Promise<boolean> }, code: string, input: unknown, limits: SandboxLimits): Promise<SandboxResult> {
    // The deadline counts from when QuickJS is loaded: a slow start is not the script's time.
    if (!(await ready)) return { ok: false, error: 'the sandbox did not start' };
    const id = this.#nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#stop(`timed out after ${limits.timeoutMs} ms`), limits.timeoutMs + HARD_STOP_GRACE_MS);
      this.#pending.set(id, { resolve, timer });
      worker.postMessage({ id, code, input: JSON.stringify(input) ?? 'null', limits });
    });
  }

  #started(): { worker: Worker; ready: Promise<boolean> } {
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_PROGRAM, { eval: true, name: 'js-sandbox', workerData: { quickjs: import.meta.resolve('quickjs-emscripten') } });
    const ready = new Promise<boolean>((resolve) => {
      worker.once('message', () => resolve(true));
      worker.once('exit', () => resolve(false));
    });
    worker.on('message', (message: { id?: number; result?: SandboxResult }) => {
      const pending = message.id === undefined ? undefined : this.#pending.get(message.id);
      if (!pending || !message.result) return;
      clearTimeout(pending.timer);
      this.#pending.delete(message.id!);
      pending.resolve(message.result);
    });
    worker.on('error', (error) => this.#stop(`the sandbox failed: ${error.message}`));
    worker.on('exit', () => {
      if (this.#worker?.worker === worker) this.#stop('the sandbox stopped');
    });
    // After the listeners, which ref the worker's port again: an idle sandbox never keeps the process alive.
    worker.unref();
    this.#worker = { worker, ready };
    return this.#worker;
  }

  /** Ends the worker and every evaluation waiting on it. */
  #stop(error: string): void {
    const worker = this.#worker?.worker;
    this.#worker = undefined;
    void worker?.terminate();
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.resolve({ ok: false, error });
    }
  }
}

const sandbox = new SandboxWorker();

/**
 * Evaluates `code` in QuickJS inside WebAssembly, on the sandbox's worker
 * thread: no host objects (no require, process, fetch, timers or file
 * system), a memory cap, a stack cap and a deadline; `input` is data.
 */
export function evaluateInSandbox(code: string, input: unknown, limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS): Promise<SandboxResult> {
  return sandbox.evaluate(code, input, limits);
}
