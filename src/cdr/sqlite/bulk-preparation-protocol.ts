/** Messages between a CDR request worker (./bulk-preparation.ts) and the thread that reads and prepares its `_bulk` bodies (./bulk-preparation-worker.ts). */
import type { BulkActionName } from '../bulk.js';
import type { RowPreparation } from './store.js';
import type { PreparedRow, WriteFailure } from './prepared-row.js';
import type { RequestFailure } from './cdr-request-protocol.js';
import type { ClientWrite } from '../store.js';

/** An action of the body, in order: a document's row, why it has none, or a write the store's own thread prepares (delete, update). */
export type PreparedBulkAction =
  | { action: BulkActionName; row: PreparedRow; mode: 'index' | 'create' }
  | { action: BulkActionName; failure: WriteFailure }
  | { action: BulkActionName; item: ClientWrite };

export type ToBulkPreparation =
  | { type: 'open'; upload: number; index: string | undefined; maxActions: number; preparation: RowPreparation }
  | { type: 'chunk'; upload: number; chunk: Uint8Array }
  /** The body has all arrived. */
  | { type: 'end'; upload: number }
  | { type: 'discard'; upload: number };

export type FromBulkPreparation =
  | { type: 'actions'; upload: number; actions: PreparedBulkAction[] }
  /** The body was read in full: `failure` is its refusal, if it earned one. */
  | { type: 'ended'; upload: number; failure?: RequestFailure };
