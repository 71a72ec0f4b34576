import assert from 'node:assert/strict';
import { test } from 'node:test';
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
