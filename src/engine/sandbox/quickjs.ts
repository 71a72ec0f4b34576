import type { QuickJSWASMModule } from 'quickjs-emscripten';

/** What one evaluation may use. */
export interface SandboxLimits {
  timeoutMs: number;
  memoryBytes: number;
  stackBytes: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = { timeoutMs: 2000, memoryBytes: 16 * 1024 * 1024, stackBytes: 512 * 1024 };

export type SandboxResult = { ok: true; value: unknown } | { ok: false; error: string };

let loading: Promise<QuickJSWASMModule> | undefined;

/** QuickJS compiled to WebAssembly, loaded on first use: a schema without JavaScript never pays for it. */
function quickJS(): Promise<QuickJSWASMModule> {
  return (loading ??= import('quickjs-emscripten').then((module) => module.getQuickJS()));
}

/**
 * Evaluates `code` in a fresh QuickJS runtime inside WebAssembly: no host
 * objects (no require, process, fetch, timers or file system), a memory cap, a
 * stack cap and a deadline. `input` arrives as one JSON string in the global
 * `__input`, never as code. The completion value comes back as plain data.
 */
export async function evaluateInSandbox(code: string, input: unknown, limits: SandboxLimits = DEFAULT_SANDBOX_LIMITS): Promise<SandboxResult> {
  const runtime = (await quickJS()).newRuntime();
  try {
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(limits.stackBytes);
    const deadline = Date.now() + limits.timeoutMs;
    runtime.setInterruptHandler(() => Date.now() > deadline);
    const context = runtime.newContext();
    try {
      const data = context.newString(JSON.stringify(input) ?? 'null');
      context.setProp(context.global, '__input', data);
      data.dispose();
      const result = context.evalCode(code, 'schema.js');
      if (result.error) {
        const error = context.dump(result.error);
        result.error.dispose();
        return { ok: false, error: Date.now() > deadline ? `timed out after ${limits.timeoutMs} ms` : describeError(error) };
      }
      const value = context.dump(result.value);
      result.value.dispose();
      return { ok: true, value };
    } finally {
      context.dispose();
    }
  } catch (error) {
    // The runtime itself gave out (memory): the evaluation failed, the router goes on.
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    runtime.dispose();
  }
}

function describeError(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    return `${typeof name === 'string' ? name : 'Error'}: ${String(message)}`;
  }
  return String(error);
}
