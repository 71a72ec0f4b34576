import type { HangupCause } from './hangup-cause.js';

/** A finished call leg as a telephony adapter hands it over for its CDR (`src/cdr/document/leg-record.ts`). */
export interface CallLegRecord {
  uuid: string;
  /** inbound: from outside to the domain; outbound: a user to an outside number; internal: user to user. */
  direction: 'inbound' | 'outbound' | 'internal';
  domain: string;
  callerIdName?: string;
  callerIdNumber: string;
  destinationNumber: string;
  /** The user whose phone this leg belongs to (FreeSWITCH's presence_id user). */
  userId?: string;
  /** The user this leg dialled, when it dialled one. */
  dialedUser?: string;
  networkAddress?: string;
  startTime: Date;
  /** 180/183 received or sent. */
  progressTime?: Date;
  /** Early media (183 with SDP). */
  progressMediaTime?: Date;
  answerTime?: Date;
  bridgeTime?: Date;
  endTime: Date;
  hangupCause: HangupCause;
  recordSeconds?: number;
  /** Other channel variables (set by the schema, queue variables, …), as strings. */
  variables?: Record<string, string>;
}
