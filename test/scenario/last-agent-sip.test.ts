/**
 * The defining scenario end to end, with real SIP traffic: an employee calls a
 * customer through the carrier; when the customer calls the public number back
 * within 30 minutes, the router puts them through to that employee if the
 * employee's phone is free, else to the ring group 100 + 102
 * (examples/last-agent.json, the shipped last-agent schema). Phones and carrier are sipp; the
 * carrier sits on 127.0.0.2, where the router recognises the gateway.
 * Each case runs on its own router, all cases at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { compileElasticRequest, renderElasticRequest, type ElasticArgs } from '../../src/apps/cdr-request.js';
import { cdrFromLeg } from '../../src/cdr/document/leg-record.js';
import {
  allCdrs,
  allOk,
  assertNoCdr,
  carrierAnswers,
  CARRIER_IP,
  customerCalls,
  CUSTOMER,
  describeCdrs,
  findCdr,
  firstReceived,
  header,
  INTERNAL_SCHEMA,
  LAST_AGENT_SCHEMA,
  newCdrs,
  OUTBOUND_SCHEMA,
  phoneAnswers,
  PUBLIC_NUMBER,
  received,
  registerPhone,
  SilentPhone,
  stateOf,
  stopAll,
  userCalls,
  waitForState,
  type BackgroundSipp,
  type Phone,
} from '../support/sip/calls.js';
import { SimulatedClock } from '../../src/clock.js';
import type { RouterOptions } from '../../src/server/router.js';
import { DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';
import { freeUdpPort } from '../support/sip/sipp.js';

const SEED_SCHEMA = new URL('../support/fixtures/seed-last-agent.json', import.meta.url);

interface Office {
  server: TestRouter;
  carrierPort: number;
}

async function withOffice(body: (office: Office) => Promise<void>, router?: RouterOptions): Promise<void> {
  const carrierPort = await freeUdpPort(CARRIER_IP);
  const server = await startTestRouter({
    router,
    gateways: [{ name: 'carrier', host: CARRIER_IP, port: carrierPort, transport: 'udp' }],
    routes: {
      // The carrier may present the customer as +380671234567; the employee dialled 0671234567.
      nationalFormat: { countryCode: '380', trunkPrefix: '0' },
      public: [{ name: 'callback', numbers: [PUBLIC_NUMBER], schema: LAST_AGENT_SCHEMA }],
      default: [
        { name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA },
        { name: 'outside', pattern: '^\\+?\\d{7,}$', schema: OUTBOUND_SCHEMA },
      ],
    },
  });
  try {
    await body({ server, carrierPort });
  } finally {
    await server.close();
  }
}

/**
 * The search last-agent.json's `cdr` step makes for a caller, built the way the `cdr` app builds it
 * (the seed's step, which the shipped schema runs unchanged behind its caller-ID guard).
 */
function lastAgentSearch(callerIdNumber: string): unknown {
  const schema = JSON.parse(readFileSync(SEED_SCHEMA, 'utf8')) as { cdr?: { elastic: ElasticArgs } }[];
  const elastic = schema.find((step) => step.cdr)?.cdr?.elastic;
  assert.ok(elastic, 'the seed schema starts with a cdr step');
  const channel: Record<string, string> = { caller_id_number: callerIdNumber, domain_name: DOMAIN };
  return renderElasticRequest(compileElasticRequest(elastic), {
    channel: (name) => channel[name],
    global: () => undefined,
    capture: () => undefined,
  });
}

async function calling<T>(runs: (BackgroundSipp | undefined)[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    stopAll(runs);
  }
}

/**
 * `user` calls the customer through the carrier, who answers; `user` hangs up.
 * Resolves once both legs' CDRs are stored and the user's phone is idle again.
 */
async function employeeCallsCustomer({ server, carrierPort }: Office, user: string): Promise<void> {
  const before = await allCdrs(server);
  const carrier = await carrierAnswers(carrierPort);
  const caller = userCalls(server, user, CUSTOMER, 'call-uac.xml', { pauseMs: 300 });
  const results = await calling([carrier, caller], () => allOk({ caller, carrier }));
  assert.match(firstReceived(results.carrier, /^INVITE /).firstLine, new RegExp(`^INVITE sip:${CUSTOMER}@`));
  const cdrs = await newCdrs(server, before, 2);
  // Both legs belong to the user: the caller's, and the one towards the carrier (FreeSWITCH copies presence_id to it).
  const legs = cdrs.filter((doc) => doc['User ID'] === user);
  assert.equal(legs.length, 2, `${user}'s call to the customer: both legs carry User ID ${user}:\n${describeCdrs(cdrs)}`);
  for (const outbound of legs) {
    assert.equal(outbound['Call direction'], 'outbound');
    assert.equal(outbound['Destination number'], CUSTOMER);
    assert.equal(outbound['Hangup cause'], 'NORMAL_CLEARING');
  }
  // What the schema's own search (limit 1, newest first) returns must name the user:
  // otherwise the cases built on this call would reach the ring group for the wrong reason.
  const found = await server.router.cdrStore.search(lastAgentSearch(CUSTOMER), { domain: DOMAIN });
  const first = found.hits.hits[0];
  assert.ok(first, 'the schema’s search finds the call');
  assert.deepEqual(
    first.fields?.['User ID'],
    [user],
    `last-agent.json's search must return ${user}'s leg first (hits.hits.0.fields.User ID.0), got the hit ${JSON.stringify(first)}; the new CDRs:\n${describeCdrs(cdrs)}`,
  );
  if (stateOf(server, user) !== 'nonreg') assert.equal(await waitForState(server, user, 'onhook'), 'onhook', `${user} idle again after the call`);
}

/** The fallback ring group rings 100 and 102 together: 100 answers after a moment, 102 rings until it is cancelled. */
async function ringGroup(phones: { p100: Phone; p102: Phone }, timeoutSeconds = 20) {
  const p100 = await phoneAnswers(phones.p100, 'answer-uas.xml', { pauseMs: 500, timeoutSeconds });
  const p102 = await phoneAnswers(phones.p102, 'ring-cancel-uas.xml', { timeoutSeconds });
  return { p100, p102 };
}

/** The customer call's CDRs when the ring group took it: A-leg inbound, 100 answered, 102 cancelled, nothing towards 101. */
function assertFallbackCdrs(cdrs: Parameters<typeof findCdr>[0], callerNumber = CUSTOMER): void {
  const aLeg = findCdr(cdrs, { 'Call direction': 'inbound', 'User ID': undefined }, 'the customer’s leg');
  assert.equal(aLeg['Destination number'], PUBLIC_NUMBER);
  assert.match(String(aLeg['CallerID number']), new RegExp(`${callerNumber.slice(-9)}$`));
  assert.equal(aLeg.Answered, true);
  assert.equal(aLeg.Bridged, true);
  assert.equal(aLeg['Hangup cause'], 'NORMAL_CLEARING');
  const leg100 = findCdr(cdrs, { 'User ID': '100' }, 'the leg towards 100');
  assert.equal(leg100['Call direction'], 'inbound');
  assert.equal(leg100.Answered, true);
  assert.equal(leg100['Hangup cause'], 'NORMAL_CLEARING');
  const leg102 = findCdr(cdrs, { 'User ID': '102' }, 'the leg towards 102');
  assert.equal(leg102['Call direction'], 'inbound');
  assert.equal(leg102.Answered, false);
}

describe('last-agent.json over SIP', { concurrency: true }, () => {
  it('(a) 101 calls the customer through the carrier: an outbound CDR with User ID 101, the one the schema’s search finds', () =>
    withOffice(async (office) => {
      await employeeCallsCustomer(office, '101');
      const response = await office.server.router.cdrStore.search({
        query: { bool: { filter: [{ term: { 'Call direction': 'outbound' } }, { term: { 'User ID': '101' } }] } },
      });
      assert.equal(response.hits.hits.length, 2, 'the caller’s leg and the leg towards the carrier');
      for (const hit of response.hits.hits) {
        assert.equal(hit._source?.['Destination number'], CUSTOMER);
        assert.equal(hit._source?.['Domain name'], DOMAIN);
      }
    }));

  it('(b) the customer calls back: 101 rings and answers, the call is bridged, BYE ends both legs; 100 and 102 are not rung', () =>
    withOffice(async (office) => {
      const { server } = office;
      const phone101 = await registerPhone(server, '101');
      const quiet = await Promise.all(['100', '102'].map(async (user) => SilentPhone.listen(await registerPhone(server, user))));
      try {
        await employeeCallsCustomer(office, '101');
        const before = await allCdrs(server);
        const agent = await phoneAnswers(phone101, 'answer-uas.xml', { pauseMs: 300 });
        const customer = customerCalls(server, CUSTOMER, PUBLIC_NUMBER, { pauseMs: 500 });
        const results = await calling([agent, customer], () => allOk({ customer, agent }));

        const invite = firstReceived(results.agent, /^INVITE /);
        assert.match(header(invite, 'From') ?? '', new RegExp(`<sip:${CUSTOMER}@`), '101 sees the customer’s number');
        assert.match(header(invite, 'To') ?? '', /sip:101@/);
        assert.ok(received(results.agent, /^BYE /).length >= 1, 'the customer’s BYE reaches 101');
        assert.equal(firstReceived(results.customer, /^SIP\/2\.0 200 /).body.includes('o=callee-sdp'), true, '101’s SDP reaches the customer');
        for (const phone of quiet) assert.deepEqual(phone.invites, [], 'the ring group is not rung');

        const cdrs = await newCdrs(server, before, 2);
        const aLeg = findCdr(cdrs, { 'Call direction': 'inbound', 'User ID': undefined }, 'the customer’s leg');
        assert.equal(aLeg['Destination number'], PUBLIC_NUMBER);
        assert.equal(aLeg['CallerID number'], CUSTOMER);
        assert.equal(aLeg.Answered, true);
        assert.equal(aLeg.Bridged, true);
        assert.equal(aLeg['Hangup cause'], 'NORMAL_CLEARING');
        const bLeg = findCdr(cdrs, { 'User ID': '101' }, 'the leg towards 101');
        assert.equal(bLeg['Call direction'], 'inbound');
        assert.equal(bLeg.Answered, true);
        assert.equal(bLeg['Hangup cause'], 'NORMAL_CLEARING');
        assertNoCdr(cdrs, { 'User ID': '100' }, '100 not rung');
        assertNoCdr(cdrs, { 'User ID': '102' }, '102 not rung');
      } finally {
        for (const phone of quiet) phone.close();
      }
    }));

  it('(c) 101 is in another call (answered a call from 103): the ring group rings instead', () =>
    withOffice(async (office) => {
      const { server } = office;
      const phone101 = await registerPhone(server, '101');
      const p100 = await registerPhone(server, '100');
      const p102 = await registerPhone(server, '102');
      await employeeCallsCustomer(office, '101');
      const before = await allCdrs(server);

      // 103 calls 101, who answers; the call lasts until well after the customer's call.
      const agent = await phoneAnswers(phone101, 'answer-uas.xml', { pauseMs: 200, timeoutSeconds: 30 });
      const colleague = userCalls(server, '103', '101', 'call-uac.xml', { pauseMs: 8000, timeoutSeconds: 30 });
      const group = await ringGroup({ p100, p102 });
      const runs: BackgroundSipp[] = [agent, colleague, group.p100, group.p102];
      await calling(runs, async () => {
        assert.equal(await waitForState(server, '101', 'isbusy'), 'isbusy', '101 is in a call');
        const customer = customerCalls(server, CUSTOMER, PUBLIC_NUMBER, { pauseMs: 500 });
        runs.push(customer);
        await allOk({ customer, ...group });
        assert.equal(stateOf(server, '101'), 'isbusy', 'the first call is still up');
        const results = await allOk({ colleague, agent });
        const calls = new Set(received(results.agent, /^INVITE /).map((invite) => header(invite, 'Call-ID')));
        assert.equal(calls.size, 1, '101 got no second call');
      });

      // The customer's call (3 legs) and 103's call to 101 (2 legs).
      const cdrs = await newCdrs(server, before, 5);
      assertFallbackCdrs(cdrs);
      const leg101 = findCdr(cdrs, { 'User ID': '101' }, 'only the leg of 103’s call rang 101');
      assert.equal(leg101['Call direction'], 'internal');
      assert.equal(leg101.Answered, true);
      const leg103 = findCdr(cdrs, { 'User ID': '103' }, '103’s leg');
      assert.equal(leg103['Call direction'], 'internal');
      assert.equal(leg103['Destination number'], '101');
    }));

  it('(d) 101 has unregistered: the ring group rings', () =>
    withOffice(async (office) => {
      const { server } = office;
      const phone101 = await registerPhone(server, '101');
      const p100 = await registerPhone(server, '100');
      const p102 = await registerPhone(server, '102');
      await employeeCallsCustomer(office, '101');
      await registerPhone(server, '101', 0, phone101.port);
      assert.equal(stateOf(server, '101'), 'nonreg');
      const before = await allCdrs(server);

      const group = await ringGroup({ p100, p102 });
      const customer = customerCalls(server, CUSTOMER, PUBLIC_NUMBER, { pauseMs: 500 });
      await calling([customer, group.p100, group.p102], () => allOk({ customer, ...group }));

      const cdrs = await newCdrs(server, before, 3);
      assertFallbackCdrs(cdrs);
      assertNoCdr(cdrs, { 'User ID': '101' }, '101 not rung');
    }));

  // On a simulated clock: 101 is rung out by moving the router's clock, not by waiting 15 real seconds.
  const clock = new SimulatedClock(new Date());
  it('(e) 101 does not answer within 15 s: cancelled, then the ring group rings', () =>
    withOffice(async (office) => {
      const { server } = office;
      const phone101 = await registerPhone(server, '101');
      const p100 = await registerPhone(server, '100');
      const p102 = await registerPhone(server, '102');
      await employeeCallsCustomer(office, '101');
      const before = await allCdrs(server);

      const agent = await phoneAnswers(phone101, 'ring-cancel-uas.xml', { timeoutSeconds: 45 });
      const group = await ringGroup({ p100, p102 }, 45);
      const customer = customerCalls(server, CUSTOMER, PUBLIC_NUMBER, { pauseMs: 500, timeoutSeconds: 45 });
      const results = await calling([agent, customer, group.p100, group.p102], async () => {
        assert.equal(await waitForState(server, '101', 'ringing'), 'ringing', '101 rings first');
        clock.advance(14_999);
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(stateOf(server, '101'), 'ringing', '101 still rings just before its leg_timeout of 15 s');
        clock.advance(1);
        return allOk({ customer, agent, ...group });
      });
      assert.ok(received(results.agent, /^CANCEL /).length >= 1, '101 is cancelled');

      const cdrs = await newCdrs(server, before, 4);
      assertFallbackCdrs(cdrs);
      const leg101 = findCdr(cdrs, { 'User ID': '101' }, 'the unanswered leg towards 101');
      assert.equal(leg101['Call direction'], 'inbound');
      assert.equal(leg101.Answered, false);
    }, { clock }));

  it('(f) the employee’s call was 31 minutes ago: straight to the ring group', () =>
    withOffice(async (office) => {
      const { server } = office;
      const phone101 = await registerPhone(server, '101');
      const p100 = await registerPhone(server, '100');
      const p102 = await registerPhone(server, '102');
      const startTime = new Date(Date.now() - 31 * 60_000);
      const answerTime = new Date(startTime.getTime() + 5_000);
      const document = cdrFromLeg(
        {
          uuid: 'backdated-outbound-101',
          direction: 'outbound',
          domain: DOMAIN,
          callerIdNumber: '101',
          destinationNumber: CUSTOMER,
          userId: '101',
          startTime,
          answerTime,
          bridgeTime: answerTime,
          endTime: new Date(answerTime.getTime() + 60_000),
          hangupCause: 'NORMAL_CLEARING',
        },
        server.router.config.domains[0].timeZone,
      );
      await server.router.cdrStore.index([{ document }]);
      const before = await allCdrs(server);
      assert.equal(before.length, 1);

      const quiet101 = await SilentPhone.listen(phone101);
      try {
        const group = await ringGroup({ p100, p102 });
        const customer = customerCalls(server, CUSTOMER, PUBLIC_NUMBER, { pauseMs: 500 });
        await calling([customer, group.p100, group.p102], () => allOk({ customer, ...group }));
        assert.deepEqual(quiet101.invites, [], '101 is not rung');
      } finally {
        quiet101.close();
      }
      const cdrs = await newCdrs(server, before, 3);
      assertFallbackCdrs(cdrs);
      assertNoCdr(cdrs, { 'User ID': '101' }, '101 not rung');
    }));

  it('(g) the customer calls as +380671234567: still 101', () =>
    withOffice(async (office) => {
      const { server } = office;
      const phone101 = await registerPhone(server, '101');
      await employeeCallsCustomer(office, '101');
      const before = await allCdrs(server);
      const agent = await phoneAnswers(phone101, 'answer-uas.xml', { pauseMs: 300 });
      const customer = customerCalls(server, '+380671234567', PUBLIC_NUMBER, { pauseMs: 500 });
      const results = await calling([agent, customer], () => allOk({ customer, agent }));
      assert.match(header(firstReceived(results.agent, /^INVITE /), 'From') ?? '', /<sip:(\+380|0)671234567@/);

      const cdrs = await newCdrs(server, before, 2);
      const aLeg = findCdr(cdrs, { 'Call direction': 'inbound', 'User ID': undefined }, 'the customer’s leg');
      assert.equal(aLeg.Bridged, true);
      assert.equal(aLeg['Hangup cause'], 'NORMAL_CLEARING');
      const bLeg = findCdr(cdrs, { 'User ID': '101' }, 'the leg towards 101');
      assert.equal(bLeg.Answered, true);
    }));

  it('(h) a one-digit caller ID ("7", which ends the number 101 called): 101 is not rung, the ring group is', () =>
    withOffice(async (office) => {
      const { server } = office;
      const phone101 = await registerPhone(server, '101');
      const p100 = await registerPhone(server, '100');
      const p102 = await registerPhone(server, '102');
      await employeeCallsCustomer(office, '101');
      const before = await allCdrs(server);

      const quiet101 = await SilentPhone.listen(phone101);
      try {
        const group = await ringGroup({ p100, p102 });
        const customer = customerCalls(server, '7', PUBLIC_NUMBER, { pauseMs: 500 });
        await calling([customer, group.p100, group.p102], () => allOk({ customer, ...group }));
        assert.deepEqual(quiet101.invites, [], '101 is not rung');
      } finally {
        quiet101.close();
      }
      const cdrs = await newCdrs(server, before, 3);
      assertFallbackCdrs(cdrs, '7');
      assertNoCdr(cdrs, { 'User ID': '101' }, '101 not rung');
    }));
});
