/**
 * The thread that reads a CDR request worker's `_bulk` bodies as they arrive
 * and prepares each document's row (./prepared-row.ts), so the request
 * worker's thread only writes them: the two halves of a bulk load on two
 * cores, and one body read while another is written. Each body is prepared
 * with the store's mapping and number plans as its upload opened, learning
 * the fields its own documents map as the writer will (the writer prepares a
 * row again if its mapping moved on meanwhile). Started by ./bulk-preparation.ts.
 */
import { randomUUID } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { setUpThisThread } from '../../worker-thread.js';
import { BulkBodyReader } from '../bulk-reader.js';
import type { BulkAction } from '../bulk.js';
import { CdrMapping } from '../mapping.js';
import type { FromBulkPreparation, PreparedBulkAction, ToBulkPreparation } from './bulk-preparation-protocol.js';
import { failureOf } from './cdr-request-protocol.js';
import { CustomerNumberReader } from './customer-numbers.js';
import { isFailure, prepareRow, type WriteLimits } from './prepared-row.js';

setUpThisThread();
if (!parentPort) throw new Error('bulk-preparation-worker.js runs as a worker thread');
const port = parentPort;

interface Upload {
  reader: BulkBodyReader;
  mapping: CdrMapping;
  customers: CustomerNumberReader;
  limits: WriteLimits;
}

const uploads = new Map<number, Upload>();

function prepared(action: BulkAction, upload: Upload): PreparedBulkAction {
  if ('unparsable' in action) return { action: action.action, failure: { ok: false, id: action.unparsable.id, status: 400, type: 'mapper_parsing_exception', reason: action.unparsable.reason } };
  const { item } = action;
  if (item.mode !== 'index' && item.mode !== 'create') return { action: action.action, item };
  const row = prepareRow(item.id ?? randomUUID(), item.document, upload.mapping, upload.customers, upload.limits);
  if (isFailure(row)) return { action: action.action, failure: row };
  upload.mapping.learn(row.added);
  return { action: action.action, row, mode: item.mode };
}

function send(upload: number, actions: BulkAction[], state: Upload): void {
  if (actions.length > 0) port.postMessage({ type: 'actions', upload, actions: actions.map((action) => prepared(action, state)) } satisfies FromBulkPreparation);
}

port.on('message', (message: ToBulkPreparation) => {
  if (message.type === 'open') {
    const { mappedFields, numberPlans, limits } = message.preparation;
    uploads.set(message.upload, { reader: new BulkBodyReader(message.index, message.maxActions), mapping: new CdrMapping(mappedFields), customers: new CustomerNumberReader(numberPlans), limits });
    return;
  }
  const upload = uploads.get(message.upload);
  if (!upload) return;
  switch (message.type) {
    case 'chunk':
      upload.reader.push(message.chunk);
      send(message.upload, upload.reader.take(), upload);
      return;
    case 'end': {
      uploads.delete(message.upload);
      let failure;
      try {
        send(message.upload, upload.reader.end(), upload);
      } catch (error) {
        failure = failureOf(error);
      }
      port.postMessage({ type: 'ended', upload: message.upload, ...(failure ? { failure } : {}) } satisfies FromBulkPreparation);
      return;
    }
    case 'discard':
      uploads.delete(message.upload);
  }
});
