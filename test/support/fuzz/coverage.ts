/**
 * Coverage feedback for the guided fuzzer, from V8's own block coverage
 * through the inspector of the thread that runs the target.
 *
 * V8 reports a function's blocks compacted: a block run as often as its
 * parent is left out, and one never run shows up with count 0. So the count
 * of a block is that of the innermost reported range holding it; every range
 * ever reported is remembered and measured that way after each input. A
 * feature is (block, hit-count bucket) as AFL counts them: an input that
 * reaches a block never reached before, or reaches it a number of times in a
 * bucket not seen before, brings new coverage.
 */
import { Session } from 'node:inspector';

interface Range {
  start: number;
  end: number;
  count: number;
}

interface ScriptCoverage {
  url: string;
  functions: { ranges: { startOffset: number; endOffset: number; count: number }[] }[];
}

/** AFL's buckets: 1, 2, 3, 4–7, 8–15, 16–31, 32–127, 128+; 0 is no hit. */
function bucket(count: number): number {
  if (count === 0) return 0;
  if (count <= 3) return 1 << (count - 1);
  if (count <= 7) return 1 << 3;
  if (count <= 15) return 1 << 4;
  if (count <= 31) return 1 << 5;
  if (count <= 127) return 1 << 6;
  return 1 << 7;
}

/** Outer ranges first: by start, then the longer one. */
const byNesting = (a: Range, b: Range) => a.start - b.start || b.end - a.end;

/** Blocks of one script ever reported, with the buckets each has been seen in. */
class ScriptBlocks {
  readonly blocks: Range[] = [];
  readonly seen: number[] = [];
  readonly #index = new Map<number, number>();
  #sorted = true;

  know(range: Range): void {
    const key = range.start * 0x1000000 + range.end;
    if (this.#index.has(key)) return;
    this.#index.set(key, this.blocks.length);
    this.blocks.push({ start: range.start, end: range.end, count: 0 });
    this.seen.push(0);
    this.#sorted = false;
  }

  /** Counts every known block from this run's reported ranges (sorted by nesting): the innermost holding it. */
  measure(reported: Range[]): void {
    if (!this.#sorted) this.#sort();
    const open: Range[] = [];
    let next = 0;
    for (const block of this.blocks) {
      while (next < reported.length && byNesting(reported[next], block) <= 0) {
        const range = reported[next++];
        while (open.length > 0 && open[open.length - 1].end <= range.start) open.pop();
        open.push(range);
      }
      while (open.length > 0 && open[open.length - 1].end < block.end) open.pop();
      const holder = open[open.length - 1];
      block.count = holder !== undefined && holder.start <= block.start ? holder.count : 0;
    }
  }

  #sort(): void {
    const order = this.blocks.map((_, i) => i).sort((a, b) => byNesting(this.blocks[a], this.blocks[b]));
    const blocks = order.map((i) => this.blocks[i]);
    const seen = order.map((i) => this.seen[i]);
    this.blocks.splice(0, blocks.length, ...blocks);
    this.seen.splice(0, seen.length, ...seen);
    this.#index.clear();
    blocks.forEach((block, i) => this.#index.set(block.start * 0x1000000 + block.end, i));
    this.#sorted = true;
  }
}

export class CoverageFeedback {
  readonly #session = new Session();
  readonly #scripts = new Map<string, ScriptBlocks>();
  #features = 0;

  /** `sources`: URL prefixes of the code under test (its folder in src/); coverage elsewhere is ignored. */
  constructor(private readonly sources: readonly string[]) {
    this.#session.connect();
    this.#post('Profiler.enable');
    this.#post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    this.#post('Profiler.takePreciseCoverage');
  }

  /** (block, bucket) pairs seen so far. */
  get features(): number {
    return this.#features;
  }

  /** Blocks of the code under test reached at least once so far. */
  get blocksReached(): number {
    let reached = 0;
    for (const script of this.#scripts.values()) for (const seen of script.seen) if (seen !== 0) reached += 1;
    return reached;
  }

  /** Coverage since the last call (V8 resets its counters), merged in; the number of features that are new. */
  collect(): number {
    const { result } = this.#post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    let fresh = 0;
    for (const script of result) {
      if (!this.sources.some((prefix) => script.url.startsWith(prefix))) continue;
      let blocks = this.#scripts.get(script.url);
      if (blocks === undefined) this.#scripts.set(script.url, (blocks = new ScriptBlocks()));
      const reported: Range[] = [];
      for (const fn of script.functions) {
        for (const range of fn.ranges) {
          const reading = { start: range.startOffset, end: range.endOffset, count: range.count };
          reported.push(reading);
          blocks.know(reading);
        }
      }
      reported.sort(byNesting);
      blocks.measure(reported);
      blocks.blocks.forEach((block, i) => {
        const bit = bucket(block.count);
        if (bit !== 0 && (blocks.seen[i] & bit) === 0) {
          blocks.seen[i] |= bit;
          fresh += 1;
        }
      });
    }
    this.#features += fresh;
    return fresh;
  }

  close(): void {
    this.#post('Profiler.stopPreciseCoverage');
    this.#session.disconnect();
  }

  /** A session on this thread's own inspector answers synchronously. */
  #post(method: string, params?: object): unknown {
    let answer: unknown;
    let failure: Error | null = null;
    this.#session.post(method, params ?? {}, (error, result) => {
      failure = error;
      answer = result;
    });
    if (failure !== null) throw failure;
    return answer;
  }
}
