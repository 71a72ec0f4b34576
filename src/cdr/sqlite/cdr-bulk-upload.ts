/**
 * A `_bulk` body arriving over the network goes to the CDR request thread
 * chunk by chunk as it comes, each chunk moved there, not copied: this (the
 * SIP) thread never collects, joins or decodes it. The thread reads each
 * chunk at once (../bulk-reader.ts), beside the requests it runs; once the
 * body is all there, a `bulk` request writes what it read. An upload that
 * ends any other way (its client went away, its body was refused) is
 * dropped there: nothing of it is left behind.
 */
import { setImmediate } from 'node:timers/promises';
import { CdrQueryError } from '../store.js';
import type { CdrWorkerLane, LaneRequest } from './cdr-worker-lane.js';

let nextUpload = 1;

/** Whether the bytes alone fill their memory, which can then be moved to another thread (a view into a larger buffer would move all of it). */
export function ownsItsMemory(bytes: Uint8Array): boolean {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
}

/** The refusal of a body whose chunks went to a thread since ended (another request's, past its deadline): they are gone with it. */
export function bodyLost(): CdrQueryError {
  return new CdrQueryError('task_cancelled_exception', 'The bulk request was cancelled: the thread reading its body was ended; send it again');
}

/**
 * Sends `body` to the lane's thread as it arrives, then runs the request `writeRequest` makes of the upload.
 * A failure of the body (its client gone, a limit) is the request's.
 */
export async function uploadBulk(lane: CdrWorkerLane, body: AsyncIterable<Uint8Array>, index: string | undefined, writeRequest: (upload: number) => LaneRequest): Promise<unknown> {
  const upload = nextUpload++;
  const thread = lane.send({ type: 'bulk-open', upload, index });
  if (thread === undefined) throw new Error('the CDR store is closed');
  let written = false;
  try {
    for await (const bytes of body) {
      const chunk = ownsItsMemory(bytes) ? bytes : new Uint8Array(bytes);
      if (!lane.sendTo(thread, { type: 'bulk-chunk', upload, chunk })) throw bodyLost();
      // Chunks already received come one after another without a turn of the event loop: SIP messages go between them.
      await setImmediate();
    }
    const response = await lane.run(writeRequest(upload));
    written = true;
    return response;
  } finally {
    // A request that ran took its upload (failed or not); one that never ran (cancelled while queued, say) leaves it to drop.
    if (!written) lane.sendTo(thread, { type: 'bulk-discard', upload });
  }
}
