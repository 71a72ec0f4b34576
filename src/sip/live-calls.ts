/**
 * Calls in progress on the SIP server as the admin API and its event stream
 * see them: a read-only summary and the events of their life, so that
 * nothing outside src/sip reaches into dialogs or legs.
 */
import type { CallState } from '../call/call.js';
import type { HangupCause } from '../call/hangup-cause.js';

export interface LiveCall {
  uuid: string;
  state: CallState;
  /** The domain its route belongs to ('' before it is known). */
  domain: string;
  callerIdNumber: string;
  destinationNumber: string;
  /** `inbound` (from a gateway or anonymous), `outbound`/`internal` (from a user): FreeSWITCH's `webitel_direction`. */
  direction: string;
  startedAt: string;
}

export type CallEvent =
  | { type: 'call.started' | 'call.ringing' | 'call.answered'; call: LiveCall }
  | { type: 'call.ended'; call: LiveCall; hangupCause: HangupCause };

export type CallEventListener = (event: CallEvent) => void;

/** Where the calls' events go; while nobody `listening`, none is built (a summary of the call each, a few per call). */
export interface CallEvents {
  readonly listening: boolean;
  emit: CallEventListener;
}

/** What a running SIP server offers about its calls. */
export interface LiveCalls {
  list(): LiveCall[];
  /** Ends a call as an administrator would (MANAGER_REQUEST); false when no such call is in progress. */
  hangup(uuid: string): Promise<boolean>;
  onEvent(listener: CallEventListener): () => void;
}
