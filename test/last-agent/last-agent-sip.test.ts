/**
 * `lastAgent` end to end over SIP with sipp phones and a sipp carrier: 101
 * calls a customer through the carrier; the customer's call-back to the
 * public number reaches 101 — after waiting for 101's other call to end in
 * strict mode, whichever way the carrier writes the customer's number — and
 * an anonymous caller goes on to the overflow (100). The domain sets only its
 * country (no routes.nationalFormat): numbers are compared as E.164.
 * Each case runs on its own router, all cases at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StepTrace, TraceEvent } from '../../src/engine/trace.js';
import { allCdrs, allOk, carrierAnswers, CARRIER_IP, CUSTOMER, customerCalls, header, INTERNAL_SCHEMA, newCdrs } from '../support/sip/calls.js';
import { OUTBOUND_SCHEMA, phoneAnswers, PUBLIC_NUMBER, received, registerPhone, SilentPhone, stopAll, userCalls, waitForState } from '../support/sip/calls.js';
import type { BackgroundSipp } from '../support/sip/calls.js';
import { DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';
import { freeUdpPort, startSipp } from '../support/sip/sipp.js';

const SCHEMA = [
  { lastAgent: { window: '48d', mode: 'strict', waitSeconds: 60, ring: { leg_timeout: 20 } } },
  { bridge: { endpoints: [{ type: 'user', name: '100' }], parameters: ['leg_timeout=20'] } },
  { hangup: 'NO_ANSWER' },
];

interface Office {
  server: TestRouter;
  carrierPort: number;
  /** What lastAgent set on each call, in call order. */
  results(): Record<string, string>[];
}

async function withOffice(body: (office: Office) => Promise<void>): Promise<void> {
  const carrierPort = await freeUdpPort(CARRIER_IP);
  const steps: StepTrace[] = [];
  const server = await startTestRouter({
    domain: { country: 'UA' },
    gateways: [{ name: 'carrier', host: CARRIER_IP, port: carrierPort, transport: 'udp' }],
    routes: {
      public: [{ name: 'callback', numbers: [PUBLIC_NUMBER], schema: SCHEMA }],
      default: [
        { name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA },
        { name: 'outside', pattern: '^\\+?\\d{7,}$', schema: OUTBOUND_SCHEMA },
      ],
    },
    router: {
      trace: (_call, event: TraceEvent) => {
        if (event.type === 'step' && event.app === 'lastAgent') steps.push(event);
      },
    },
  });
  try {
    await body({ server, carrierPort, results: () => steps.map((step) => ({ ...step.variables, notes: step.notes.join('\n') })) });
  } finally {
    await server.close();
  }
}

async function settled<T>(runs: BackgroundSipp[], body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } finally {
    stopAll(runs);
  }
}

/** 101 dials the customer through the carrier, who answers; resolves once both legs' CDRs are stored and 101 is idle. */
async function agentCallsCustomer({ server, carrierPort }: Office): Promise<void> {
  const before = await allCdrs(server);
  const carrier = await carrierAnswers(carrierPort);
  const caller = userCalls(server, '101', CUSTOMER, 'call-uac.xml', { pauseMs: 300 });
  await settled([carrier, caller], () => allOk({ caller, carrier }));
  await newCdrs(server, before, 2, 30_000);
  assert.equal(await waitForState(server, '101', 'onhook'), 'onhook');
}

describe('lastAgent over SIP', { concurrency: true }, () => {
  it('strict: 101 is in another call when the customer calls back; the call waits, and 101 is rung as soon as that call ends', () =>
    withOffice(async (office) => {
      const { server } = office;
      const phone101 = await registerPhone(server, '101');
      await registerPhone(server, '103');
      await agentCallsCustomer(office);

      // 101's phone answers two calls: 103's, which lasts 4 s, then the customer's.
      const agent = startSipp({ scenario: 'answer-uas.xml', accounts: [], calls: 2, localPort: phone101.port, pauseMs: 200, timeoutSeconds: 60, traceMessages: true });
      await agent.ready;
      const colleague = userCalls(server, '103', '101', 'call-uac.xml', { pauseMs: 4000, timeoutSeconds: 60 });
      const runs: BackgroundSipp[] = [agent, colleague];
      const results = await settled(runs, async () => {
        assert.equal(await waitForState(server, '101', 'isbusy', 10_000), 'isbusy', '101 is in the call with 103');
        const customer = customerCalls(server, CUSTOMER, PUBLIC_NUMBER, { pauseMs: 500, timeoutSeconds: 60 });
        runs.push(customer);
        return allOk({ customer, colleague, agent });
      });

      const invites = received(results.agent, /^INVITE /);
      const calls = [...new Set(invites.map((invite) => header(invite, 'Call-ID')))];
      assert.equal(calls.length, 2, '101 got 103’s call, then the customer’s');
      assert.match(header(invites.at(-1)!, 'From') ?? '', new RegExp(`<sip:${CUSTOMER}@`), 'the second call is the customer’s');
      assert.ok(received(results.customer, /^SIP\/2\.0 180 /).length >= 1, 'the customer heard ringing while waiting');
      const [result] = office.results();
      assert.equal(result.last_agent, '101');
      assert.equal(result.last_agent_result, 'answered');
      assert.match(result.notes, /agent 101: phone isbusy; strict: waiting up to 60 s for it to be onhook, caller hears ringback/);
      assert.match(result.notes, /agent 101: phone onhook after \d+ s/);
    }));

  it('the customer calling back in four formats reaches 101 each time', () =>
    withOffice(async (office) => {
      const { server } = office;
      const phone101 = await registerPhone(server, '101');
      await agentCallsCustomer(office);
      const formats = ['0671234567', '380671234567', '+380671234567', '+38(067)123-45-67'];
      for (const caller of formats) {
        const agent = await phoneAnswers(phone101, 'answer-uas.xml', { pauseMs: 200 });
        const customer = customerCalls(server, caller, PUBLIC_NUMBER, { pauseMs: 300 });
        await settled([agent, customer], () => allOk({ customer, agent }));
        assert.equal(await waitForState(server, '101', 'onhook'), 'onhook');
      }
      const results = office.results();
      assert.deepEqual(
        results.map((result) => [result.last_agent, result.last_agent_result]),
        formats.map(() => ['101', 'answered']),
      );
      formats.forEach((format, index) => assert.match(results[index].notes, new RegExp(`is customer \\+380671234567`), format));
    }));

  it('a carrier that withholds From (anonymous) but asserts the number (P-Asserted-Identity) reaches 101, who is shown an anonymous caller', () =>
    withOffice(async (office) => {
      const { server } = office;
      const phone101 = await registerPhone(server, '101');
      await agentCallsCustomer(office);
      const agent = await phoneAnswers(phone101, 'answer-uas.xml', { pauseMs: 200 });
      const customer = customerCalls(server, `+380${CUSTOMER.slice(1)}`, PUBLIC_NUMBER, { pauseMs: 300, withheldFrom: 'anonymous' });
      const results = await settled([agent, customer], () => allOk({ customer, agent }));
      const [result] = office.results();
      assert.deepEqual([result.last_agent, result.last_agent_result], ['101', 'answered']);
      assert.match(result.notes, /is customer \+380671234567/);
      // The caller withheld its number (CLIR): the router routes on the asserted one, the agent's phone is not shown it.
      const invite = received(results.agent, /^INVITE /)[0];
      assert.match(header(invite, 'From') ?? '', /^"Anonymous" <sip:anonymous@anonymous\.invalid>/);
      assert.equal(header(invite, 'Privacy'), 'id');
      assert.equal(header(invite, 'P-Asserted-Identity'), undefined, 'a phone is not trusted with the number');
    }));

  it('an anonymous caller is not looked up: "not found", and the overflow (100) takes the call; 101 is not rung', () =>
    withOffice(async (office) => {
      const { server } = office;
      const phone101 = await registerPhone(server, '101');
      const phone100 = await registerPhone(server, '100');
      await agentCallsCustomer(office);
      const quiet101 = await SilentPhone.listen(phone101);
      try {
        const overflow = await phoneAnswers(phone100, 'answer-uas.xml', { pauseMs: 200 });
        const customer = customerCalls(server, 'anonymous', PUBLIC_NUMBER, { pauseMs: 300 });
        await settled([overflow, customer], () => allOk({ customer, overflow }));
        assert.deepEqual(quiet101.invites, [], '101 is not rung');
      } finally {
        quiet101.close();
      }
      const [result] = office.results();
      assert.equal(result.last_agent, '');
      assert.equal(result.last_agent_result, 'not-found');
      assert.match(result.notes, /caller ID "anonymous" is not a phone number of UA: no lookup/);
      const metrics = await (await fetch(`http://127.0.0.1:${server.router.http.port}/metrics`)).text();
      assert.match(metrics, new RegExp(`^callrouter_last_agent_outcomes_total\\{domain="${DOMAIN.replace(/\./g, '\\.')}",result="not-found"\\} 1$`, 'm'));
      assert.match(metrics, /^callrouter_last_agent_outcomes_total\{domain="[^"]+",result="answered"\} 0$/m);
    }));
});
