import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { LogWatcher } from './log-watcher.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** By URL: a child running in a scratch folder would not resolve a bare `tsx`. */
const TSX = import.meta.resolve('tsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `callrouter <args>` from the sources, as a user would run the built command. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}src/cli/main.ts`, ...args], {
      cwd: options.cwd ?? ROOT,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What commander's own endings (help, its usage errors) throw in runCliHere instead of exiting. */
class CliExit extends Error {
  constructor(readonly code: number) {
    super(`callrouter exited with ${code}`);
  }
}

/** runCliHere's calls, one after another: they share the console and process.exitCode. */
let cliHereQueue: Promise<unknown> = Promise.resolve();

/**
 * `callrouter <args>` in this process: the program main.ts runs, its console
 * output captured and its exit code read from process.exitCode. For tests of
 * what a command does rather than of the process around it, each call saves
 * starting Node, tsx and every command's modules (seconds of CPU); the process
 * itself stays covered by the tests that use runCli. What else in this process
 * writes to the console meanwhile is captured too.
 */
export function runCliHere(args: string[]): Promise<CliResult> {
  const result = cliHereQueue.then(() => runInProcess(args));
  cliHereQueue = result.catch(() => undefined);
  return result;
}

async function runInProcess(args: string[]): Promise<CliResult> {
  const { createProgram } = await import('../../src/cli/program.js');
  const { reportFailure } = await import('../../src/cli/failure.js');
  const stdout: string[] = [];
  const stderr: string[] = [];
  const saved = { log: console.log, info: console.info, error: console.error, warn: console.warn, exitCode: process.exitCode };
  const into = (lines: string[]) => (...parts: unknown[]) => void lines.push(`${format(...parts)}\n`);
  console.log = console.info = into(stdout);
  console.error = console.warn = into(stderr);
  process.exitCode = undefined;
  let code = 0;
  try {
    await createProgram((exitCode) => {
      throw new CliExit(exitCode);
    }).parseAsync(args, { from: 'user' });
  } catch (error) {
    if (error instanceof CliExit) process.exitCode = error.code;
    else reportFailure(error);
  } finally {
    Object.assign(console, { log: saved.log, info: saved.info, error: saved.error, warn: saved.warn });
    code = Number(process.exitCode ?? 0);
    process.exitCode = saved.exitCode;
  }
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** `callrouter start --config <config>` as a child process in `dir`, its JSON log lines watched; after the test it is killed if still running and `dir` removed. */
export function startRouterProcess(t: TestContext, config: string, dir: string): { child: ChildProcess; logs: LogWatcher; exited: Promise<unknown> } {
  const child = spawn(process.execPath, ['--import', TSX, `${ROOT}src/cli/main.ts`, 'start', '--config', config], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  return { child, logs: new LogWatcher(child), exited };
}
