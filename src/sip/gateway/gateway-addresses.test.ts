import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { gatewaySettings, type GatewayDomains, type GatewaySettings } from '../settings.js';
import { GatewayAddresses, type HostResolver, type SrvResolver } from './gateway-addresses.js';

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function recordingLogger() {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

type GatewayFields = Partial<GatewaySettings> & Pick<GatewaySettings, 'name' | 'host'>;

function domain(name: string, gateways: GatewayFields[]): GatewayDomains[number] {
  return { name, gateways: gateways.map((fields) => gatewaySettings.parse(fields)) };
}

function domains(gateways: GatewayFields[], more: GatewayDomains = []): GatewayDomains {
  return [domain('example.com', gateways), ...more];
}

/** What DNS answers for a name without SIP SRV records. */
const noSrv: SrvResolver = () => Promise.reject(Object.assign(new Error('queryNaptr ENODATA'), { code: 'ENODATA' }));

test('IP hosts match their source address on any port, and give a destination', async () => {
  const { logger } = recordingLogger();
  const addresses = await GatewayAddresses.create(
    domains([
      { name: 'carrier-a', host: '10.0.0.1', port: 5070 },
      { name: 'carrier-b', host: '[2001:DB8::0:1]', transport: 'tcp' },
    ]),
    logger,
  );
  try {
    assert.equal(addresses.gatewayOf('10.0.0.1')?.gateway.name, 'carrier-a');
    assert.equal(addresses.gatewayOf('10.0.0.1')?.domain, 'example.com');
    assert.equal(addresses.gatewayOf('2001:db8::1')?.gateway.name, 'carrier-b');
    assert.equal(addresses.gatewayOf('10.0.0.2'), undefined);
    assert.deepEqual(addresses.destinationOf('example.com', 'carrier-a'), { transport: 'udp', address: '10.0.0.1', port: 5070 });
    assert.deepEqual(addresses.destinationOf('example.com', 'carrier-b'), { transport: 'tcp', address: '2001:db8::1', port: 5060 }, 'an IP without a port: 5060, no SRV');
    assert.equal(addresses.destinationOf('example.com', 'nope'), undefined);
    assert.equal(addresses.destinationOf('other.com', 'carrier-a'), undefined);
  } finally {
    addresses.close();
  }
});

test('an IPv4-mapped IPv6 source matches the IPv4 gateway', async () => {
  const { logger } = recordingLogger();
  const addresses = await GatewayAddresses.create(domains([{ name: 'carrier', host: '10.0.0.1' }]), logger);
  try {
    assert.equal(addresses.gatewayOf('::ffff:10.0.0.1')?.gateway.name, 'carrier');
    assert.equal(addresses.gatewayOf('::FFFF:10.0.0.1')?.gateway.name, 'carrier');
  } finally {
    addresses.close();
  }
});

test('localhost resolves through the system resolver', async () => {
  const { logger } = recordingLogger();
  const addresses = await GatewayAddresses.create(domains([{ name: 'local', host: 'localhost' }]), logger);
  try {
    const resolved = addresses.addressesOf('example.com', 'local');
    assert.ok(resolved.length > 0, 'localhost resolved to nothing');
    assert.ok(resolved.some((address) => address === '127.0.0.1' || address === '::1'), `unexpected addresses ${resolved.join(', ')}`);
    for (const address of resolved) assert.equal(addresses.gatewayOf(address)?.gateway.name, 'local');
    const destination = addresses.destinationOf('example.com', 'local');
    assert.equal(destination?.address, resolved[0]);
  } finally {
    addresses.close();
  }
});

test('a name that does not resolve is a warning, not an error; the other gateways still work', async () => {
  const { logger, lines } = recordingLogger();
  const addresses = await GatewayAddresses.create(
    domains([
      { name: 'ghost', host: 'no-such-host.invalid' },
      { name: 'carrier', host: '10.0.0.1' },
    ]),
    logger,
    { resolveSrv: noSrv },
  );
  try {
    assert.equal(addresses.destinationOf('example.com', 'ghost'), undefined);
    assert.equal(addresses.gatewayOf('10.0.0.1')?.gateway.name, 'carrier');
    const warning = lines.find((line) => line.msg === 'gateway host does not resolve');
    assert.ok(warning, 'no warning logged');
    assert.equal(warning.level, 40);
    assert.equal(warning.gateway, 'ghost');
  } finally {
    addresses.close();
  }
});

test('re-resolution follows a renumbered carrier and keeps the old addresses through a DNS failure', async () => {
  const { logger } = recordingLogger();
  let answer: string[] | Error = new Error('ENOTFOUND');
  const resolve: HostResolver = (host) => {
    assert.equal(host, 'sip.carrier.example');
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  const addresses = await GatewayAddresses.create(domains([{ name: 'carrier', host: 'sip.carrier.example' }]), logger, { resolve, resolveSrv: noSrv, refreshMs: 0 });
  try {
    assert.equal(addresses.destinationOf('example.com', 'carrier'), undefined);

    answer = ['203.0.113.5', '::ffff:203.0.113.6'];
    await addresses.refresh();
    assert.deepEqual(addresses.addressesOf('example.com', 'carrier'), ['203.0.113.5', '203.0.113.6']);
    assert.equal(addresses.gatewayOf('203.0.113.6')?.gateway.name, 'carrier');
    assert.equal(addresses.destinationOf('example.com', 'carrier')?.address, '203.0.113.5');

    answer = new Error('EAI_AGAIN');
    await addresses.refresh();
    assert.equal(addresses.gatewayOf('203.0.113.5')?.gateway.name, 'carrier', 'a DNS failure must not forget the carrier');

    answer = ['198.51.100.7'];
    await addresses.refresh();
    assert.equal(addresses.gatewayOf('203.0.113.5'), undefined);
    assert.equal(addresses.gatewayOf('198.51.100.7')?.gateway.name, 'carrier');
  } finally {
    addresses.close();
  }
});

test('the periodic re-resolution runs on its timer and close() stops it', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const { logger } = recordingLogger();
  let calls = 0;
  const resolve: HostResolver = () => {
    calls++;
    return Promise.resolve(['203.0.113.5']);
  };
  const addresses = await GatewayAddresses.create(domains([{ name: 'carrier', host: 'sip.carrier.example' }]), logger, { resolve, resolveSrv: noSrv, refreshMs: 1000 });
  assert.equal(calls, 1);
  t.mock.timers.tick(1000);
  await addresses.refresh();
  assert.ok(calls >= 2, 'the timer did not re-resolve');
  const before = calls;
  addresses.close();
  t.mock.timers.tick(5000);
  await Promise.resolve();
  assert.equal(calls, before);
});

test('gateways of several domains: each source address names its own domain', async () => {
  const { logger } = recordingLogger();
  const addresses = await GatewayAddresses.create(
    domains([{ name: 'a', host: '10.0.0.1' }], [domain('other.com', [{ name: 'b', host: '10.0.0.2' }])]),
    logger,
  );
  try {
    assert.deepEqual(
      [addresses.gatewayOf('10.0.0.1')?.domain, addresses.gatewayOf('10.0.0.2')?.domain],
      ['example.com', 'other.com'],
    );
    assert.equal(addresses.destinationOf('other.com', 'b')?.address, '10.0.0.2');
  } finally {
    addresses.close();
  }
});

/** A carrier's DNS: SIP SRV records by name, addresses by host; the SRV names asked for. */
function carrierDns(srv: Record<string, { name: string; port: number; priority: number; weight: number }[]>, hosts: Record<string, string[]>) {
  const asked: string[] = [];
  const resolveSrv: SrvResolver = (name) => {
    asked.push(name);
    return name in srv ? Promise.resolve(srv[name]) : noSrv(name);
  };
  const resolve: HostResolver = (host) => (host in hosts ? Promise.resolve(hosts[host]) : Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })));
  return { asked, options: { resolve, resolveSrv, refreshMs: 0 } };
}

test('a name without a port goes where its SIP SRV records say (RFC 3263): by priority, then weight, each server on its own port', async () => {
  const { logger } = recordingLogger();
  const dns = carrierDns(
    {
      '_sip._udp.carrier.example': [
        { name: 'backup.carrier.example', port: 5080, priority: 20, weight: 0 },
        { name: 'small.carrier.example', port: 5070, priority: 10, weight: 10 },
        { name: 'big.carrier.example', port: 5090, priority: 10, weight: 50 },
        { name: 'gone.carrier.example', port: 5060, priority: 5, weight: 0 },
      ],
      '_sip._tcp.carrier.example': [{ name: 'tcp.carrier.example', port: 5062, priority: 0, weight: 0 }],
    },
    { 'carrier.example': ['192.0.2.1'], 'big.carrier.example': ['203.0.113.9'], 'small.carrier.example': ['203.0.113.7', '203.0.113.8'], 'backup.carrier.example': ['198.51.100.2'], 'tcp.carrier.example': ['203.0.113.62'] },
  );
  const addresses = await GatewayAddresses.create(
    domains([
      { name: 'udp', host: 'carrier.example' },
      { name: 'tcp', host: 'carrier.example', transport: 'tcp' },
    ]),
    logger,
    dns.options,
  );
  try {
    assert.deepEqual(dns.asked.sort(), ['_sip._tcp.carrier.example', '_sip._udp.carrier.example']);
    assert.deepEqual(addresses.destinationOf('example.com', 'udp'), { transport: 'udp', address: '203.0.113.9', port: 5090 }, 'a server that does not resolve is passed over');
    assert.deepEqual(addresses.addressesOf('example.com', 'udp'), ['203.0.113.9', '203.0.113.7', '203.0.113.8', '198.51.100.2']);
    assert.deepEqual(
      addresses.destinationsOf('example.com', 'udp').map(({ address, port }) => `${address}:${port}`),
      ['203.0.113.9:5090', '203.0.113.7:5070', '203.0.113.8:5070', '198.51.100.2:5080'],
      'where a call goes when the one before cannot take it',
    );
    assert.deepEqual(addresses.destinationOf('example.com', 'tcp'), { transport: 'tcp', address: '203.0.113.62', port: 5062 });
    assert.equal(addresses.gatewayOf('198.51.100.2')?.gateway.name, 'udp', "INVITEs from any of the carrier's servers are the carrier's");
    assert.equal(addresses.gatewayOf('192.0.2.1'), undefined, "the name's own address is not one of its SIP servers");
  } finally {
    addresses.close();
  }
});

test("with a port configured the name's own addresses are used, without asking for SRV records; a name without them is itself on port 5060", async () => {
  const { logger } = recordingLogger();
  const dns = carrierDns(
    { '_sip._udp.carrier.example': [{ name: 'sbc.carrier.example', port: 5090, priority: 0, weight: 0 }] },
    { 'carrier.example': ['192.0.2.1'], 'sbc.carrier.example': ['203.0.113.9'], 'plain.example': ['192.0.2.2'] },
  );
  const addresses = await GatewayAddresses.create(
    domains([
      { name: 'fixed', host: 'carrier.example', port: 5070 },
      { name: 'plain', host: 'plain.example' },
    ]),
    logger,
    dns.options,
  );
  try {
    assert.deepEqual(dns.asked, ['_sip._udp.plain.example']);
    assert.deepEqual(addresses.destinationOf('example.com', 'fixed'), { transport: 'udp', address: '192.0.2.1', port: 5070 });
    assert.deepEqual(addresses.destinationOf('example.com', 'plain'), { transport: 'udp', address: '192.0.2.2', port: 5060 });
  } finally {
    addresses.close();
  }
});

test('an SRV target of "." says the carrier offers no SIP there: the gateway stays unknown, with a warning', async () => {
  const { logger, lines } = recordingLogger();
  const dns = carrierDns({ '_sip._udp.carrier.example': [{ name: '.', port: 0, priority: 0, weight: 0 }] }, { 'carrier.example': ['192.0.2.1'] });
  const addresses = await GatewayAddresses.create(domains([{ name: 'carrier', host: 'carrier.example' }]), logger, dns.options);
  try {
    assert.equal(addresses.destinationOf('example.com', 'carrier'), undefined);
    assert.ok(lines.some((line) => line.msg === 'gateway host resolved to no address' && line.gateway === 'carrier'));
  } finally {
    addresses.close();
  }
});

test('a TLS gateway is looked up as _sips._tcp (RFC 3263 §4.2), is itself on port 5061 without SRV records, and its certificate must name the configured host', async () => {
  const { logger } = recordingLogger();
  const dns = carrierDns(
    {
      '_sips._tcp.carrier.example': [{ name: 'tls.carrier.example', port: 5063, priority: 0, weight: 0 }],
      '_sip._tcp.carrier.example': [{ name: 'tcp.carrier.example', port: 5062, priority: 0, weight: 0 }],
    },
    { 'carrier.example': ['192.0.2.1'], 'tls.carrier.example': ['203.0.113.63'], 'plain.example': ['192.0.2.2'] },
  );
  const addresses = await GatewayAddresses.create(
    domains([
      { name: 'srv', host: 'carrier.example', transport: 'tls' },
      { name: 'plain', host: 'plain.example', transport: 'tls' },
      { name: 'literal', host: '192.0.2.3', transport: 'tls' },
    ]),
    logger,
    dns.options,
  );
  try {
    assert.deepEqual(dns.asked.sort(), ['_sips._tcp.carrier.example', '_sips._tcp.plain.example']);
    assert.deepEqual(addresses.destinationOf('example.com', 'srv'), { transport: 'tls', address: '203.0.113.63', port: 5063, serverName: 'carrier.example' }, 'the domain meant, not the SRV target (RFC 5922 §4)');
    assert.deepEqual(addresses.destinationOf('example.com', 'plain'), { transport: 'tls', address: '192.0.2.2', port: 5061, serverName: 'plain.example' });
    assert.deepEqual(addresses.destinationOf('example.com', 'literal'), { transport: 'tls', address: '192.0.2.3', port: 5061 }, 'an address is checked against the certificate as itself');
  } finally {
    addresses.close();
  }
});
