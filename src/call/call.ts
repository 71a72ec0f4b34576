import type { InbandDetection, MessageOptions, MessageRecording, PlayItem, PlayResult, RecordingOptions, RecordingSummary } from '../media/media-engine.js';
import type { CallerPrivacy } from './caller-privacy.js';
import type { CallEndedBy } from './call-end.js';
import type { HangupCause } from './hangup-cause.js';
import type { Continuation } from './continuation.js';

export type { InbandDetection, MessageRecording, PlayItem, PlayResult, RecordingOptions, RecordingSummary };

/** A recording's options, and who is told (once) when it is finished: by `stopRecording` or by the call's end. */
export interface CallRecordingOptions extends RecordingOptions {
  finished?(summary: RecordingSummary): void;
  /** The recording goes on when the bridged party transfers the call (FreeSWITCH's recording_follow_transfer); else the transfer stops it. */
  followTransfer?: boolean;
}

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
  /** Who ended the call; undefined while it is up. */
  readonly endedBy: CallEndedBy | undefined;

  /** 200 OK: the call is answered (no-op if it already is). */
  answer(): Promise<void>;
  /** 183 Session Progress: early media. */
  preAnswer(): Promise<void>;
  /** 180 Ringing. */
  ringReady(): Promise<void>;
  hangup(cause: HangupCause): Promise<void>;

  /**
   * Rings the plan's legs (group after group; a group's legs together, each
   * for its own time) and, when one answers, connects the call to it.
   * Comes to `to` when nobody answered, with each target's outcome, or when
   * the bridged conversation has ended (a continuation, not a promise: the
   * call waits on it for the whole conversation). What the plan means is
   * decided in `bridge-policy.ts`, not here.
   */
  bridge(plan: BridgePlan, to: Continuation<BridgeResult>): void;

  /**
   * The schema will play prompts or collect digits: the caller's media is to
   * be ours when the call is answered (SipCall answers with its media
   * engine's SDP instead of passing the SDP through). Calls whose media is
   * always reachable ignore it.
   */
  expectMedia(): void;

  /**
   * Plays to the caller, one item after another; a call not yet answered
   * hears it as early media (183 with our SDP), unanswered. Digits pressed
   * meanwhile stay buffered for collectDigits.
   * `failed`: an item could not be played (a substituted file missing or not
   * a supported WAV); nothing after it was played.
   */
  play(request: PlayRequest): Promise<PlayOutcome>;
  /** Digits the caller presses (RFC 4733, SIP INFO, in-band: one stream); a terminator ends the input and is not returned; a timeout returns what came. */
  collectDigits(request: DigitsRequest): Promise<string>;
  /** Drops the digits pressed and not yet collected (`flushDTMF`). */
  flushDigits(): void;

  /**
   * Records the call into the call's recording store as `name`: stereo WAV,
   * the caller on the left, what it hears (prompts, the other party) on the
   * right, or both mixed in mono; a call not yet answered is answered first.
   * Replaces a recording in progress; the call's end finishes it (and deletes
   * it when shorter than `minDurationMs`). Resolves with the file's path.
   */
  startRecording(name: string, options?: CallRecordingOptions): Promise<string>;
  /** Finishes the recording in progress, if any. */
  stopRecording(): Promise<RecordingSummary | undefined>;

  // Media apps beyond prompts and digits: `echo`, `inBandDTMF`.
  /** Sends the caller its own audio back, `delayMs` later, until the call ends (early media on a call not yet answered). */
  echo(delayMs: number): Promise<void>;
  /** In-band (tone) digit detection on the caller's audio: on, off, or `auto` — on when telephone-event was not negotiated. */
  detectInbandDigits(mode: InbandDetection): Promise<void>;

  /**
   * Records what the caller says (recordFile, voicemail) into a mono WAV:
   * at `path` when given (a voice mailbox), else into the call's recording
   * store as `name`; a call not yet answered is answered first. Resolves
   * when the message ends — its maximum length, silence, a terminator — or
   * when the call does (`stopped`): a message left by hanging up is kept.
   */
  recordMessage(request: MessageRequest): Promise<MessageRecording>;

  /**
   * Sends the caller elsewhere (`sipRedirect`): before the answer a redirect
   * naming `contacts` (SIP 302), after it a blind transfer of the caller to
   * the first (SIP REFER, FreeSWITCH's deflect). `redirected`/`deflected`:
   * the call has ended; `refused`: the caller would not go, the call is up.
   */
  redirect(contacts: readonly string[]): Promise<RedirectOutcome>;

  /**
   * Holds the call (`park`): answered, hearing `music` again and again
   * (silence when there is none), until the call ends, `release` aborts, or
   * the switchboard connects it to another call (Switchboard.connect).
   */
  hold(music: PlayItem | undefined, release: AbortSignal): Promise<'released' | 'ended'>;

  /** Resolves once the call has ended: a call connected to another (Switchboard.connect) talks until then. */
  ended(): Promise<void>;
}

export interface MessageRequest extends MessageOptions {
  name: string;
  path?: string;
}

export type RedirectOutcome = { kind: 'redirected' | 'deflected' } | { kind: 'refused'; reason: string };

export interface PlayRequest {
  items: PlayItem[];
  /** Digits that stop the playback (they stay buffered for collectDigits). */
  terminators?: string;
}

export type PlayOutcome = PlayResult | { reason: 'failed'; error: string };

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

/** What the bridge application asks for, before the bridge policy reads it. */
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

/** One target to ring, with everything the policy decided for it. */
export interface BridgeLeg {
  /** Index into the request's endpoints, for the outcome. */
  endpointIndex: number;
  endpoint: BridgeEndpoint;
  /** How long it may ring. */
  timeoutSeconds: number;
  /** How long to wait before ringing it (`leg_delay_start`). */
  delaySeconds: number;
  /** The caller ID the schema set for this leg; absent: the adapter's own (the caller's, a gateway's). */
  callerIdNumber?: string;
  callerIdName?: string;
  /** What of the caller ID the new leg must not show (`origination_privacy`, else the caller's `privacy_hide_*`). */
  privacy: CallerPrivacy;
  /** Extra headers for the new leg (`sip_h_X-Name=value`). */
  headers: Record<string, string>;
  /** Ringing instead of the target's early media (`ignore_early_media=true`). */
  ignoreEarlyMedia: boolean;
  /** The new leg's channel variables: exported ones, then the bridge's and the endpoint's parameters. */
  variables: Record<string, string>;
}

/** A bridge as adapters carry it out: groups rung one after another, the legs of a group together. */
export interface BridgePlan {
  groups: BridgeLeg[][];
  codecs: string[];
  /** Ends the ringing early (the call was picked up from its pickup group): the legs still ringing are cancelled. */
  stop?: AbortSignal;
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
      /**
       * The answering party transferred the caller (a blind transfer, SIP
       * REFER): the conversation is over and the caller is to be routed as
       * its domain's user dialling this (`goto "default:<n>"`).
       */
      transferredTo?: string;
    }
  | {
      answered: false;
      /** Each target's outcome (ORIGINATOR_CANCEL for those rung when the caller left); `bridgeFailureCause` sums them up. */
      attempts: BridgeAttempt[];
    };

export interface BridgeAttempt {
  endpointIndex: number;
  cause: HangupCause;
}

export interface DigitsRequest {
  min: number;
  max: number;
  /** For the first digit, and after each digit for the next one unless `digitTimeoutMs`. */
  timeoutMs: number;
  /** After each digit, for the next one (FreeSWITCH digit_timeout). */
  digitTimeoutMs?: number;
  terminators: string;
  /** Drop the digits pressed before this collection started. */
  flush?: boolean;
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
