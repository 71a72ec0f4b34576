/** Messages between the embedded engine and its media worker thread. */
import type { DigitEvent } from '../dtmf/digits.js';
import type { MediaSettings } from '../settings.js';
import type { MediaCoreApi } from './media-core.js';

export type CoreMethod = keyof MediaCoreApi;

export interface MediaWorkerData {
  settings: MediaSettings;
  /** Which of the engine's media threads this is. */
  thread: { index: number; count: number };
}

export interface CallMessage {
  id: number;
  method: CoreMethod;
  args: unknown[];
}

export interface SerializedError {
  name: string;
  message: string;
  code?: string;
}

export type FromMediaWorker =
  | { kind: 'result'; id: number; value: unknown }
  | { kind: 'error'; id: number; error: SerializedError }
  | { kind: 'digit'; sessionId: string; event: DigitEvent };

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message, code: (error as { code?: string }).code };
  return { name: 'Error', message: String(error) };
}

/** The same class name, message and code on this side of the boundary, so callers can tell errors apart. */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.code) Object.assign(error, { code: serialized.code });
  return error;
}
