import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runApp } from '../../../test/support/engine.js';
import { AcrServices } from '../../apps/services/acr-services.js';
import type { Configuration, RunningConfiguration } from '../../config/store/configuration.js';
import type { LiveCalls } from '../../sip/live-calls.js';
import { ReportingPhoneState, subscribeLiveEvents, type LiveEvent } from './live-events.js';

test('configuration changes are live events of the domain they touch; a whole-configuration change is told to every domain', async () => {
  let apply: Parameters<Configuration['onChange']>[0] | undefined;
  const configuration = { onChange: (listener: typeof apply & {}) => ((apply = listener), () => (apply = undefined)) } as Pick<Configuration, 'onChange'>;
  const calls = { onEvent: () => () => {} } as unknown as LiveCalls;
  const events: LiveEvent[] = [];
  const stop = subscribeLiveEvents({ phoneState: new ReportingPhoneState(), calls, configuration }, (event) => events.push(event));
  const running = { revision: 7, domains: [{ name: 'a.example' }, { name: 'b.example' }] } as unknown as RunningConfiguration;

  await apply!(running, { action: 'update', object: 'domains/a.example/users/101', domain: 'a.example' });
  await apply!(running, { action: 'import', object: 'domains' });
  assert.deepEqual(events, [
    { type: 'config.changed', domain: 'a.example', revision: 7, action: 'update', object: 'domains/a.example/users/101' },
    { type: 'config.changed', domain: 'a.example', revision: 7, action: 'import', object: 'domains' },
    { type: 'config.changed', domain: 'b.example', revision: 7, action: 'import', object: 'domains' },
  ]);
  stop();
  assert.equal(apply, undefined, 'unsubscribed');
});

test("a schema's sendEvent reaches the event stream as app.event of its domain, webhook or not", async () => {
  const acr = new AcrServices();
  const calls = { onEvent: () => () => {} } as unknown as LiveCalls;
  const events: LiveEvent[] = [];
  const stop = subscribeLiveEvents({ phoneState: new ReportingPhoneState(), calls, appEvents: acr.hookEvents }, (event) => events.push(event));
  const { step } = await runApp({ sendEvent: { data: { ticket: '${caller_id_number}' } } }, { variables: { caller_id_number: '0671234567' } }, { acr });
  assert.match(step.result!, /event stream/);
  assert.equal(events.length, 1);
  const [sent] = events as Extract<LiveEvent, { type: 'app.event' }>[];
  assert.equal(sent.type, 'app.event');
  assert.equal(sent.domain, sent.event.domain);
  assert.deepEqual([sent.event.event, sent.event.data], ['ACR::HOOK', { ticket: '0671234567' }]);
  stop();
  await runApp({ sendEvent: { data: { a: '1' } } }, {}, { acr });
  assert.equal(events.length, 1, 'unsubscribed');
});
