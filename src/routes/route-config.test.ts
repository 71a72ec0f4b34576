import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../config/file.js';
import { parseConfig } from '../config/load.js';
import { schemaLoader } from '../../test/support/engine.js';
import { loadRouteSchemas, RouteSchemaError } from './route-schemas.js';

const schema = [{ log: 'x' }];

function problemsOf(domains: unknown[]): string[] {
  try {
    parseConfig('callrouter.json', { domains });
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return assert.fail('expected the configuration to be refused');
}

const publicRoutes = (...numbers: string[][]) => numbers.map((list, r) => ({ name: `line ${r}`, numbers: list, schema }));

test('a DID configured in two domains is refused, naming both places', () => {
  assert.deepEqual(
    problemsOf([
      { name: 'a.example', routes: { public: publicRoutes(['0441234567']) } },
      { name: 'b.example', routes: { public: publicRoutes(['0447654321'], ['044-123-45-67']) } },
    ]),
    ['domains[1].routes.public[1].numbers[0]: the number 0441234567 is already routed by domains[0].routes.public[0].numbers[0]'],
  );
});

test('a DID twice in one domain, or in one route, is refused too', () => {
  assert.deepEqual(problemsOf([{ name: 'a.example', routes: { public: publicRoutes(['0441234567'], ['+0441234567']) } }]), [
    'domains[0].routes.public[1].numbers[0]: the number 0441234567 is already routed by domains[0].routes.public[0].numbers[0]',
  ]);
  assert.deepEqual(problemsOf([{ name: 'a.example', routes: { public: publicRoutes(['111', '111']) } }]), [
    'domains[0].routes.public[0].numbers[1]: the number 111 is already routed by domains[0].routes.public[0].numbers[0]',
  ]);
});

test('DIDs that are the same number through the national format collide', () => {
  const national = { countryCode: '380', trunkPrefix: '0' };
  assert.deepEqual(
    problemsOf([
      { name: 'a.example', routes: { nationalFormat: national, public: publicRoutes(['0441234567']) } },
      { name: 'b.example', routes: { public: publicRoutes(['+380441234567']) } },
    ]),
    ['domains[1].routes.public[0].numbers[0]: the number 380441234567 is already routed by domains[0].routes.public[0].numbers[0]'],
  );
});

test('a national format needs a country code and a trunk prefix of digits', () => {
  assert.deepEqual(problemsOf([{ name: 'a.example', routes: { nationalFormat: { countryCode: '+380', trunkPrefix: '' } } }]), [
    'domains[0].routes.nationalFormat.countryCode: expected a country calling code of 1 to 3 digits, such as 380',
    'domains[0].routes.nationalFormat.trunkPrefix: expected a trunk prefix of 1 or 2 digits, such as 0',
  ]);
});

test('a default route pattern that RE2 cannot compile is refused at its path, with the reason', () => {
  const defaults = ['^\\d{3}$', '(?<=9)\\d+', '^(\\d)\\1$', '^[0-9$'].map((pattern, r) => ({ name: `r${r}`, pattern, schema }));
  const problems = problemsOf([{ name: 'a.example', routes: { default: defaults } }]);
  assert.deepEqual(
    problems.map((problem) => problem.slice(0, problem.indexOf(':'))),
    ['domains[0].routes.default[1].pattern', 'domains[0].routes.default[2].pattern', 'domains[0].routes.default[3].pattern'],
  );
  assert.match(problems[0], /invalid regular expression \(RE2 syntax: no lookbehind, no backreferences\): invalid perl operator: \(\?<=/);
});

test("a user's own schema is validated with the other route schemas, at the user's path", async () => {
  const config = parseConfig('callrouter.json', {
    domains: [{ name: 'a.example', users: [{ id: '101', password: 'p' }, { id: '102', password: 'p', schema: [{ lgo: 'x' }] }] }],
  });
  const error = await loadRouteSchemas(config, '.', schemaLoader).then(
    () => assert.fail('expected a RouteSchemaError'),
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof RouteSchemaError);
  assert.deepEqual(error.problems, ['domains[0].users[1].schema [0].lgo: unknown application; did you mean log?']);
});
