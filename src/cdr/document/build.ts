/**
 * Builds the CDR document of reference/cdr-document.md from a leg's channel
 * data. Both sources (our SIP server's leg records and FreeSWITCH's
 * mod_json_cdr) go through here, so the same call gives the same document.
 */
import type { CdrDocument } from '../store.js';
import { isNoisyVariable, type ChannelData } from './channel-data.js';
import { stampToIso, stampWithOffset } from './local-time.js';

/** How `*_stamp` variables are kept: as UTC ISO instants, or as the local stamps they are (FreeSWITCH's own CDRs). */
export type StampStyle = 'iso' | 'local';

function userPart(address: string | undefined): string | undefined {
  if (!address) return undefined;
  return address.split('@')[0] || undefined;
}

/** The leg's domain: `domain_name`, else the domain part of `presence_id`. */
export function legDomain(variables: Record<string, string>): string | undefined {
  if (variables.domain_name) return variables.domain_name;
  const at = variables.presence_id?.lastIndexOf('@') ?? -1;
  return at >= 0 ? variables.presence_id!.slice(at + 1) || undefined : undefined;
}

function epoch(variables: Record<string, string>, name: string): number {
  const value = Number(variables[name]);
  return Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function integer(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? Math.trunc(number) : undefined;
}

function firstPositive(...values: number[]): number {
  return values.find((value) => value > 0) ?? 0;
}

export function buildCdr(data: ChannelData, timeZone: string, stamps: StampStyle = 'iso'): CdrDocument {
  const vars = data.variables;
  const profile = data.callerProfile;
  // The kept `*_stamp` variables are these stamps already converted (none of them is noisy).
  const variables = keptVariables(vars, timeZone, stamps);
  const start = epoch(vars, 'start_epoch');
  const answer = epoch(vars, 'answer_epoch');
  const end = epoch(vars, 'end_epoch');
  const bridge = firstPositive(epoch(vars, 'bridge_epoch'), epoch(vars, 'cc_queue_answered_epoch'));
  const queueJoined = epoch(vars, 'cc_queue_joined_epoch');
  const queueAnswered = epoch(vars, 'cc_queue_answered_epoch');
  const queueStopped = firstPositive(epoch(vars, 'cc_queue_canceled_epoch'), epoch(vars, 'cc_queue_terminated_epoch'), end);

  const document: Record<string, unknown> = {
    'Call start time': variables.start_stamp,
    'Call answer time': variables.answer_stamp,
    'Call end time': variables.end_stamp,
    'Progress time': variables.progress_stamp,
    Answered: answer > 0,
    'Call direction': vars.webitel_direction,
    'Hangup cause': vars.hangup_cause,
    'Q850 Hangup Code': integer(vars.hangup_cause_q850),
    'Call duration': integer(vars.duration),
    'Connected call duration': integer(vars.billsec),
    'Destination number': vars.destination_number ?? profile.destination_number,
    'CallerID number': profile.caller_id_number,
    'Domain name': legDomain(vars),
    'User ID': userPart(vars.presence_id),
    'Destination User': userPart(vars.dialed_user),
    'Bridge time': bridge > 0 ? bridge * 1000 : undefined,
    Bridged: bridge > 0,
    'Ring Duration': start > 0 ? (answer > 0 ? answer : end) - start : undefined,
    'Before Bridge Delay': bridge > 0 && start > 0 ? bridge - start : 0,
    'Post Dialing Delay': start > 0 ? firstPositive(epoch(vars, 'progress_epoch'), epoch(vars, 'progress_media_epoch'), answer, end) - start : undefined,
    'Call record duration': integer(vars.record_seconds),
    Location: vars.webitel_location,
    'Agent ID': userPart(vars.cc_agent),
    'Queue ID': userPart(vars.cc_queue),
    'Queue stop cause': vars.cc_cause,
    'Queue cancel reason': vars.cc_cancel_reason,
    'Queue stop side': vars.cc_side,
  };
  if (queueJoined > 0) {
    Object.assign(document, {
      'Queue start time': queueJoined * 1000,
      'Queue answer time': queueAnswered > 0 ? queueAnswered * 1000 : undefined,
      'Queue stop time': queueStopped > 0 ? queueStopped * 1000 : undefined,
      'Queue Answered': queueAnswered > 0,
      'Queue call duration': queueStopped > 0 ? queueStopped - queueJoined : undefined,
      'Queue waiting duration': firstPositive(queueAnswered, queueStopped) - queueJoined,
      'Queue connected duration': queueAnswered > 0 && queueStopped > 0 ? queueStopped - queueAnswered : 0,
      'Queue Answer Delay': queueAnswered > 0 ? queueAnswered - queueJoined : undefined,
    });
  }
  document.variables = variables;
  const kept: CdrDocument = {};
  for (const key in document) {
    const value = document[key];
    if (value !== undefined && value !== '') kept[key] = value;
  }
  return kept;
}

/** The variables worth keeping; `*_stamp` ones are dates in the mapping, written so that they read as the right instant. */
function keptVariables(variables: Record<string, string>, timeZone: string, stamps: StampStyle): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name in variables) {
    const value = variables[name];
    if (isNoisyVariable(name)) continue;
    if (name.endsWith('_stamp')) {
      const stamp = !value ? undefined : stamps === 'iso' ? stampToIso(value, timeZone) : stampWithOffset(value, timeZone);
      if (stamp) kept[name] = stamp;
      continue;
    }
    kept[name] = value;
  }
  return kept;
}
