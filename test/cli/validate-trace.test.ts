import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { outboundCall } from '../support/cdr-fixtures.js';
import { runCliHere } from '../support/cli.js';

const SEED = new URL('../support/fixtures/seed-last-agent.json', import.meta.url).pathname;
const NOW = new Date('2026-11-24T12:00:00Z');
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callrouter-cli-'));
  const cdrs = [
    outboundCall(NOW, { userId: '101', to: '0671234567', minutesAgo: 12 }),
    outboundCall(NOW, { userId: '102', to: '0671234567', minutesAgo: 40 }),
  ];
  await writeFile(join(dir, 'cdrs.ndjson'), cdrs.map((cdr) => JSON.stringify(cdr)).join('\n'));
  await writeFile(
    join(dir, 'idle-answers.json'),
    JSON.stringify({ variables: { domain_name: 'example.com' }, phones: { '101': 'onhook', '100': 'onhook', '102': 'onhook' }, targets: { 'user/101': { result: 'answer', after: 6, talk: 30 } } }),
  );
  await writeFile(join(dir, 'busy.json'), JSON.stringify({ variables: { domain_name: 'example.com' }, phones: { '101': 'isbusy', '100': 'onhook', '102': 'onhook' } }));
});

describe('callrouter validate', () => {
  it('accepts the seed schema with exit code 0', async () => {
    const result = await runCliHere(['validate', SEED]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /valid \(5 top-level applications\)/);
  });

  it('rejects an invalid schema with exit code 2, naming every JSON path', async () => {
    const schema = JSON.parse(await readFile(SEED, 'utf8'));
    schema[2].if.then[0].bridge.endpoints[0].type = 'phone';
    schema.push({ hangpu: 'NO_ANSWER' });
    await writeFile(join(dir, 'broken.json'), JSON.stringify(schema));
    const result = await runCliHere(['validate', join(dir, 'broken.json')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /invalid schema \(2 errors\)/);
    assert.match(result.stderr, /\[2\]\.if\.then\[0\]\.bridge\.endpoints\[0\]\.type: expected one of user, gateway, device, sipUri/);
    assert.match(result.stderr, /\[5\]\.hangpu: unknown application; did you mean hangup\?/);
  });

  it('a missing file is bad input: exit code 2', async () => {
    const result = await runCliHere(['validate', join(dir, 'nope.json')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot read: ENOENT/);
  });
});

describe('callrouter trace', () => {
  it('shows the bridge to user 101 when 101 called the customer last and is idle', async () => {
    const result = await runCliHere([
      'trace', SEED, '--var', 'caller_id_number=0671234567', '--var', 'destination_number=0441234567',
      '--scenario', join(dir, 'idle-answers.json'), '--cdr', join(dir, 'cdrs.ndjson'), '--now', NOW.toISOString(),
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /last_cid = "101"/);
    assert.match(result.stdout, /acc_state = "onhook"/);
    assert.match(result.stdout, /\[2\]\.if\.then\[0\] bridge .*"name":"101"/);
    assert.match(result.stdout, /user\/101: answered after 6 s, bridged/);
    assert.match(result.stdout, /end: callee hung up/);
    assert.doesNotMatch(result.stdout, /^\S+\s+\[3\] bridge/m, 'the fallback must not run');
  });

  it('shows the fallback when 101 is busy, one JSON object per line with --json', async () => {
    const result = await runCliHere([
      'trace', SEED, '--var', 'caller_id_number=0671234567', '--scenario', join(dir, 'busy.json'),
      '--cdr', join(dir, 'cdrs.ndjson'), '--now', NOW.toISOString(), '--json',
    ]);
    assert.equal(result.code, 0, result.stderr);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const steps = events.filter((event) => event.type === 'step');
    assert.deepEqual(steps.map((step) => step.path), ['[0]', '[1]', '[2]', '[3]', '[4]']);
    assert.equal(steps[1].variables.acc_state, 'isbusy');
    assert.equal(steps[3].args.strategy, 'multiple');
    assert.equal(steps[3].at, '2026-11-24T12:00:00.000Z');
    assert.equal(steps[4].at, '2026-11-24T12:00:30.000Z', 'the ring group rang for its 30 s leg_timeout in simulated time');
    assert.deepEqual(events.at(-1), { type: 'end', reason: 'ended-by-app', callEnd: 'no answer', at: '2026-11-24T12:00:30.000Z', steps: 5 });
  });

  it('bad input exits 2: a malformed --var, --now or scenario', async () => {
    const badVar = await runCliHere(['trace', SEED, '--var', 'novalue']);
    assert.equal(badVar.code, 2);
    assert.match(badVar.stderr, /--var "novalue": expected name=value/);
    const badNow = await runCliHere(['trace', SEED, '--now', 'yesterday']);
    assert.equal(badNow.code, 2);
    await writeFile(join(dir, 'bad-scenario.json'), JSON.stringify({ targets: { 'user/1': { result: 'maybe' } } }));
    const badScenario = await runCliHere(['trace', SEED, '--scenario', join(dir, 'bad-scenario.json')]);
    assert.equal(badScenario.code, 2);
    assert.match(badScenario.stderr, /targets\["user\/1"\]\.result/);
  });

  it('a missing scenario file is named as missing, and bad JSON by line and column', async () => {
    const missing = await runCliHere(['trace', SEED, '--scenario', join(dir, 'no-such.json')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no-such\.json: cannot read: ENOENT/);
    await writeFile(join(dir, 'broken.json'), '{\n  "phones": {\n    "101": onhook\n  }\n}');
    const broken = await runCliHere(['trace', SEED, '--scenario', join(dir, 'broken.json')]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /broken\.json: not valid JSON: .* at line 3, column 12/);
  });
});

describe('callrouter trace --config', () => {
  let config: string;
  before(async () => {
    await writeFile(join(dir, 'route.json'), JSON.stringify([{ log: 'domain=${domain_name} caller=${caller_id_number} queue=${queue} extension=&reg0.$1' }]));
    config = join(dir, 'routed.json');
    await writeFile(
      config,
      JSON.stringify({
        domains: [
          { name: 'other.example', users: [{ id: '500', password: 'x' }] },
          {
            name: 'example.com',
            users: [{ id: '101', password: 'x' }],
            routes: {
              nationalFormat: { countryCode: '380', trunkPrefix: '0' },
              public: [{ name: 'main', numbers: ['0441234567'], schema: 'route.json', variables: { queue: 'sales' } }],
              default: [{ name: 'short', pattern: '^9(\\d+)$', schema: 'route.json' }],
            },
          },
        ],
      }),
    );
  });

  it('routes a call from a carrier as the SIP server does: the route\'s domain, national caller number, route variables', async () => {
    const result = await runCliHere(['trace', '--config', config, '--var', 'caller_id_number=+380671234567', '--var', 'destination_number=+380441234567']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /domain=example\.com caller=0671234567 queue=sales extension=/);
  });

  it('routes a user\'s call by the destination patterns, with the captures', async () => {
    const result = await runCliHere(['trace', '--config', config, '--from', '101@example.com', '--var', 'caller_id_number=101', '--var', 'destination_number=9555']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /domain=example\.com caller=101 queue= extension=555/);
  });

  it('says why a call without a route is refused, and runs nothing', async () => {
    const result = await runCliHere(['trace', '--config', config, '--from', 'anonymous', '--var', 'destination_number=0441234567', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    assert.deepEqual(events.map((event) => event.type), ['end']);
    assert.match(events[0].message, /call refused \(UNALLOCATED_NUMBER\): .*allowAnonymousPublic is off/);
  });

  it('a schema given with --config runs instead of the route\'s, prepared the same way', async () => {
    await writeFile(join(dir, 'draft.json'), JSON.stringify([{ log: 'draft in ${domain_name}' }]));
    const result = await runCliHere(['trace', join(dir, 'draft.json'), '--config', config, '--var', 'destination_number=0441234567']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /draft in example\.com/);
  });
});


describe('callrouter trace says what the schema loads with but does not carry out', () => {
  const cacheGet = [{ cache: { method: 'get', key: 'k', setVar: 'v', expire: 10 } }];
  const ignored = 'unknown argument "expire" ignored, as Webitel ignores it';

  it('of a schema file, on stderr: --json output stays one event a line', async () => {
    await writeFile(join(dir, 'ignored.json'), JSON.stringify(cacheGet));
    const result = await runCliHere(['trace', join(dir, 'ignored.json'), '--json']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, `warning: [0].cache.expire: ${ignored}\n`);
    assert.ok(result.stdout.trim().split('\n').every((line) => JSON.parse(line)));
  });

  it("of the routes' schemas with --config, naming the routes", async () => {
    await writeFile(join(dir, 'ignored.json'), JSON.stringify(cacheGet));
    await writeFile(join(dir, 'ignored-routes.json'), JSON.stringify({ domains: [{ name: 'example.com', users: [{ id: '101', password: 'x' }], routes: { default: [{ name: 'any', pattern: '^(\\d+)$', schema: 'ignored.json' }] } }] }));
    const result = await runCliHere(['trace', '--config', join(dir, 'ignored-routes.json'), '--from', '101@example.com', '--var', 'destination_number=5']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, `warning: domains[0].routes.default[0]: schema [0].cache.expire: ${ignored}\n`);
  });

  it('of the schemas a config import stores, once imported', async () => {
    const store = await mkdtemp(join(tmpdir(), 'callrouter-import-warnings-'));
    await writeFile(join(store, 'ignored.json'), JSON.stringify(cacheGet));
    const config = { configSource: 'store', dataDir: 'data', domains: [{ name: 'example.com', users: [{ id: '101', password: 'x' }], routes: { default: [{ name: 'any', pattern: '^(\\d+)$', schema: 'ignored.json' }] } }] };
    await writeFile(join(store, 'callrouter.json'), JSON.stringify(config));
    const result = await runCliHere(['config', 'import', '--config', join(store, 'callrouter.json')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /as revision 1/);
    assert.equal(result.stderr, `warning: domains[0].routes.default[0]: schema [0].cache.expire: ${ignored}\n`);
  });
});
