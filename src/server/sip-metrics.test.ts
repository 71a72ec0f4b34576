import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from 'prom-client';
import { createSipMetrics } from './sip-metrics.js';

const readings = {
  registeredContacts: () => 0,
  subscriptions: () => 0,
  activeCalls: () => 0,
  callsInSetup: () => 0,
  tcpConnections: () => 0,
  receiveQueueDelayMs: () => 0,
  refusedTcpConnections: () => ({ perAddress: 0, total: 0 }),
  activeAuthBlocks: () => ({ source: 0, 'user-at-source': 0, user: 0 }),
};

test('requests received and responses sent are counted by method and status, unknown methods as other', async () => {
  const registry = new Registry();
  const observer = createSipMetrics(registry, readings);
  for (const method of ['INVITE', 'INVITE', 'BYE', 'FROB']) observer.requestReceived(method);
  observer.responseSent('INVITE', 100);
  observer.responseSent('INVITE', 200);
  observer.responseSent('INVITE', 200);
  observer.responseSent('BYE', 200);
  const text = await registry.metrics();
  assert.match(text, /^callrouter_sip_requests_received_total\{method="INVITE"\} 2$/m);
  assert.match(text, /^callrouter_sip_requests_received_total\{method="BYE"\} 1$/m);
  assert.match(text, /^callrouter_sip_requests_received_total\{method="other"\} 1$/m);
  assert.match(text, /^callrouter_sip_responses_sent_total\{method="INVITE",status="100"\} 1$/m);
  assert.match(text, /^callrouter_sip_responses_sent_total\{method="INVITE",status="200"\} 2$/m);
  assert.match(text, /^callrouter_sip_responses_sent_total\{method="BYE",status="200"\} 1$/m);

  observer.requestReceived('INVITE');
  assert.match(await registry.metrics(), /^callrouter_sip_requests_received_total\{method="INVITE"\} 3$/m, 'a second scrape shows the totals, not the change');
});
