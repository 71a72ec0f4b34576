import type { CallLegRecord } from '../../src/call/leg-record.js';
import { cdrFromLeg } from '../../src/cdr/document/leg-record.js';
import type { CdrDocument } from '../../src/cdr/store.js';

const MINUTE = 60_000;

/** An outbound call a user made through the gateway, `minutesAgo` before `now`, lasting `talkSeconds`. */
export function outboundCall(
  now: Date,
  { userId, to, minutesAgo, talkSeconds = 60, domain = 'example.com' }: { userId: string; to: string; minutesAgo: number; talkSeconds?: number; domain?: string },
): CdrDocument {
  const startTime = new Date(now.getTime() - minutesAgo * MINUTE);
  const answerTime = new Date(startTime.getTime() + 5_000);
  const leg: CallLegRecord = {
    uuid: `out-${userId}-${to}-${minutesAgo}`,
    direction: 'outbound',
    domain,
    callerIdNumber: userId,
    destinationNumber: to,
    userId,
    startTime,
    answerTime,
    bridgeTime: answerTime,
    endTime: new Date(answerTime.getTime() + talkSeconds * 1000),
    hangupCause: 'NORMAL_CLEARING',
  };
  return cdrFromLeg(leg, 'Europe/Kyiv');
}

/** An inbound call from a customer answered by a user. */
export function inboundCall(now: Date, { from, userId, minutesAgo }: { from: string; userId: string; minutesAgo: number }): CdrDocument {
  const startTime = new Date(now.getTime() - minutesAgo * MINUTE);
  return cdrFromLeg(
    {
      uuid: `in-${from}-${minutesAgo}`,
      direction: 'inbound',
      domain: 'example.com',
      callerIdNumber: from,
      destinationNumber: '0441234567',
      userId,
      startTime,
      answerTime: new Date(startTime.getTime() + 3_000),
      endTime: new Date(startTime.getTime() + 120_000),
      hangupCause: 'NORMAL_CLEARING',
    },
    'Europe/Kyiv',
  );
}

/** Leg number `index` of user 101's outbound calls (distinct uuid and number), for writer tests. */
export function numberedLeg(index: number, overrides: Partial<CallLegRecord> = {}): CallLegRecord {
  const start = new Date(Date.UTC(2026, 10, 24, 10, 0, index % 60));
  return {
    uuid: `leg-${index}`,
    direction: 'outbound',
    domain: 'example.com',
    callerIdNumber: '101',
    destinationNumber: `067${String(index).padStart(7, '0')}`,
    userId: '101',
    startTime: start,
    answerTime: new Date(start.getTime() + 3_000),
    endTime: new Date(start.getTime() + 60_000),
    hangupCause: 'NORMAL_CLEARING',
    variables: { sip_from_user: '101' },
    ...overrides,
  };
}

/** A logger for the CDR writer that keeps its warnings and errors, fields (`o`) and message (`m`) apart. */
export function recordingCdrLogger() {
  const warnings: { o: Record<string, unknown>; m?: string }[] = [];
  const errors: { o: Record<string, unknown>; m?: string }[] = [];
  return {
    warnings,
    errors,
    warn: (o: object, m?: string) => void warnings.push({ o: o as Record<string, unknown>, m }),
    error: (o: object, m?: string) => void errors.push({ o: o as Record<string, unknown>, m }),
  };
}
