/**
 * The admin API (/api/v1) on a running router with two domains: tokens and
 * roles on every route, a domain-admin kept to its domain (404 for the
 * other's objects), validation errors with JSON paths, the OpenAPI
 * document, live events over SSE, and a real call listed and hung up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TokenStore } from '../../src/admin/token-store.js';
import { apiRequest, createRoleTokens, type ApiAnswer, type RoleTokens } from '../support/admin-api.js';
import { DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';
import { INTERNAL_SCHEMA, phoneAnswers, registerPhone, stopAll, userCalls, waitForState } from '../support/sip/calls.js';
import { readFile } from 'node:fs/promises';

const OTHER = 'other.example';
let server: TestRouter;
let base: string;
let tokens: RoleTokens;

const api = (method: string, path: string, token?: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer> =>
  apiRequest(base, method, path, token, body, headers);

before(async () => {
  server = await startTestRouter({
    routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
    domain: {},
  });
  base = `http://127.0.0.1:${server.router.http.port}`;
  // A second domain, added to the test router's configuration for isolation checks.
  tokens = createRoleTokens(server.router.dataDir, DOMAIN, OTHER);
});

after(() => server.close());

const ROUTES: [method: string, path: string, body?: unknown][] = [
  ['GET', '/phones'],
  ['GET', `/phones/${DOMAIN}/101`],
  ['GET', '/calls'],
  ['DELETE', '/calls/00000000-0000-4000-8000-000000000000'],
  ['GET', '/calls/00000000-0000-4000-8000-000000000000/trace'],
  ['POST', '/trace', { schema: [] }],
  ['POST', '/cdrs/search', {}],
  ['GET', '/events'],
];

describe('admin API', () => {
  it('every route but the OpenAPI document needs a token, and a cdr-writer may use none of them', async () => {
    for (const [method, path, body] of ROUTES) {
      const headers: Record<string, string> = body === undefined ? {} : { 'content-type': 'application/json' };
      const anonymous = await fetch(`${base}/api/v1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      assert.equal(anonymous.status, 401, `${method} ${path} without a token`);
      assert.equal(((await anonymous.json()) as { message: string }).message.includes('token'), true);
      const writer = await fetch(`${base}/api/v1${path}`, { method, headers: { ...headers, authorization: `Bearer ${tokens.writer}` }, body: body === undefined ? undefined : JSON.stringify(body) });
      assert.equal(writer.status, 403, `${method} ${path} as cdr-writer`);
    }
    const unknown = await api('GET', '/nothing', tokens.viewer);
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.message, /no route GET/);
  });

  it('the OpenAPI document lists every route, generated from the zod schemas', async () => {
    const document = await api('GET', '/openapi.json');
    assert.equal(document.status, 200);
    assert.equal(document.body.openapi, '3.0.3');
    const paths = document.body.paths;
    for (const [method, path] of ROUTES) {
      const templated = `/api/v1${path}`.replace(`/${DOMAIN}/101`, '/{domain}/{id}').replace(/\/calls\/[0-9a-f-]{36}/, '/calls/{uuid}');
      assert.ok(paths[templated]?.[method.toLowerCase()], `${method} ${templated} is documented`);
    }
    const traceBody = paths['/api/v1/trace'].post.requestBody.content['application/json'].schema;
    assert.ok(traceBody.properties.schema && traceBody.properties.phones, 'the trace body schema comes from the zod schema');
    assert.deepEqual(traceBody.required, ['schema']);
    assert.equal(paths['/api/v1/phones/{domain}/{id}'].get.parameters.map((parameter: any) => parameter.name).join(), 'domain,id');
  });

  it('phones: every domain for a viewer, only its own for a domain-admin, 404 for another domain', async () => {
    const all = await api('GET', '/phones', tokens.viewer);
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.phones.map((phone: any) => phone.id).sort(), ['100', '101', '102', '103']);
    assert.equal(all.body.phones[0].account_state, 'nonreg');
    assert.equal((await api('GET', '/phones', tokens.foreign)).body.phones.length, 0);
    assert.equal((await api('GET', `/phones?domain=${DOMAIN}`, tokens.foreign)).body.phones.length, 0);
    assert.equal((await api('GET', `/phones/${DOMAIN}/101`, tokens.own)).status, 200);
    const hidden = await api('GET', `/phones/${DOMAIN}/101`, tokens.foreign);
    assert.equal(hidden.status, 404);
    assert.match(hidden.body.message, /not found/);
    assert.equal((await api('GET', `/phones/${DOMAIN}/999`, tokens.admin)).status, 404);
    const badQuery = await api('GET', '/phones?colour=red', tokens.viewer);
    assert.equal(badQuery.status, 400);
    assert.deepEqual(badQuery.body.issues.map((issue: any) => issue.path), ['$.query']);
  });

  it('a registering phone shows its contacts, and the event stream tells registrations and state changes', async () => {
    const events = await openEvents(tokens.own);
    const foreignEvents = await openEvents(tokens.foreign);
    try {
      await registerPhone(server, '101');
      const phone = await api('GET', `/phones/${DOMAIN}/101`, tokens.viewer);
      assert.equal(phone.body.account_state, 'onhook');
      assert.equal(phone.body.contacts.length, 1);
      assert.match(phone.body.contacts[0].uri, /^sip:101@127\.0\.0\.1:\d+/);
      const seen = await events.until((event) => event.type === 'phone.registrations' && event.id === '101');
      await events.until((event) => event.type === 'phone.state' && event.id === '101');
      const of101 = events.received.filter((event) => event.id === '101');
      assert.deepEqual(of101.map((event) => event.type).sort(), ['phone.registrations', 'phone.state']);
      assert.deepEqual(of101.map((event) => event.account_state ?? event.contacts).sort(), [1, 'onhook']);
      assert.ok(seen.every((event) => event.domain === DOMAIN));
      assert.deepEqual(foreignEvents.received, [], 'another domain’s admin hears nothing of this domain');
    } finally {
      events.close();
      foreignEvents.close();
    }
  });

  it('calls: a call in progress is listed with its trace so far, hidden from another domain, refused to a viewer, and hung up by a domain-admin', async () => {
    const phone = await registerPhone(server, '102');
    const events = await openEvents(tokens.admin);
    const callee = await phoneAnswers(phone, 'answer-uas.xml', { pauseMs: 200, timeoutSeconds: 30 });
    const caller = userCalls(server, '101', '102', 'call-uac-remote-bye.xml');
    try {
      assert.equal(await waitForState(server, '102', 'isbusy', 10_000), 'isbusy');
      const listed = await api('GET', '/calls', tokens.viewer);
      assert.equal(listed.body.calls.length, 1);
      const call = listed.body.calls[0];
      assert.deepEqual([call.domain, call.callerIdNumber, call.destinationNumber, call.state], [DOMAIN, '101', '102', 'answered']);
      assert.deepEqual((await api('GET', '/calls', tokens.foreign)).body.calls, []);
      const running = await api('GET', `/calls/${call.uuid}/trace`, tokens.viewer);
      assert.equal(running.status, 200, JSON.stringify(running.body));
      assert.equal(running.body.inProgress, true);
      assert.equal(running.body.events.some((event: any) => event.type === 'end'), false, 'the flow is still in its bridge');
      assert.equal((await api('DELETE', `/calls/${call.uuid}`, tokens.foreign)).status, 404);
      assert.equal((await api('DELETE', `/calls/${call.uuid}`, tokens.viewer)).status, 403);
      const badUuid = await api('DELETE', '/calls/not-a-uuid', tokens.own);
      assert.equal(badUuid.status, 400);
      assert.deepEqual(badUuid.body.issues.map((issue: any) => issue.path), ['$.params.uuid']);
      const hungUp = await api('DELETE', `/calls/${call.uuid}`, tokens.own);
      assert.deepEqual(hungUp.body, { uuid: call.uuid, hungUp: true });
      const [callerResult] = await Promise.all([caller.result, callee.result]);
      assert.equal(callerResult.exitCode, 0, `the caller got the router’s BYE: ${callerResult.diagnostics}`);
      assert.equal(await waitForState(server, '102', 'onhook', 10_000), 'onhook');
      const seen = await events.until((event) => event.type === 'call.ended');
      const callEvents = seen.filter((event) => event.type.startsWith('call.'));
      assert.deepEqual(callEvents.map((event) => event.type), ['call.started', 'call.ringing', 'call.answered', 'call.ended']);
      assert.equal(callEvents[3].hangupCause, 'MANAGER_REQUEST');
      assert.equal((await api('DELETE', `/calls/${call.uuid}`, tokens.admin)).status, 404, 'a call that ended is gone');

      // Its trace is kept with its CDRs: read back from the store once the flow is over.
      const stored = await eventually(async () => {
        const answer = await api('GET', `/calls/${call.uuid}/trace`, tokens.own);
        return answer.status === 200 && !answer.body.inProgress ? answer : undefined;
      });
      const steps = stored.body.events.filter((event: any) => event.type === 'step');
      assert.equal(steps[0].app, 'bridge');
      assert.match(steps[0].result, /^bridged to user 102/);
      assert.deepEqual(steps[0].args.endpoints?.[0], { name: '102', type: 'user' }, 'the arguments after substitution');
      assert.equal(stored.body.events.at(-1).type, 'end');
      assert.equal(stored.body.domain, DOMAIN);
      assert.equal((await api('GET', `/calls/${call.uuid}/trace`, tokens.foreign)).status, 404, "another domain's admin does not see it");
      assert.equal((await api('GET', `/calls/${call.uuid}/trace`, tokens.admin)).status, 200);
      assert.equal((await api('GET', '/calls/00000000-0000-4000-8000-000000000000/trace', tokens.admin)).status, 404);
      // The caller's leg is the call: its CDR has the call's uuid as its id.
      const cdr = await api('POST', '/cdrs/search', tokens.own, { query: { ids: { values: [call.uuid] } } });
      assert.equal(cdr.body.hits.hits.length, 1);
    } finally {
      events.close();
      stopAll([caller, callee]);
    }
  });

  it('trace: the steps of `callrouter trace --json`, schema errors at their JSON path, other domains refused', async () => {
    const schema = JSON.parse(await readFile(INTERNAL_SCHEMA, 'utf8'));
    const traced = await api('POST', '/trace', tokens.viewer, { schema, variables: { destination_number: '102' }, phones: { '102': 'onhook', '103': 'isbusy' } });
    assert.equal(traced.status, 200, JSON.stringify(traced.body));
    const { events } = traced.body;
    assert.equal(events.at(-1).type, 'end');
    assert.ok(events.some((event: any) => event.type === 'step' && event.app === 'bridge'), 'the internal schema bridges');
    assert.equal((await api('GET', `/phones/${DOMAIN}/103`, tokens.viewer)).body.account_state, 'nonreg', 'a trace never changes live phones');

    const invalid = await api('POST', '/trace', tokens.own, { schema: [{ bridge: { strategy: 'sideways', endpoints: [] } }] });
    assert.equal(invalid.status, 400);
    assert.ok(invalid.body.issues.every((issue: any) => issue.path.startsWith('$.body.schema[0]')), JSON.stringify(invalid.body.issues));
    const badBody = await api('POST', '/trace', tokens.own, { schema: {}, phones: { '101': 'asleep' } });
    assert.deepEqual(badBody.body.issues.map((issue: any) => issue.path).sort(), ['$.body.phones["101"]', '$.body.schema'].sort());
    assert.equal((await api('POST', '/trace', tokens.own, { schema: [], variables: { domain_name: OTHER } })).status, 404);
    assert.equal((await api('POST', '/trace', tokens.foreign, { schema: [] })).status, 404, 'the other domain is not configured here');
  });

  it('CDR search: the store’s search, kept to a domain-admin’s domain; query errors are JSON', async () => {
    await server.router.cdrStore.index([
      { document: { 'Domain name': DOMAIN, 'User ID': '101', 'Destination number': '0671234567' } },
      { document: { 'Domain name': OTHER, 'User ID': '201' } },
    ]);
    const domainsOf = (answer: ApiAnswer) => [...new Set<string>(answer.body.hits.hits.map((hit: any) => hit._source['Domain name']))].sort();
    assert.deepEqual(domainsOf(await api('POST', '/cdrs/search', tokens.viewer, { query: { match_all: {} } })), [DOMAIN, OTHER].sort());
    assert.deepEqual(domainsOf(await api('POST', '/cdrs/search', tokens.own, { query: { match_all: {} } })), [DOMAIN]);
    assert.deepEqual(domainsOf(await api('POST', '/cdrs/search', tokens.foreign, {})), [OTHER]);
    const bad = await api('POST', '/cdrs/search', tokens.viewer, { query: { no_such_query: {} } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /no_such_query/);
    const notObject = await fetch(`${base}/api/v1/cdrs/search`, { method: 'POST', headers: { authorization: `Bearer ${tokens.viewer}`, 'content-type': 'application/json' }, body: '{"query":' });
    assert.equal(notObject.status, 400);
    assert.match(((await notObject.json()) as { message: string }).message, /JSON/);
  });
});

/** Polls until `check` gives a value (the trace is stored off the call path, shortly after the call ends). */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface EventStream {
  received: any[];
  until(done: (event: any) => boolean, timeoutMs?: number): Promise<any[]>;
  close(): void;
}

/** Reads /api/v1/events as a browser's fetch would, parsing `event:`/`data:` blocks. */
async function openEvents(token: string): Promise<EventStream> {
  const abort = new AbortController();
  const response = await fetch(`${base}/api/v1/events`, { headers: { authorization: `Bearer ${token}` }, signal: abort.signal });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
  const received: any[] = [];
  const waiters = new Set<() => void>();
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body!) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').find((line) => line.startsWith('data: '));
          if (data) received.push(JSON.parse(data.slice(6)));
          for (const wake of waiters) wake();
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    received,
    until: (done, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!received.some(done)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve([...received]);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no such event in ${JSON.stringify(received)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () => abort.abort(),
  };
}

it('an open event stream does not hold the router’s shutdown', async () => {
  const own = await startTestRouter();
  const store = TokenStore.openInDataDir(own.router.dataDir);
  const token = store.create({ role: 'viewer', name: 'wallboard' }).token;
  store.close();
  const response = await fetch(`http://127.0.0.1:${own.router.http.port}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(response.status, 200);
  const drained = (async () => {
    for await (const _chunk of response.body!) {
      // Keep reading until the router ends the stream.
    }
    return 'ended';
  })();
  await own.close();
  assert.equal(await drained, 'ended');
});
