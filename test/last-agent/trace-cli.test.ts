/**
 * `callrouter trace` on the shipped lastAgent example: the customer calls in
 * E.164 form, the CDRs hold the national form, 101 is busy and becomes free
 * during strict mode's wait. The trace says why the call went where it went.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCliHere } from '../support/cli.js';

const example = (path: string) => new URL(`../../examples/${path}`, import.meta.url).pathname;
const ARGS = ['trace', example('last-agent-app.json'), '--scenario', example('trace/strict-wait.json'), '--cdr', example('trace/cdrs.ndjson'), '--now', '2026-11-24T12:00:00Z'];

describe('callrouter trace with lastAgent', () => {
  it('prints the CDRs considered, the agents in order, the wait and the ring', async () => {
    const result = await runCliHere(ARGS);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /caller \+380671234567 is customer \+380671234567/);
    assert.match(result.stdout, /2 CDR\(s\) of outbound\/inbound calls since 2026-10-07T12:00:00\.000Z \(48d\) considered/);
    assert.match(result.stdout, /CDR [\w-]+: 2026-11-24T11:48:10\.000Z outbound agent 101, talk 106 s: counted/);
    assert.match(result.stdout, /agent\(s\) in order: 101, 104/);
    assert.match(result.stdout, /agent 101: phone isbusy; strict: waiting up to 20 s for it to be onhook, caller hears ringback/);
    assert.match(result.stdout, /agent 101: phone onhook after 8 s/);
    assert.match(result.stdout, /last_agent_result = "answered"/);
    assert.match(result.stdout, /end: callee hung up/);
  });

  it('as JSON lines: one lastAgent step, its variables, and no overflow', async () => {
    const result = await runCliHere([...ARGS, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const steps = result.stdout.trim().split('\n').map((line) => JSON.parse(line)).filter((event) => event.type === 'step');
    assert.deepEqual(steps.map((step) => step.app), ['lastAgent']);
    assert.equal(steps[0].variables.last_agent, '101');
    assert.equal(steps[0].tookMs, 51_000, '8 s waiting, 3 s ringing, 40 s talking, in simulated time');
  });

  it('the shipped example validates', async () => {
    const result = await runCliHere(['validate', example('last-agent-app.json')]);
    assert.equal(result.code, 0, result.stderr);
  });
});
