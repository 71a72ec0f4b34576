/**
 * Child process of durability.test.ts: indexes one CDR (with
 * flushEachWrite and checkpointOnThread as the third and fourth arguments
 * say), says so on stdout, then waits to be killed with SIGKILL.
 */
import { openSqliteCdrStore } from '../../src/cdr/sqlite/store.js';

const [path, id, flushEachWrite, checkpointOnThread] = process.argv.slice(2);
const store = openSqliteCdrStore({ path, flushEachWrite: flushEachWrite === 'true', checkpointOnThread: checkpointOnThread === 'true' });
await store.index([{ id, document: { 'User ID': '101', 'Call start time': new Date().toISOString() } }]);
process.stdout.write(`acknowledged ${id}\n`);
setInterval(() => undefined, 1000);
