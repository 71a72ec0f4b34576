import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCliHere } from '../support/cli.js';
import { FIXTURES } from './support.js';

/** Webitel's current dialect (flow_manager), written in YAML. */
const FLOW_MANAGER_YAML = `
- softSleep: 200
- ringReady: {}
- set:
    greeting: hello \${caller_id_number}
- export: [greeting]
- function:
    name: notify
    actions:
      - log: "notify \${greeting}"
- execute: notify
- if:
    expression: "'\${caller_id_number}'.indexOf('067') === 0"
    then:
      - goto: agents
- log: not a mobile
- tag: agents
  bridge:
    parameters: { hangup_after_bridge: false }
    endpoints:
      - { type: user, extension: "101", idle: true, parameters: { leg_timeout: 10 } }
`;

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'callrouter-dialects-'));
  await writeFile(join(dir, 'flow.yaml'), FLOW_MANAGER_YAML);
  await writeFile(join(dir, 'broken.yaml'), '- set: [unclosed\n');
});

describe('callrouter validate: dialects and formats', () => {
  it("recognises Webitel's current dialect in a YAML file, and traces it", async () => {
    const file = join(dir, 'flow.yaml');
    const validated = await runCliHere(['validate', file]);
    assert.equal(validated.code, 0, validated.stderr);
    assert.match(validated.stdout, /valid \(9 top-level applications\)/);
    assert.match(validated.stdout, /^dialect: Webitel flow_manager/m);
    const traced = await runCliHere(['trace', file, '--var', 'caller_id_number=0671234567', '--var', 'domain_name=example.com']);
    assert.equal(traced.code, 0, traced.stderr);
    assert.match(traced.stdout, /notify hello 0671234567/);
    assert.match(traced.stdout, /JavaScript sandbox/);
  });

  it("recognises Webitel's ACR dialect in a documentation route record, with the warnings of what is skipped", async () => {
    const validated = await runCliHere(['validate', fileURLToPath(new URL('applications-queue.json', FIXTURES))]);
    assert.equal(validated.code, 0, validated.stderr);
    assert.match(validated.stdout, /^dialect: Webitel ACR \(3\.x callflow\); from \[0\]\.queue/m);
    assert.match(validated.stdout, /^warning: \[0\]\.queue: not supported yet: needs the call-centre queue; skipped at run time$/m);
    const route = await runCliHere(['validate', fileURLToPath(new URL('scheme-public-route.json', FIXTURES))]);
    assert.equal(route.code, 0, route.stderr);
    assert.match(route.stdout, /valid \(3 top-level applications\)/);
  });

  it('reports invalid YAML with exit code 2', async () => {
    const result = await runCliHere(['validate', join(dir, 'broken.yaml')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /not valid YAML/);
  });
});
