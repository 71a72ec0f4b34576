/** How a command fails: usage errors print their details and exit 2; anything else exits 1. */

/** Bad input on the command line: printed with its details, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Runs a command action, reporting its failure. */
export function action<A extends unknown[]>(run: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await run(...args);
    } catch (error) {
      reportFailure(error);
    }
  };
}

export function reportFailure(error: unknown): void {
  if (error instanceof UsageError) {
    console.error(error.message);
    for (const detail of error.details) console.error(`  ${detail}`);
    process.exitCode = 2;
    return;
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
}
