import { importCdrFile } from '../cdr/import.js';
import type { DomainCountries } from '../cdr/sqlite/customer-numbers.js';
import { openSqliteCdrStore, type SqliteCdrStore } from '../cdr/sqlite/store.js';
import { UsageError } from './failure.js';

/**
 * The store a trace searches: an in-memory SQLite store, loaded from `--cdr`
 * when given. A file with bad lines is refused: a trace over partial data
 * would answer a different question than the one asked.
 */
export async function openTraceCdrStore(file: string | undefined, timeZone: string, countries: DomainCountries): Promise<SqliteCdrStore> {
  const store = openSqliteCdrStore({ path: ':memory:', countries });
  if (!file) return store;
  try {
    const result = await importCdrFile(store, file, undefined, { timeZone });
    if (result.failed > 0) {
      throw new UsageError(
        `${file}: ${result.failed} CDR(s) could not be loaded`,
        result.errors.slice(0, 20).map((error) => `${error.line ? `line ${error.line}` : `element ${error.element}`}: ${error.reason}`),
      );
    }
    return store;
  } catch (error) {
    await store.close();
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${file}: cannot load CDRs: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
