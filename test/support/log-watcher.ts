/** The JSON log lines of a callrouter child process, and waiting for one. */
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** Collects the child's JSON log lines and resolves when one matches. */
export class LogWatcher {
  readonly lines: LogLine[] = [];
  readonly #waiting = new Set<{ match: (line: LogLine) => boolean; resolve: (line: LogLine) => void; reject: (error: Error) => void }>();
  #exited = false;

  constructor(child: ChildProcess) {
    child.on('exit', (code, signal) => {
      this.#exited = true;
      for (const waiter of this.#waiting) waiter.reject(new Error(`callrouter exited (${code ?? signal}) before logging what the test waits for`));
      this.#waiting.clear();
    });
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: LogLine;
      try {
        line = JSON.parse(text);
      } catch {
        return;
      }
      this.lines.push(line);
      for (const waiter of this.#waiting) {
        if (!waiter.match(line)) continue;
        this.#waiting.delete(waiter);
        waiter.resolve(line);
      }
    });
  }

  next(msg: string): Promise<LogLine> {
    const found = this.lines.find((line) => line.msg === msg);
    if (found) return Promise.resolve(found);
    if (this.#exited) return Promise.reject(new Error(`callrouter exited without logging "${msg}"`));
    return new Promise((resolve, reject) => this.#waiting.add({ match: (line) => line.msg === msg, resolve, reject }));
  }
}
