import type { ExpressionEnv } from '../../src/engine/expr/types.js';

/** An ExpressionEnv for tests that records what the expression asked for. */
export class FakeEnv implements ExpressionEnv {
  readonly channelReads: string[] = [];
  readonly captures: [number, readonly string[]][] = [];
  readonly existsAsked: string[] = [];
  nowReads = 0;
  readonly #now: Date;

  constructor(
    readonly variables: Readonly<Record<string, string>> = {},
    readonly options: {
      now?: Date;
      timeZone?: string;
      globals?: Readonly<Record<string, string>>;
      existing?: readonly string[];
      usage?: Readonly<Record<string, number>>;
      earlierCaptures?: readonly (readonly string[])[];
    } = {},
  ) {
    this.#now = options.now ?? new Date('2026-03-29T10:30:15Z');
  }

  get now(): Date {
    this.nowReads++;
    return this.#now;
  }

  get timeZone(): string {
    return this.options.timeZone ?? 'UTC';
  }

  channel(name: string): string | undefined {
    this.channelReads.push(name);
    return this.variables[name];
  }

  global(name: string): string | undefined {
    return this.options.globals?.[name];
  }

  setCaptures(reg: number, captures: readonly string[]): void {
    this.captures.push([reg, captures]);
  }

  exists(name: string): boolean {
    this.existsAsked.push(name);
    return this.options.existing?.includes(name) ?? false;
  }

  usage(name: string): number {
    return this.options.usage?.[name] ?? 0;
  }

  capture(reg: number, group: number): string | undefined {
    return this.options.earlierCaptures?.[reg]?.[group];
  }
}
