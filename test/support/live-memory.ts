/**
 * The memory in use right after a full collection — the JavaScript heap and
 * the bytes of Buffers, which live outside it —, for tests that check what a
 * structure keeps alive.
 */
import { Session } from 'node:inspector/promises';

export async function liveMemoryBytes(): Promise<number> {
  // A full collection through the inspector protocol (no --expose-gc in the test runner).
  const inspector = new Session();
  inspector.connect();
  await inspector.post('HeapProfiler.collectGarbage');
  inspector.disconnect();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}
