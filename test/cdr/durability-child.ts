/**
 * Child process of durability.test.ts: indexes one CDR (with
 * flushEachWrite as the third argument says), says so on stdout, then waits
 * to be killed with SIGKILL.
 */
import { openSqliteCdrStore } from '../../src/cdr/sqlite/store.js';

const [path, id, flushEachWrite] = process.argv.slice(2);
const store = openSqliteCdrStore({ path, flushEachWrite: flushEachWrite === 'true' });
await store.index([{ id, document: { 'User ID': '101', 'Call start time': new Date().toISOString() } }]);
process.stdout.write(`acknowledged ${id}\n`);
setInterval(() => undefined, 1000);
