/**
 * FreeSWITCH mod_json_cdr bodies → CDR documents: variables (URL-decoded
 * when FreeSWITCH encoded them) and the first callflow's caller profile.
 */
import type { CdrDocument } from '../store.js';
import { buildCdr, legDomain } from './build.js';
import type { CallerProfile, ChannelData } from './channel-data.js';

export class FreeswitchCdrError extends Error {
  constructor(reason: string) {
    super(`not a FreeSWITCH JSON CDR: ${reason}`);
    this.name = 'FreeswitchCdrError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Tells a mod_json_cdr body from a CDR document. */
export function isFreeswitchCdr(value: unknown): boolean {
  return isRecord(value) && isRecord(value.variables) && ('callflow' in value || 'channel_data' in value);
}

export function freeswitchChannelData(json: unknown): ChannelData {
  const body = typeof json === 'string' ? parseJson(json) : json;
  if (!isRecord(body)) throw new FreeswitchCdrError('expected a JSON object');
  if (!isRecord(body.variables)) throw new FreeswitchCdrError('expected a "variables" object');
  const variables: Record<string, string> = {};
  for (const [name, value] of Object.entries(body.variables)) {
    if (typeof value === 'string') variables[name] = decode(value);
    else if (typeof value === 'number' || typeof value === 'boolean') variables[name] = String(value);
  }
  // Old FreeSWITCH versions send one callflow object instead of an array.
  const callflow = Array.isArray(body.callflow) ? body.callflow[0] : body.callflow;
  const rawProfile = isRecord(callflow) && isRecord(callflow.caller_profile) ? callflow.caller_profile : {};
  const callerProfile: CallerProfile = {};
  for (const key of ['caller_id_name', 'caller_id_number', 'destination_number', 'network_addr', 'uuid'] as const) {
    const value = rawProfile[key];
    if (typeof value === 'string') callerProfile[key] = decode(value);
  }
  return { variables, callerProfile };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FreeswitchCdrError(error instanceof Error ? error.message : String(error));
  }
}

/** FreeSWITCH's stamps are local wall-clock time: they are kept as they came, with the zone's offset when it is not UTC. */
export function cdrFromFreeswitch(json: unknown, timeZone: string): CdrDocument {
  return buildCdr(freeswitchChannelData(json), timeZone, 'local');
}

/** The leg's domain: `domain_name`, else the domain of `presence_id` (as Webitel took it). */
export function freeswitchDomain(json: unknown): string | undefined {
  return legDomain(freeswitchChannelData(json).variables);
}

/** The leg's uuid, the natural `_id` of its CDR. */
export function freeswitchCdrId(json: unknown): string | undefined {
  const data = freeswitchChannelData(json);
  return data.variables.uuid ?? data.callerProfile.uuid;
}
