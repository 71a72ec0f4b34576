// `node --import ./scripts/test-loader/flush-before-exit.mjs --test --test-force-exit`: a test process
// ends only once all its results have left it. Node 20's runner, forcing the exit, calls process.exit()
// as soon as its own stream of results has closed, while the last of them may still be on their way
// to stdout or in stdout's queue to the runner (a pipe it has not read yet); they are lost, and the
// run reports fewer tests than ran and still passes (nodejs/node#64833; seen in CI as 1,578 tests
// of 1,588). Here the exit waits until the results have all been written.
import { finished } from 'node:stream/promises';
import { isMainThread } from 'node:worker_threads';

// Not the runner's own process, nor worker threads or processes that tests start.
if (isMainThread && process.env.NODE_TEST_CONTEXT === 'child-v8' && process.execArgv.includes('--test-force-exit')) {
  /** The reporter streams piped into stdout: the results, serialised for the runner. */
  const reports = [];
  process.stdout.on('pipe', (source) => reports.push(finished(source, { writable: false }).catch(() => {})));
  const exit = process.exit;
  process.exit = function exitOnceReported(code) {
    if (reports.length === 0) {
      // A runner that reports some other way than by piping into stdout: nothing here makes its exit wait.
      process.stderr.write('flush-before-exit.mjs: no report was piped into stdout; results may be lost (scripts/test-loader)\n');
      return exit.call(process, 1);
    }
    // Once each report has ended, it has handed all it had to stdout; a write's callback then
    // runs after those of every write queued before it.
    void Promise.all(reports).then(() => process.stdout.write('', () => exit.call(process, code)));
  };
}
