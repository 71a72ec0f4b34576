/**
 * The per-leg records of one call on the SIP server: each leg's CDR timeline
 * (the caller's and every fork's) and the phone state of the users on them —
 * the caller busy for the whole call, a rung user ringing, then busy once
 * they answer. Each leg's CDR is handed over when that leg ends.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import type { VariableReader, VariableTable } from '../../call/variable-table.js';
import type { SipResponse } from '../message/index.js';
import type { Fork } from './bridge-targets.js';
import { sessionBody } from './session-body.js';
import { ForkRecord, type CallOfLegs, type LegCauses } from './fork-record.js';
import { LegTimeline, type LegIdentity, type LegIdentitySource } from './leg-timeline.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { ForkObserver } from './ring-group.js';

export interface LegBookkeepingOptions extends CallOfLegs {
  /** The call's channel variables, which the caller's leg record carries. */
  channel: VariableReader;
}

export class LegBookkeeping implements LegIdentitySource {
  /** The caller's leg. */
  readonly caller: LegTimeline;
  readonly #options: LegBookkeepingOptions;
  readonly #releaseCaller: (() => void) | undefined;
  #usedGateway = false;

  constructor(options: LegBookkeepingOptions) {
    this.#options = options;
    this.caller = new LegTimeline(options.clock);
    const { origin } = options;
    this.#releaseCaller = origin.kind === 'user' ? options.phoneState.beginCall(origin.domain, origin.userId) : undefined;
    this.caller.journalTo(options.journal, options.uuid, this);
  }

  /**
   * Watches the forks of a bridge: their timelines and phone states, and each
   * one's CDR when it ends. `onProgress` hears their 180/183 (for relaying to
   * the caller); `causes` gives the one an answered fork's CDR ends with.
   */
  forkObserver(onProgress: (fork: Fork, response: SipResponse) => void, causes: LegCauses): ForkObserver {
    const records = new Map<OutboundLeg, ForkRecord>();
    return {
      started: (fork, leg) => {
        if (fork.kind !== 'user') this.#usedGateway = true;
        records.set(leg, new ForkRecord(this.#options, fork, leg));
      },
      answered: (_fork, leg) => {
        const record = records.get(leg);
        if (!record) return;
        // From here the leg's end records it: what the ringing kept (these functions, the other forks) is let go.
        records.delete(leg);
        record.answered(causes);
      },
      progress: (fork, leg, response) => {
        // A 100 Trying says the INVITE arrived, not that the target rings: FreeSWITCH's progress_stamp comes with 180/183.
        if (response.status > 100) records.get(leg)?.timeline.progress(sessionBody(response) !== undefined);
        onProgress(fork, response);
      },
      failed: (_fork, leg, cause) => {
        const record = records.get(leg);
        if (!record) return;
        records.delete(leg);
        record.record(cause);
      },
    };
  }

  /** The caller's leg ended: its phone is free again and its CDR is written; sets `webitel_direction` on the channel first. */
  callerEnded(cause: HangupCause, channel: Pick<VariableTable, 'set'>): void {
    this.#releaseCaller?.();
    channel.set('webitel_direction', this.#callerDirection());
    this.#options.recordLeg(this.caller.record(this.legIdentity(), cause));
  }

  #callerDirection(): LegIdentity['direction'] {
    return this.#options.origin.kind !== 'user' ? 'inbound' : this.#usedGateway ? 'outbound' : 'internal';
  }

  /** The caller's leg as its journal entries and CDR name it. */
  legIdentity(): LegIdentity {
    const { origin, uuid, channel } = this.#options;
    return {
      uuid,
      direction: this.#callerDirection(),
      domain: channel.get('domain_name') ?? '',
      callerIdNumber: channel.get('caller_id_number') ?? '',
      callerIdName: channel.get('caller_id_name'),
      destinationNumber: channel.get('destination_number') ?? '',
      userId: origin.kind === 'user' ? origin.userId : undefined,
      networkAddress: channel.get('sip_network_ip'),
      variables: variablesObject(channel),
    };
  }
}

/**
 * The channel as Object.fromEntries makes it — every variable an own property,
 * in order, a `__proto__` too — without the entry array and iterator result
 * per variable that it costs (a caller's leg is read at each journal commit and for its CDR).
 */
function variablesObject(channel: VariableReader): Record<string, string> {
  const variables: Record<string, string> = {};
  channel.forEach((value, name) => {
    if (name === '__proto__') Object.defineProperty(variables, name, { value, enumerable: true, writable: true, configurable: true });
    else variables[name] = value;
  });
  return variables;
}
