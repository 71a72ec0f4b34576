import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { z } from 'zod';
import { configSchema } from '../config/schema.js';
import { schemaLoader } from '../../test/support/engine.js';
import { loadRouteSchemas } from './route-schemas.js';
import { RouteTable, type RouteSelection } from './route-table.js';

type ConfigInput = z.input<typeof configSchema>;
type DomainInput = ConfigInput['domains'][number];

/** Every route's schema logs its name, so a test can tell which one was picked. */
const logs = (text: string) => [{ log: text }];

function domain(name: string, overrides: Partial<DomainInput> = {}): DomainInput {
  return { name, users: [{ id: '101', password: 'secret' }], ...overrides };
}

async function tableOf(domains: DomainInput[]): Promise<RouteTable> {
  const config = configSchema.parse({ domains });
  return RouteTable.build(config, await loadRouteSchemas(config, '.', schemaLoader));
}

/** The selected route's path, name, domain, captures and variables, or the reason there is none. */
function described(selection: RouteSelection) {
  if (!selection.found) return { reason: selection.reason };
  const { route, captures } = selection;
  return { path: route.path, kind: route.kind, name: route.name, domain: route.domain, captures: [...captures], variables: route.variables };
}

const office = domain('office.example', {
  users: [
    { id: '101', password: 'secret' },
    { id: '555', password: 'secret', schema: logs('own schema of 555') },
  ],
  routes: {
    public: [
      { name: 'sales line', numbers: ['0441234567', '0441234568'], schema: logs('sales'), variables: { queue: 'sales' } },
      { name: 'support line', numbers: ['+380442220000'], schema: logs('support') },
    ],
    default: [
      { name: 'internal', pattern: '^\\d{3}$', schema: logs('internal'), variables: { kind: 'internal' } },
      { name: 'pickup', pattern: '^\\*8(\\d{3})?$', schema: logs('pickup') },
      { name: 'outbound', pattern: '^(?:\\+?38)?(0\\d{9})$', schema: logs('outbound') },
      { name: 'anything long', pattern: '\\d{7,}', schema: logs('never: outbound comes first') },
    ],
  },
});
const shop = domain('shop.example', {
  allowAnonymousPublic: true,
  routes: { public: [{ name: 'shop line', numbers: ['0445550000'], schema: logs('shop') }], default: [] },
});

test('a public number selects its route, whose domain becomes the call domain, with its variables', async () => {
  const table = await tableOf([office, shop]);
  assert.deepEqual(described(table.selectPublic('0441234568', 'gateway')), {
    path: 'domains[0].routes.public[0]',
    kind: 'public',
    name: 'sales line',
    domain: 'office.example',
    captures: [],
    variables: { queue: 'sales' },
  });
  const shopCall = described(table.selectPublic('0445550000', 'gateway'));
  assert.deepEqual([shopCall.path, shopCall.domain], ['domains[1].routes.public[0]', 'shop.example']);
});

test('the selected route carries the schema compiled for its path', async () => {
  const config = configSchema.parse({ domains: [office] });
  const schemas = await loadRouteSchemas(config, '.', schemaLoader);
  const selection = RouteTable.build(config, schemas).selectPublic('+380442220000', 'gateway');
  assert.ok(selection.found);
  assert.equal(selection.route.schema, schemas.get('domains[0].routes.public[1]'));
});

test('a public number matches with or without +, and with visual separators', async () => {
  const table = await tableOf([office]);
  for (const number of ['+380442220000', '380442220000', '+380-44-222-00-00', '(044)1234567']) {
    assert.ok(table.selectPublic(number, 'gateway').found, number);
  }
  // No national format configured: the national form of an international DID is not guessed.
  assert.deepEqual(described(table.selectPublic('0442220000', 'gateway')), { reason: 'no public route for the number "0442220000"' });
});

test('with a national format, national and international forms of a DID select the same route', async () => {
  const table = await tableOf([
    domain('kyiv.example', {
      routes: { nationalFormat: { countryCode: '380', trunkPrefix: '0' }, public: [{ name: 'main', numbers: ['0441234567'], schema: logs('main') }], default: [] },
    }),
  ]);
  for (const number of ['0441234567', '380441234567', '+380441234567']) {
    assert.equal(described(table.selectPublic(number, 'gateway')).path, 'domains[0].routes.public[0]', number);
  }
  assert.equal(table.selectPublic('441234567', 'gateway').found, false, 'the national significant number alone is not a form');
});

test('an anonymous source reaches a public number only where its domain allows it', async () => {
  const table = await tableOf([office, shop]);
  assert.deepEqual(described(table.selectPublic('0441234567', 'anonymous')), {
    reason: 'domains[0].routes.public[0] (domain office.example) takes "0441234567" only from gateways: allowAnonymousPublic is off',
  });
  assert.equal(described(table.selectPublic('0445550000', 'anonymous')).path, 'domains[1].routes.public[0]');
});

test('a call from a user takes the first default route that matches, in configured order', async () => {
  const table = await tableOf([office]);
  assert.deepEqual(described(table.selectFromUser('office.example', '102')), {
    path: 'domains[0].routes.default[0]',
    kind: 'default',
    name: 'internal',
    domain: 'office.example',
    captures: ['102'],
    variables: { kind: 'internal' },
  });
  // "anything long" would match too, but "outbound" is configured before it.
  assert.equal(described(table.selectFromUser('office.example', '+380671234567')).name, 'outbound');
});

test('the pattern captures are returned whole match first, an unmatched group as ""', async () => {
  const table = await tableOf([office]);
  assert.deepEqual(described(table.selectFromUser('office.example', '+380671234567')).captures, ['+380671234567', '0671234567']);
  assert.deepEqual(described(table.selectFromUser('office.example', '*8101')).captures, ['*8101', '101']);
  assert.deepEqual(described(table.selectFromUser('office.example', '*8')).captures, ['*8', '']);
});

test("a user's own schema runs when that user is dialled, before the default routes", async () => {
  const table = await tableOf([office]);
  assert.deepEqual(described(table.selectFromUser('office.example', '555')), {
    path: 'domains[0].users[1]',
    kind: 'extension',
    name: 'extension 555',
    domain: 'office.example',
    captures: [],
    variables: {},
  });
  assert.equal(described(table.selectFromUser('office.example', '101')).name, 'internal', 'a user without a schema: default routes');
});

test('no route: a reason naming the number and domain', async () => {
  const table = await tableOf([office, shop]);
  assert.deepEqual(described(table.selectFromUser('office.example', 'alice')), { reason: 'no default route of office.example matches "alice"' });
  assert.deepEqual(described(table.selectFromUser('shop.example', '101')), { reason: 'no default route of shop.example matches "101"' });
  assert.deepEqual(described(table.selectFromUser('nowhere.example', '101')), { reason: 'no domain "nowhere.example"' });
  assert.deepEqual(described(table.selectPublic('0449999999', 'gateway')), { reason: 'no public route for the number "0449999999"' });
});

test('default routes are per domain: one domain never takes another one\'s patterns', async () => {
  const table = await tableOf([office, shop]);
  assert.equal(table.selectFromUser('shop.example', '0671234567').found, false);
  assert.equal(described(table.selectFromUser('office.example', '0671234567')).name, 'outbound');
});
