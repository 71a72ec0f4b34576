/**
 * Realistic CDR data for the end-to-end tests and the benchmark: a contact
 * centre's legs over some days (inbound, outbound, internal; answered or
 * not; Ukrainian numbers written the ways carriers write them), and the
 * last-agent schema's search request exactly as the `cdr` app sends it.
 */
import { readFileSync } from 'node:fs';
import { compileElasticRequest, renderElasticRequest, type ElasticArgs } from '../../../src/apps/cdr-request.js';
import type { HangupCause } from '../../../src/call/hangup-cause.js';
import type { CallLegRecord } from '../../../src/call/leg-record.js';
import { cdrFromLeg } from '../../../src/cdr/document/leg-record.js';
import type { CdrDocument } from '../../../src/cdr/store.js';

export const DOMAIN = 'example.com';
export const TIME_ZONE = 'Europe/Kyiv';

/** A small deterministic generator, so datasets are the same on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The ways one subscriber number (9 national digits) appears in CDRs. */
export function numberForms(national9: string): string[] {
  return [`0${national9}`, `380${national9}`, `+380${national9}`, `80${national9}`];
}

export function leg(overrides: Partial<CallLegRecord> & Pick<CallLegRecord, 'uuid' | 'startTime'>): CallLegRecord {
  const answered = overrides.answerTime !== undefined;
  const end = overrides.endTime ?? new Date(overrides.startTime.getTime() + 60_000);
  return {
    direction: 'outbound',
    domain: DOMAIN,
    callerIdNumber: '101',
    destinationNumber: '0441234567',
    userId: '101',
    hangupCause: (answered ? 'NORMAL_CLEARING' : 'NO_ANSWER') as HangupCause,
    endTime: end,
    variables: { sip_from_user: overrides.callerIdNumber ?? '101', webitel_location: 'office' },
    ...overrides,
  };
}

/** Who the contact centre talks to; by default almost every caller is new (as in the small test datasets). */
export interface Population {
  /** Agents, with user IDs from 100 up. */
  agents: number;
  /** Distinct external subscribers. */
  customers: number;
}

const DEFAULT_POPULATION: Population = { agents: 50, customers: 499_999_999 };

/** The national number of customer `index` (0-based), for picking callers the dataset knows. */
export function customerNumber(index: number): string {
  return String(500_000_000 + index);
}

/** `count` legs spread over `days` before `now`, built through cdrFromLeg like the SIP server's. */
export function generateLegs(count: number, now: Date, days: number, seed = 1, population: Population = DEFAULT_POPULATION): CallLegRecord[] {
  const next = random(seed);
  const agent = () => String(100 + Math.floor(next() * population.agents));
  const legs: CallLegRecord[] = [];
  const span = days * 86_400_000;
  for (let index = 0; index < count; index++) {
    const start = new Date(now.getTime() - Math.floor(next() * span));
    const subscriber = customerNumber(Math.floor(next() * population.customers));
    const forms = numberForms(subscriber);
    const external = forms[Math.floor(next() * forms.length)];
    const user = agent();
    const kind = next();
    const direction: CallLegRecord['direction'] = kind < 0.45 ? 'outbound' : kind < 0.9 ? 'inbound' : 'internal';
    const answered = next() < 0.7;
    const ring = 2_000 + Math.floor(next() * 20_000);
    const talk = answered ? Math.floor(next() * 600_000) : 0;
    legs.push(
      leg({
        uuid: `gen-${seed}-${index}`,
        direction,
        startTime: start,
        progressTime: new Date(start.getTime() + 500),
        answerTime: answered ? new Date(start.getTime() + ring) : undefined,
        bridgeTime: answered ? new Date(start.getTime() + ring) : undefined,
        endTime: new Date(start.getTime() + ring + talk),
        callerIdNumber: direction === 'inbound' ? external : user,
        destinationNumber: direction === 'internal' ? agent() : direction === 'inbound' ? '0441234567' : external,
        userId: user,
        dialedUser: direction === 'outbound' ? undefined : user,
      }),
    );
  }
  return legs;
}

export function documentsOf(legs: CallLegRecord[]): { id: string; document: CdrDocument }[] {
  return legs.map((record) => ({ id: record.uuid, document: cdrFromLeg(record, TIME_ZONE) }));
}

const seedLastAgent = JSON.parse(readFileSync(new URL('../../support/fixtures/seed-last-agent.json', import.meta.url), 'utf8')) as { cdr?: { elastic: ElasticArgs } }[];
const seedStep = seedLastAgent.find((step) => step.cdr)!.cdr!;
const compiledSeedRequest = compileElasticRequest(seedStep.elastic);

/** The last-agent `cdr` step's search, with `${caller_id_number}` substituted (and escaped) as the engine does. */
export function seedRequest(callerIdNumber: string): unknown {
  return renderElasticRequest(compiledSeedRequest, {
    channel: (name) => (name === 'caller_id_number' ? callerIdNumber : undefined),
    global: () => undefined,
    capture: () => undefined,
  });
}

/**
 * Callers to look up: nine in ten are customers an agent called in the seed query's 30 minutes (the store's own
 * answer), so most lookups find their agent as the schema's do when a customer calls back; the rest are numbers
 * no CDR holds. A customer picked at random out of 100,000 is almost never in those 30 minutes.
 */
export async function seedRequests(
  store: { search(request: unknown, options: { now: Date; domain: string }): Promise<{ hits: { hits: { _source?: unknown }[] } }> },
  now: Date,
): Promise<unknown[]> {
  const recent = await store.search(
    {
      size: 1_000,
      _source: ['Destination number'],
      query: { bool: { filter: [{ range: { 'variables.start_stamp': { gte: 'now-30m/m', lte: 'now' } } }, { term: { 'Call direction': 'outbound' } }] } },
    },
    { now, domain: DOMAIN },
  );
  const called = recent.hits.hits.flatMap((hit) => /5\d{8}$/.exec(String((hit._source as Record<string, unknown>)['Destination number']))?.[0] ?? []);
  if (called.length === 0) throw new Error('no outbound CDR in the seed query\'s 30 minutes: the seed queries would find no agent');
  const next = random(42);
  return Array.from({ length: 1000 }, (_, index) => {
    // The caller's number as carriers hand it in, 0 + nine digits: a suffix of every form the CDRs write it in.
    const national = index % 10 === 0 ? String(900_000_000 + index) : called[Math.floor(next() * called.length)];
    return seedRequest(`0${national}`);
  });
}
