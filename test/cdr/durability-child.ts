/**
 * Child process of durability.test.ts: indexes one CDR (with
 * flushEachWrite and checkpointOnThread as the third and fourth arguments
 * say), says so on stdout, then waits to be killed with SIGKILL.
 */
import { openSqliteCdrStore } from '../../src/cdr/sqlite/store.js';
import { CHECKPOINT_AFTER_ROWS } from '../../src/cdr/sqlite/wal-checkpointer.js';

const [path, id, flushEachWrite, checkpointOnThread] = process.argv.slice(2);
const store = openSqliteCdrStore({ path, flushEachWrite: flushEachWrite === 'true', checkpointOnThread: checkpointOnThread === 'true' });
// With checkpoints on their thread, enough rows that one follows this commit (CHECKPOINT_AFTER_ROWS): it may be running when the process is killed.
const others = checkpointOnThread === 'true' ? Array.from({ length: CHECKPOINT_AFTER_ROWS }, (_, index) => ({ id: `${id}-other-${index}`, document: { 'User ID': '102' } })) : [];
await store.index([...others, { id, document: { 'User ID': '101', 'Call start time': new Date().toISOString() } }]);
process.stdout.write(`acknowledged ${id}\n`);
setInterval(() => undefined, 1000);
