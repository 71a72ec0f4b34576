import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loadErrors, runApp, runSchema } from '../support/engine.js';
import { acrServices } from './support.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A web service on loopback: answers by path, keeps every request it got. */
class TestService {
  readonly received: Received[] = [];
  #server: Server | undefined;
  base = '';

  async start(): Promise<void> {
    this.#server = createServer(async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      this.received.push({ method: request.method!, url: request.url!, headers: request.headers, body });
      const path = new URL(request.url!, 'http://x').pathname;
      if (path === '/slow') return void setTimeout(() => response.end('{}'), 2000);
      if (path === '/schema') {
        response.setHeader('content-type', 'application/json');
        return void response.end(JSON.stringify([{ set: { from_api: 'yes' } }, { log: 'api says hi to ${caller_id_number}' }]));
      }
      if (path === '/bad-schema') return void response.end(JSON.stringify([{ hangpu: '' }]));
      if (path === '/xml') {
        response.setHeader('content-type', 'text/xml; charset=utf-8');
        return void response.end(
          '<?xml version="1.0"?><response><owner id="7">101</owner><name>O&amp;M</name><items><item>a</item><item code="007">b</item></items></response>',
        );
      }
      if (path === '/not-xml') {
        response.setHeader('content-type', 'application/xml');
        return void response.end('<response><owner>101</response>');
      }
      response.setHeader('content-type', 'application/json');
      response.setHeader('set-cookie', ['session=abc; Path=/', 'lang=uk']);
      response.statusCode = path === '/missing' ? 404 : 200;
      response.end(JSON.stringify({ callerIdName: 'Olena', owner: { number: '101' }, items: [{ id: 7 }] }));
    });
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.base = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    this.#server?.close();
  }
}

describe('httpRequest and httpApi against a local web service', () => {
  const service = new TestService();
  before(() => service.start());
  after(() => service.stop());

  it('reads an XML answer by XPath (/a/b, [n], @attr, //name, text()) and by dotted paths', async () => {
    const { call, step } = await runApp(
      {
        httpRequest: {
          url: `${service.base}/xml`,
          method: 'GET',
          exportVariables: {
            owner: '/response/owner',
            owner_id: '/response/owner/@id',
            second: '/response/items/item[2]/text()',
            code: '/response/items/item[2]/@code',
            name: '//name',
            first: 'response.items.item.0',
            missing: '/response/nothing',
          },
        },
      },
      {},
      { acr: acrServices() },
    );
    assert.equal(step.result, 'HTTP 200, 7 variable(s) exported');
    const read = (name: string) => call.getVariable(name);
    assert.deepEqual(
      ['owner', 'owner_id', 'second', 'code', 'name', 'first', 'missing'].map(read),
      ['101', '7', 'b', '007', 'O&M', 'a', ''],
    );
  });

  it('an answer that is not well-formed XML exports nothing and says why; XPath beyond the supported forms is a load error', async () => {
    const { step } = await runApp({ httpRequest: { url: `${service.base}/not-xml`, method: 'GET', exportVariables: { owner: '/response/owner' } } }, {}, { acr: acrServices() });
    assert.match(step.result!, /^HTTP 200; the answer is not valid XML: .*: exportVariables not read$/);
    assert.deepEqual(loadErrors([{ httpRequest: { url: 'http://example.com/', exportVariables: { x: '/a/*/b' } } }]), [
      { path: '[0].httpRequest.exportVariables.x', message: 'XPath wildcards are not read here: "/a/*/b"' },
    ]);
  });

  it('sends the documented request (method, headers, JSON body, path values) and exports JSON paths, status and cookies', async () => {
    const { call, step } = await runApp(
      {
        httpRequest: {
          url: `${service.base}/crm/\${id}/lookup?caller=\${caller_id_number}`,
          method: 'POST',
          timeout: 1000,
          responseCode: 'http_response_code',
          exportCookie: 'my_cookie',
          headers: { 'Content-Type': 'application/json', 'X-Call': '${uuid}' },
          path: { id: 0 },
          data: { Name: 'Supervisor', Caller: '${caller_id_number}', Nested: ['${caller_id_number}'] },
          exportVariables: { effective_caller_id_name: 'callerIdName', owner_caller_id_number: 'owner.number', first_id: 'items.0.id' },
        },
      },
      { variables: { caller_id_number: '+38 067"}', uuid: 'call-1' } },
      { acr: acrServices() },
    );
    const request = service.received.at(-1)!;
    assert.equal(request.method, 'POST');
    assert.equal(request.url, '/crm/0/lookup?caller=%2B38%20067%22%7D', 'substituted values are URL-encoded');
    assert.equal(request.headers['x-call'], 'call-1');
    assert.deepEqual(JSON.parse(request.body), { Name: 'Supervisor', Caller: '+38 067"}', Nested: ['+38 067"}'] }, 'a caller ID cannot change the JSON');
    assert.equal(call.getVariable('effective_caller_id_name'), 'Olena');
    assert.equal(call.getVariable('owner_caller_id_number'), '101');
    assert.equal(call.getVariable('first_id'), '7');
    assert.equal(call.getVariable('http_response_code'), '200');
    assert.equal(call.getVariable('my_cookie'), 'session=abc;lang=uk');
    assert.equal(step.result, 'HTTP 200, 3 variable(s) exported');
  });

  it('GET sends no body; form data is URL-encoded; a 404 is exported, not fatal', async () => {
    await runApp({ httpRequest: { url: `${service.base}/x`, method: 'get', data: { a: 1 } } }, {}, { acr: acrServices() });
    assert.equal(service.received.at(-1)!.method, 'GET');
    assert.equal(service.received.at(-1)!.body, '');
    await runApp(
      { httpRequest: { url: `${service.base}/form`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, data: { who: '${caller_id_number}', n: 2 } } },
      { variables: { caller_id_number: 'a&b=c' } },
      { acr: acrServices() },
    );
    assert.equal(service.received.at(-1)!.body, 'who=a%26b%3Dc&n=2');
    const { call } = await runApp({ httpRequest: { url: `${service.base}/missing`, responseCode: 'code' } }, {}, { acr: acrServices() });
    assert.equal(call.getVariable('code'), '404');
  });

  it('gives up after the timeout; the step fails and the flow goes on', async () => {
    const run = await runSchema([{ httpRequest: { url: `${service.base}/slow`, timeout: 100 } }, { log: 'went on' }], {}, { acr: acrServices() });
    assert.match(run.steps[0].error!, /timeout|aborted/i);
    assert.deepEqual(run.steps[1].notes, ['went on']);
  });

  it('httpApi runs the schema the service answers, after validating it', async () => {
    const run = await runSchema([{ httpApi: { url: `${service.base}/schema`, method: 'GET' } }, { log: 'back' }], { variables: { caller_id_number: '067' } }, { acr: acrServices() });
    assert.equal(run.call.getVariable('from_api'), 'yes');
    assert.deepEqual(run.steps.filter((step) => step.app === 'log').map((step) => step.notes[0]), ['api says hi to 067', 'back']);
    const bad = await runSchema([{ httpApi: { url: `${service.base}/bad-schema`, method: 'GET' } }, { log: 'back' }], {}, { acr: acrServices() });
    assert.match(bad.steps[0].result!, /not a valid schema \(1 error\(s\)\); not run/);
    assert.match(bad.steps[0].notes[0], /hangpu: unknown application; did you mean hangup\?/);
  });

  it('sendEvent posts the documented event to the domain webhook', async () => {
    const acr = acrServices({ events: { webhook: `${service.base}/hook`, headers: { authorization: 'Bearer t' }, timeoutMs: 2000 } });
    const { step } = await runApp({ sendEvent: { dump: true, data: { myUUID: '${uuid}' } } }, { variables: { uuid: 'call-9' } }, { acr });
    assert.match(step.result!, /^ACR::HOOK sent to the event stream and posted to http:\/\/127\.0\.0\.1:\d+$/);
    for (let tries = 0; tries < 100 && !service.received.some((request) => request.url === '/hook'); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    const hook = service.received.find((request) => request.url === '/hook')!;
    assert.equal(hook.headers.authorization, 'Bearer t');
    const event = JSON.parse(hook.body);
    assert.equal(event.event, 'ACR::HOOK');
    assert.deepEqual(event.data, { myUUID: 'call-9' });
    assert.equal(event.variables.uuid, 'call-9');
    const unconfigured = await runApp({ sendEvent: { data: { a: '1' } } }, {}, { acr: acrServices() });
    assert.match(unconfigured.step.result!, /^ACR::HOOK sent to the event stream; no events.webhook configured for .*$/);
  });
});
