/** CDRs of agents' calls with customers, built as the router builds its own (cdrFromLeg), for the last-agent tests. */
import { cdrFromLeg } from '../../src/cdr/document/leg-record.js';
import type { IndexedDocument } from '../../src/cdr/store.js';

export const DOMAIN = 'example.com';
export const NOW = new Date('2026-11-24T12:00:00Z');

export interface AgentCall {
  id: string;
  agent: string;
  customer: string;
  /** outbound: the agent dialled the customer; inbound: the customer's call rang the agent. */
  direction?: 'outbound' | 'inbound' | 'internal';
  /** Minutes before NOW the call started. */
  minutesAgo: number;
  /** Seconds of conversation; undefined: not answered. */
  talkSeconds?: number;
  domain?: string;
}

/** The agent's leg of a call with a customer, as the SIP server records it. */
export function agentCall(call: AgentCall): IndexedDocument {
  const direction = call.direction ?? 'outbound';
  const startTime = new Date(NOW.getTime() - call.minutesAgo * 60_000);
  const answerTime = call.talkSeconds === undefined ? undefined : new Date(startTime.getTime() + 5_000);
  const endTime = new Date((answerTime ?? startTime).getTime() + (call.talkSeconds ?? 20) * 1000);
  const document = cdrFromLeg(
    {
      uuid: call.id,
      direction,
      domain: call.domain ?? DOMAIN,
      callerIdNumber: direction === 'outbound' ? call.agent : call.customer,
      destinationNumber: direction === 'outbound' ? call.customer : call.agent,
      userId: call.agent,
      startTime,
      answerTime,
      bridgeTime: answerTime,
      endTime,
      hangupCause: call.talkSeconds === undefined ? 'NO_ANSWER' : 'NORMAL_CLEARING',
    },
    'Europe/Kyiv',
  );
  return { id: call.id, document };
}
