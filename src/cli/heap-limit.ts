/**
 * Node reads its heap's options at start only (--max-old-space-size,
 * --max-semi-space-size, --single-threaded-gc), so `start` applies the configured ones by running
 * itself again with them: the first process only relays signals and the exit
 * code. The relaunched one is told by CALLROUTER_HEAP_OPTIONS that they are
 * in place. It stays in our session and process group: in a session of its
 * own the scheduler gives it a share of its own (autogroup), and under load
 * its calls were set up 100× slower than those of a router beside it. A
 * Ctrl-C on the terminal thus reaches it twice (directly and relayed), which
 * `start` takes as one.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const APPLIED = 'CALLROUTER_HEAP_OPTIONS';
const RELAYED_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];

/** Whether this process already runs with node's `options` for its heap (none: node's own sizes, nothing to apply). */
export function heapOptionsApplied(options: readonly string[], env: NodeJS.ProcessEnv = process.env): boolean {
  return options.length === 0 || env[APPLIED] === options.join(' ');
}

/** Runs this command again with node's `options` for its heap; resolves with its exit code when it ends. */
export function relaunchWithHeapOptions(options: readonly string[]): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, ...options, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [APPLIED]: options.join(' ') },
  });
  const relay = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of RELAYED_SIGNALS) process.on(signal, relay);
  return new Promise((resolve) => {
    child.once('error', (error) => {
      console.error(`could not relaunch with ${options.join(' ')}: ${error.message}`);
      resolve(1);
    });
    child.once('exit', (code, signal) => {
      for (const name of RELAYED_SIGNALS) process.off(name, relay);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

/**
 * In the relaunched process: when the launcher is gone without relaying a
 * signal (kill -9, the OOM killer), this process ends the same way, so that
 * killing the pid a user or supervisor knows is a crash of the router as
 * before, never an orphaned router holding the ports and the data.
 */
export function dieWithLauncher(): void {
  if (process.env[APPLIED] === undefined || !process.connected) return;
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  // The channel is only watched: it must not keep the process alive once the router has stopped.
  process.channel?.unref();
}
