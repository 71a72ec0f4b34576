import type { HangupCause } from './hangup-cause.js';

/**
 * Everything an application may do to a call. Telephony adapters implement it
 * (SimCall for traces and tests, SipCall for the built-in server, later EslCall);
 * applications never see SIP or sockets.
 */
export interface Call {
  readonly uuid: string;

  /** Channel variables. Values are strings, as on a FreeSWITCH channel. */
  getVariable(name: string): string | undefined;
  setVariable(name: string, value: string): void;
  unsetVariable(name: string): void;
  variables(): IterableIterator<[string, string]>;

  /** Aborted when the call ends (caller hung up or `hangup` ran); apps that wait pass it on. */
  readonly signal: AbortSignal;
  readonly state: CallState;
  /** The cause the call ended with; undefined while it is up. */
  readonly hangupCause: HangupCause | undefined;

  /** 200 OK: the call is answered (no-op if it already is). */
  answer(): Promise<void>;
  /** 183 Session Progress: early media. */
  preAnswer(): Promise<void>;
  /** 180 Ringing. */
  ringReady(): Promise<void>;
  hangup(cause: HangupCause): Promise<void>;

  /**
   * Rings the request's targets and, when one answers, connects the call to it.
   * Resolves when the bridge failed (nobody answered: the flow goes on) or when
   * the bridged conversation has ended.
   */
  bridge(request: BridgeRequest): Promise<BridgeResult>;

  /** Collects DTMF digits the caller presses (for playback's getDigits). */
  collectDigits(request: DigitsRequest): Promise<string>;
}

export type CallState = 'ringing' | 'early' | 'answered' | 'ended';

export type EndpointType = 'user' | 'gateway' | 'device' | 'sipUri';

export interface BridgeEndpoint {
  type: EndpointType;
  /** user: the extension; gateway: the gateway's name; device: the device name. */
  name: string;
  /** user: the user's domain when it is not the call's. */
  domainName?: string;
  /** gateway: the number to dial; sipUri: the user part or whole URI. */
  dialString?: string;
  /** sipUri: the host to send to. */
  host?: string;
  /** Channel settings for this target's leg, after substitution (`leg_timeout` → "15"). */
  parameters: Record<string, string>;
}

export interface BridgeRequest {
  /** `multiple`: ring all at once; `failover`: one after another. */
  strategy: 'multiple' | 'failover';
  endpoints: BridgeEndpoint[];
  /** Settings for every new leg (endpoint parameters override them). */
  parameters: Record<string, string>;
  /** Channel variables copied onto the new legs (`all:`/`nolocal:` setVar, exportVars). */
  exportedVariables: Record<string, string>;
  codecs: string[];
}

export type BridgeResult =
  | {
      answered: true;
      /** Index into request.endpoints of the target that answered. */
      endpointIndex: number;
      /** The cause the bridged conversation ended with. */
      hangupCause: HangupCause;
      /** Seconds the winning target rang before answering. */
      ringSeconds: number;
      /** The uuid of the leg that answered (`last_bridge_to`). */
      legUuid?: string;
    }
  | {
      answered: false;
      /** Why nobody answered: NO_ANSWER, USER_BUSY, USER_NOT_REGISTERED, CALL_REJECTED, ... */
      cause: HangupCause;
      /** Per-target outcome, in request order. */
      attempts: BridgeAttempt[];
    };

export interface BridgeAttempt {
  endpointIndex: number;
  cause: HangupCause;
}

export interface DigitsRequest {
  min: number;
  max: number;
  timeoutMs: number;
  terminators: string;
}

/**
 * The abort reason of a call's signal. One shared instance per cause: its
 * stack trace says nothing, and capturing one on every call costs.
 */
export function callEndedReason(cause: HangupCause): CallEndedError {
  let reason = ENDED_REASONS.get(cause);
  if (!reason) {
    reason = new CallEndedError(cause);
    ENDED_REASONS.set(cause, reason);
  }
  return reason;
}

const ENDED_REASONS = new Map<HangupCause, CallEndedError>();

export class CallEndedError extends Error {
  constructor(readonly hangupCause: HangupCause) {
    super(`call ended: ${hangupCause}`);
    this.name = 'CallEndedError';
  }
}
