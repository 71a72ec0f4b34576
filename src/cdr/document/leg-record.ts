/**
 * A finished call leg as the built-in SIP server hands it over, and its CDR.
 * The leg is turned into the channel variables FreeSWITCH would have set, so
 * it goes through the same builder as a mod_json_cdr body.
 */
import { Q850_CODES, type HangupCause } from '../../call/hangup-cause.js';
import type { CdrDocument } from '../store.js';
import { buildCdr } from './build.js';
import type { ChannelData } from './channel-data.js';
import { isoToStamp } from './local-time.js';

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

function epochSeconds(date: Date | undefined): number {
  return date ? Math.floor(date.getTime() / 1000) : 0;
}

/** The channel variables and caller profile FreeSWITCH would report for this leg. */
export function legChannelData(leg: CallLegRecord, timeZone: string): ChannelData {
  const start = epochSeconds(leg.startTime);
  const answer = epochSeconds(leg.answerTime);
  const end = epochSeconds(leg.endTime);
  const variables: Record<string, string> = { ...leg.variables };
  const set = (name: string, value: string | number | undefined) => {
    if (value !== undefined) variables[name] = String(value);
  };
  const times: [string, Date | undefined][] = [
    ['start', leg.startTime],
    ['progress', leg.progressTime],
    ['progress_media', leg.progressMediaTime],
    ['answer', leg.answerTime],
    ['bridge', leg.bridgeTime],
    ['end', leg.endTime],
  ];
  for (const [name, time] of times) {
    set(`${name}_epoch`, epochSeconds(time));
    if (name !== 'progress_media' && name !== 'bridge') set(`${name}_stamp`, time ? isoToStamp(time, timeZone) : undefined);
  }
  set('uuid', leg.uuid);
  set('webitel_direction', leg.direction);
  set('domain_name', leg.domain);
  set('destination_number', leg.destinationNumber);
  set('caller_id_number', leg.callerIdNumber);
  set('caller_id_name', leg.callerIdName);
  set('presence_id', leg.userId === undefined ? undefined : `${leg.userId}@${leg.domain}`);
  set('dialed_user', leg.dialedUser);
  set('hangup_cause', leg.hangupCause);
  set('hangup_cause_q850', Q850_CODES[leg.hangupCause]);
  set('duration', end - start);
  set('billsec', answer > 0 ? end - answer : 0);
  set('record_seconds', leg.recordSeconds);
  return {
    variables,
    callerProfile: {
      caller_id_name: leg.callerIdName,
      caller_id_number: leg.callerIdNumber,
      destination_number: leg.destinationNumber,
      network_addr: leg.networkAddress,
      uuid: leg.uuid,
    },
  };
}

export function cdrFromLeg(leg: CallLegRecord, timeZone: string): CdrDocument {
  return buildCdr(legChannelData(leg, timeZone), timeZone);
}
