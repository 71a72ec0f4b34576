/**
 * Runs a fuzz target on inputs drawn by fast-check, each checked in a
 * sandboxed worker with a hang bound.
 *
 * In `npm test` (no FUZZ_SECONDS) a run is short and reproducible: a fixed
 * seed and a fixed number of inputs (capped in time so a loaded machine does
 * not stall the suite). `npm run fuzz` sets FUZZ_SECONDS: each target then
 * runs that long from a random seed, printed so a finding can be replayed
 * with FUZZ_SEED. A finding fails the test with the shrunk input; it then
 * becomes a regular test beside the code it broke.
 */
import * as fc from 'fast-check';
import { Sandbox } from './sandbox.js';

export const DEFAULT_SEED = 20261205;
const SHORT_RUN_CAP_MS = 20_000;

export interface FuzzOptions {
  /** Inputs in a short run (npm test). */
  runs: number;
  /** An input that takes longer is a hang; generous because the test machine is shared. */
  hangMs?: number;
}

export function envNumber(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${name} must be a number, got ${JSON.stringify(text)}`);
  return value;
}

function parameters<Input>(name: string, options: FuzzOptions): fc.Parameters<[Input]> {
  const seconds = envNumber('FUZZ_SECONDS');
  const seed = envNumber('FUZZ_SEED') ?? (seconds === undefined ? DEFAULT_SEED : Math.floor(Math.random() * 2 ** 31));
  if (seconds === undefined) return { seed, numRuns: options.runs, interruptAfterTimeLimit: SHORT_RUN_CAP_MS, markInterruptAsFailure: false };
  console.log(`fuzz ${name}: ${seconds} s from seed ${seed} (replay with FUZZ_SEED=${seed})`);
  return { seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false };
}

/** `targetUrl`: a module (under test/fuzz/targets) whose default export is a FuzzTarget<Input>. */
export async function fuzz<Input>(name: string, targetUrl: URL, inputs: fc.Arbitrary<Input>, options: FuzzOptions): Promise<void> {
  const sandbox = new Sandbox(targetUrl.href, envNumber('FUZZ_HANG_MS') ?? options.hangMs ?? 3000);
  try {
    const property = fc.property(inputs, (input) => {
      const outcome = sandbox.check(input);
      if (!outcome.ok) throw new Error(outcome.finding);
    });
    const details = await Promise.resolve(fc.check(property, parameters<Input>(name, options)));
    if (details.failed) throw new Error(`${fc.defaultReportMessage(details)}\nFinding: ${(details.errorInstance as Error | undefined)?.message}`);
    if (process.env.FUZZ_SECONDS !== undefined) console.log(`fuzz ${name}: ${details.numRuns} inputs, no finding`);
  } finally {
    await sandbox.close();
  }
}
