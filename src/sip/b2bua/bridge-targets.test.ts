import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_LEG_TIMEOUT_SECONDS, planBridge } from '../../call/bridge-policy.js';
import type { BridgeEndpoint, BridgeLeg, BridgeRequest } from '../../call/call.js';
import { gatewaySettings, type GatewaySettings } from '../settings.js';
import { formatUri, parseNameAddr } from '../message/index.js';
import type { Binding } from '../registrar/index.js';
import type { Destination, Source } from '../transport/index.js';
import { resolveEndpoint, type Fork, type GatewayDirectory, type TargetContext } from './bridge-targets.js';
import { testDirectory, testDomain } from '../../../test/support/engine.js';

const CARRIER_DESTINATION: Destination = { transport: 'udp', address: '192.0.2.50', port: 5060 };

function binding(uri: string, source: Source): Binding {
  return { contact: `<${uri}>`, key: uri, callId: 'reg-1', cseq: 1, expiresAt: Date.now() + 60_000, source };
}

const PHONE_A: Source = { transport: 'udp', address: '203.0.113.10', port: 40000 };
const PHONE_B: Source = { transport: 'tcp', address: '203.0.113.11', port: 40001, connectionId: 7 };

function context(overrides: { gateways?: Record<string, Partial<GatewaySettings> & { unresolved?: boolean; alternatives?: Destination[] }> } = {}) {
  const directory = testDirectory([testDomain(), testDomain({ name: 'other.example', users: [{ id: '500', name: 'Other', password: 'x' }] })]);
  const registrations = new Map<string, Binding[]>([
    ['example.com/101', [binding('sip:101@10.0.0.11:5060', PHONE_A), binding('sip:101@10.0.0.12:5062;transport=tcp', PHONE_B)]],
    ['example.com/102', [binding('sip:102@10.0.0.13:5060', PHONE_A)]],
    ['other.example/500', [binding('sip:500@10.0.0.50', PHONE_A)]],
  ]);
  const gateways: GatewayDirectory = {
    find(domain, name) {
      const found = domain === 'example.com' ? overrides.gateways?.[name] : undefined;
      if (!found) return undefined;
      const { unresolved, alternatives, ...config } = found;
      return { config: gatewaySettings.parse({ name, host: 'carrier.example', ...config }), destination: unresolved ? undefined : CARRIER_DESTINATION, alternatives };
    },
    fromSource: () => undefined,
  };
  const ctx: TargetContext = {
    domain: 'example.com',
    directory,
    contactsOf: (domain, user) => registrations.get(`${domain}/${user}`) ?? [],
    contactUnreachable: () => {},
    gateways,
    localHost: () => '198.51.100.1',
    callerIdNumber: '100',
    callerIdName: 'Agent 100',
    maxForwards: 69,
  };
  return { ctx, directory };
}

function bridge(endpoints: Partial<BridgeEndpoint>[], parameters: Record<string, string> = {}, exportedVariables: Record<string, string> = {}): BridgeRequest {
  return {
    strategy: 'multiple',
    endpoints: endpoints.map((endpoint) => ({ type: 'user', name: '101', parameters: {}, ...endpoint })),
    parameters,
    exportedVariables,
    codecs: [],
  };
}

/** The request's leg as the bridge policy plans it (no channel variables). */
function legOf(request: BridgeRequest, index: number): BridgeLeg {
  const planned = planBridge(request, () => undefined);
  assert.ok(planned.ok, planned.ok ? '' : planned.problems.join('; '));
  return planned.plan.groups.flat()[index];
}

async function forksOf(ctx: TargetContext, request: BridgeRequest, index = 0): Promise<Fork[]> {
  const resolved = await resolveEndpoint(ctx, legOf(request, index));
  assert.ok('forks' in resolved, `expected forks, got ${JSON.stringify(resolved)}`);
  assert.equal(resolved.endpointIndex, index);
  return resolved.forks;
}

async function causeOf(ctx: TargetContext, request: BridgeRequest, index = 0) {
  const resolved = await resolveEndpoint(ctx, legOf(request, index));
  assert.ok('cause' in resolved, `expected a cause, got ${JSON.stringify(resolved)}`);
  assert.equal(resolved.endpointIndex, index);
  return resolved.cause;
}

test('a user gets one fork per registered contact, sent to where it registered from (UDP) or on its connection (TCP)', async () => {
  const { ctx } = context();
  const forks = await forksOf(ctx, bridge([{ name: '101' }]));
  assert.equal(forks.length, 2);
  assert.deepEqual(forks.map((fork) => formatUri(fork.target.requestUri)), ['sip:101@10.0.0.11:5060', 'sip:101@10.0.0.12:5062;transport=tcp']);
  // UDP: where the REGISTER came from (NAT). TCP: its connection while open, else the Contact's address.
  assert.deepEqual(forks.map((fork) => fork.target.destination), [PHONE_A, { transport: 'tcp', address: '10.0.0.12', port: 5062, connectionId: 7 }]);
  for (const fork of forks) {
    assert.equal(fork.kind, 'user');
    assert.equal(fork.userId, '101');
    assert.equal(fork.domain, 'example.com');
    assert.equal(fork.destinationNumber, '101');
    assert.equal(fork.target.to, '<sip:101@example.com>');
    assert.equal(fork.target.from, '"Agent 100" <sip:100@example.com>');
    assert.equal(fork.target.maxForwards, 69);
    assert.equal(fork.timeoutSeconds, DEFAULT_LEG_TIMEOUT_SECONDS);
    assert.equal(fork.callerIdNumber, '100');
  }
  assert.equal(DEFAULT_LEG_TIMEOUT_SECONDS, 60);
});

test('a user of another domain is looked up there', async () => {
  const { ctx } = context();
  const forks = await forksOf(ctx, bridge([{ name: '500', domainName: 'other.example' }]));
  assert.equal(forks.length, 1);
  assert.equal(forks[0].domain, 'other.example');
  assert.equal(forks[0].target.to, '<sip:500@other.example>');
});

test('causes: unknown user SUBSCRIBER_ABSENT, DND USER_BUSY, no registration USER_NOT_REGISTERED', async () => {
  const { ctx, directory } = context();
  assert.equal(await causeOf(ctx, bridge([{ name: '999' }])), 'SUBSCRIBER_ABSENT');
  directory.phoneState.setDnd('example.com', '101', true);
  assert.equal(await causeOf(ctx, bridge([{ name: '101' }])), 'USER_BUSY');
  assert.equal(await causeOf(ctx, bridge([{ name: '100' }])), 'USER_NOT_REGISTERED');
});

test('causes: unknown gateway and device endpoints are NO_ROUTE_DESTINATION; an unresolved gateway NETWORK_OUT_OF_ORDER', async () => {
  const { ctx } = context({ gateways: { down: { unresolved: true } } });
  assert.equal(await causeOf(ctx, bridge([{ type: 'gateway', name: 'nope', dialString: '123' }])), 'NO_ROUTE_DESTINATION');
  assert.equal(await causeOf(ctx, bridge([{ type: 'device', name: 'desk' }])), 'NO_ROUTE_DESTINATION');
  assert.equal(await causeOf(ctx, bridge([{ type: 'gateway', name: 'down', dialString: '123' }])), 'NETWORK_OUT_OF_ORDER');
});

test('a fork carries what the policy decided for its leg: time, delay, early media, variables', async () => {
  const { ctx } = context();
  const parameters = { leg_timeout: '15', leg_delay_start: '2', ignore_early_media: 'true' };
  const [fork] = await forksOf(ctx, bridge([{ name: '102', parameters }], {}, { team: 'sales' }));
  assert.equal(fork.timeoutSeconds, 15);
  assert.equal(fork.delaySeconds, 2);
  assert.equal(fork.ignoreEarlyMedia, true);
  assert.deepEqual(fork.variables, { team: 'sales', ...parameters });
});

test('origination_caller_id_number/name set the From of the leg', async () => {
  const { ctx } = context();
  const [fork] = await forksOf(ctx, bridge([{ name: '102', parameters: { origination_caller_id_number: '0441234567', origination_caller_id_name: 'Sales' } }]));
  assert.equal(fork.callerIdNumber, '0441234567');
  assert.equal(fork.callerIdName, 'Sales');
  assert.equal(fork.target.from, '"Sales" <sip:0441234567@example.com>');
});

test('a caller ID with @, |, %, spaces, quotes, line ends and non-ASCII becomes a valid From: escaped user, quoted name', async () => {
  const { ctx } = context();
  const number = '%40 0|1@x"ä';
  const name = 'Ärger "Q" \\ \r\nX-Injected: 1\u0000';
  const [fork] = await forksOf(ctx, bridge([{ name: '102', parameters: { origination_caller_id_number: number, origination_caller_id_name: name } }]));
  assert.equal(fork.target.from, '"Ärger \\"Q\\" \\\\   X-Injected: 1 " <sip:%2540%200%7C1%40x%22%C3%A4@example.com>');
  const parsed = parseNameAddr(fork.target.from, 'From');
  assert.ok(parsed.ok);
  assert.equal(parsed.value.uri.user, number);
  assert.equal(parsed.value.displayName, 'Ärger "Q" \\   X-Injected: 1 ');

  const [anonymous] = await forksOf(ctx, bridge([{ name: '102', parameters: { origination_caller_id_number: '', origination_caller_id_name: '' } }]));
  assert.equal(anonymous.target.from, '<sip:example.com>', 'no caller number: a URI without a user part, never sip:@host');
});

test('effective_caller_id_number is used when there is no origination_caller_id_number', async () => {
  const { ctx } = context();
  const [fork] = await forksOf(ctx, bridge([{ name: '102' }], { effective_caller_id_number: '777' }));
  assert.equal(fork.callerIdNumber, '777');
});

test('sip_h_X-Foo becomes an X-Foo header of the INVITE', async () => {
  const { ctx } = context();
  const [fork] = await forksOf(ctx, bridge([{ name: '102', parameters: { 'sip_h_X-Foo': 'bar' } }], { 'sip_h_X-Team': 'sales' }));
  assert.deepEqual(fork.target.headers, { 'X-Team': 'sales', 'X-Foo': 'bar' });
  const [hostile] = await forksOf(ctx, bridge([{ name: '102', parameters: { 'sip_h_X-Foo': 'a\r\nVia: evil\u0000b' } }]));
  assert.deepEqual(hostile.target.headers, { 'X-Foo': 'a  Via: evil b' }, 'CR, LF and NUL never reach the wire');
});

test('a gateway: one fork to the number at the gateway host, with its credentials and our address in From', async () => {
  const { ctx } = context({ gateways: { carrier: { port: 5080, username: 'acct', password: 'pw' } } });
  const [fork, ...rest] = await forksOf(ctx, bridge([{ type: 'gateway', name: 'carrier', dialString: '380441234567' }]));
  assert.equal(rest.length, 0);
  assert.equal(fork.kind, 'gateway');
  assert.equal(formatUri(fork.target.requestUri), 'sip:380441234567@carrier.example:5080');
  assert.deepEqual(fork.target.destination, CARRIER_DESTINATION);
  assert.equal(fork.target.to, '<sip:380441234567@carrier.example:5080>');
  assert.deepEqual(fork.target.credentials, { username: 'acct', password: 'pw' });
  assert.equal(fork.target.from, '"Agent 100" <sip:100@198.51.100.1>');
  assert.equal(fork.destinationNumber, '380441234567');
});

test("a gateway with several servers: the fork knows the others, where its INVITE goes when the first cannot take it", async () => {
  const others: Destination[] = [{ transport: 'udp', address: '203.0.113.8', port: 5070 }];
  const { ctx } = context({ gateways: { carrier: { alternatives: others } } });
  const [fork] = await forksOf(ctx, bridge([{ type: 'gateway', name: 'carrier', dialString: '380441234567' }]));
  assert.deepEqual(fork.target.destination, CARRIER_DESTINATION);
  assert.deepEqual(fork.target.alternatives, others);
});

test('a dialled number with characters that need escaping is escaped in the Request-URI and To (a gateway without a port: its host alone, RFC 3263)', async () => {
  const { ctx } = context({ gateways: { carrier: {} } });
  const [fork] = await forksOf(ctx, bridge([{ type: 'gateway', name: 'carrier', dialString: '0|1#' }]));
  assert.equal(formatUri(fork.target.requestUri), 'sip:0%7C1%23@carrier.example');
  assert.equal(fork.target.to, '<sip:0%7C1%23@carrier.example>');
});

test('a gateway callerIdNumber replaces the caller ID on calls out through it', async () => {
  const { ctx } = context({ gateways: { carrier: { callerIdNumber: '380440000000' } } });
  const [fork] = await forksOf(ctx, bridge([{ type: 'gateway', name: 'carrier', dialString: '0501112233' }]));
  assert.equal(fork.callerIdNumber, '380440000000');
  assert.equal(fork.target.from, '<sip:380440000000@198.51.100.1>');
  assert.equal(fork.target.credentials, undefined, 'no credentials configured');

  const endpoint = { type: 'gateway' as const, name: 'carrier', dialString: '0501112233', parameters: { origination_caller_id_number: '0447770000' } };
  const [chosen] = await forksOf(ctx, bridge([endpoint]));
  assert.equal(chosen.callerIdNumber, '0447770000', 'a caller ID the schema sets for the leg wins over the gateway default');
});

test('a sipUri endpoint: user@host, or a whole URI with transport=tcp', async () => {
  const { ctx } = context();
  const [plain] = await forksOf(ctx, bridge([{ type: 'sipUri', name: '', dialString: '300', host: '192.0.2.77:5070' }]));
  assert.equal(plain.kind, 'sipUri');
  assert.deepEqual(plain.target.destination, { transport: 'udp', address: '192.0.2.77', port: 5070 });
  assert.equal(plain.target.to, '<sip:300@192.0.2.77:5070>');
  assert.equal(plain.destinationNumber, '300');
  const [whole] = await forksOf(ctx, bridge([{ type: 'sipUri', name: '', dialString: 'sip:400@192.0.2.78;transport=tcp' }]));
  assert.deepEqual(whole.target.destination, { transport: 'tcp', address: '192.0.2.78', port: 5060 });
  assert.equal(whole.target.to, '<sip:400@192.0.2.78>');
});

test('a sipUri endpoint over TLS: a sips: URI or transport=tls, port 5061 by default, its host the name the certificate must bear', async () => {
  const { ctx } = context();
  const [sips] = await forksOf(ctx, bridge([{ type: 'sipUri', name: '', dialString: 'sips:500@192.0.2.79' }]));
  assert.deepEqual(sips.target.destination, { transport: 'tls', address: '192.0.2.79', port: 5061 });
  assert.equal(formatUri(sips.target.requestUri), 'sips:500@192.0.2.79');
  assert.equal(sips.target.to, '<sips:500@192.0.2.79>');
  const [named] = await forksOf(ctx, bridge([{ type: 'sipUri', name: '', dialString: 'sip:600@localhost:5071;transport=tls' }]));
  assert.equal(named.target.destination.transport, 'tls');
  assert.equal(named.target.destination.port, 5071);
  assert.equal(named.target.destination.serverName, 'localhost');
});

test('a sipUri endpoint that is not a SIP URI is INVALID_NUMBER_FORMAT', async () => {
  const { ctx } = context();
  assert.equal(await causeOf(ctx, bridge([{ type: 'sipUri', name: '', dialString: 'tel:+380441234567' }])), 'INVALID_NUMBER_FORMAT');
});

test("a hidden caller ID (CLIR): a phone gets an anonymous From and Privacy: id, a gateway the number as well in P-Asserted-Identity; the schema's own header wins", async () => {
  const { ctx } = context({ gateways: { carrier: {} } });
  const hidden = { origination_privacy: 'hide_name:hide_number' };
  const [phone] = await forksOf(ctx, bridge([{ name: '102', parameters: hidden }]));
  assert.equal(phone.target.from, '"Anonymous" <sip:anonymous@anonymous.invalid>');
  assert.deepEqual(phone.target.headers, { Privacy: 'id' });
  assert.equal(phone.callerIdNumber, '100', 'its CDR still names the caller');

  const [gateway] = await forksOf(ctx, bridge([{ type: 'gateway', name: 'carrier', dialString: '0501112233', parameters: hidden }]));
  assert.equal(gateway.target.from, '"Anonymous" <sip:anonymous@anonymous.invalid>');
  assert.deepEqual(gateway.target.headers, { Privacy: 'id', 'P-Asserted-Identity': '<sip:100@198.51.100.1>' });

  const [nameOnly] = await forksOf(ctx, bridge([{ name: '102', parameters: { origination_privacy: 'hide_name', 'sip_h_Privacy': 'none' } }]));
  assert.equal(nameOnly.target.from, '"Anonymous" <sip:100@example.com>');
  assert.deepEqual(nameOnly.target.headers, { Privacy: 'none' });

  const [shown] = await forksOf(ctx, bridge([{ name: '102' }]));
  assert.equal(shown.target.from, '"Agent 100" <sip:100@example.com>');
  assert.deepEqual(shown.target.headers, {});
});
