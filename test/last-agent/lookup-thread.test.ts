/**
 * A router whose routes look CDRs up on the call's path (`lastAgent`, `cdr`)
 * starts the CDR lookup thread with itself, so the first call's lookup does
 * not pay the thread's start-up within its time limit; a router whose routes
 * never search starts none.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INTERNAL_SCHEMA, PUBLIC_NUMBER } from '../support/sip/calls.js';
import { startTestRouter } from '../support/sip/router.js';

async function callsThreadStarted(schema: unknown[] | string): Promise<boolean> {
  const server = await startTestRouter({ routes: { public: [{ name: 'main', numbers: [PUBLIC_NUMBER], schema }] } });
  try {
    return server.router.cdrStore.started.calls;
  } finally {
    await server.close();
  }
}

describe('the CDR lookup thread', () => {
  it('starts with a router whose route uses lastAgent or cdr, also inside an if', async () => {
    assert.equal(await callsThreadStarted([{ lastAgent: {} }]), true);
    assert.equal(await callsThreadStarted([{ if: { expression: '1 == 1', then: [{ cdr: { elastic: { query: '*' }, exportVar: {} } }] } }]), true);
  });

  it('does not start with one whose routes never search', async () => {
    assert.equal(await callsThreadStarted(INTERNAL_SCHEMA), false);
  });
});
