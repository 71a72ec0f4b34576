import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { loopWasBusy, type LoopMeter } from '../../event-loop-busy.js';
import { ReceiveQueueProbe } from './receive-queue-probe.js';

/**
 * The loop as the probe sees it: time and busy time move only when the test
 * says, so a loaded machine (a late timer, a descheduled process) cannot
 * change what the probe measures.
 */
class TestLoop implements LoopMeter {
  #time = 0;
  #busy = 0;

  now(): number {
    return this.#time;
  }

  mark(): EventLoopUtilization {
    return { idle: this.#time - this.#busy, active: this.#busy, utilization: 0 };
  }

  wasBusySince(mark: EventLoopUtilization): boolean {
    return loopWasBusy(mark, this.mark());
  }

  /** The loop running for `ms`, as it is under overload. */
  busyFor(ms: number): void {
    this.#time += ms;
    this.#busy += ms;
  }

  /** The loop waiting for I/O for `ms`, or the process waiting for the CPU. */
  idleFor(ms: number): void {
    this.#time += ms;
  }
}

/** How long a test keeps the loop busy behind SIP. */
const BUSY_MS = 200;

const OPTIONS = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n\r\n');

/** SIP read from the queue ahead of the probe: more datagrams than a backlog needs. */
function sipAhead(probe: ReceiveQueueProbe): void {
  for (let n = 0; n < 10; n++) probe.received(OPTIONS);
}

/** A probe (stopped when the test ends) sending through `send`, on a loop the test moves. */
function probeFor(t: TestContext, send: (datagram: Buffer) => void) {
  const loop = new TestLoop();
  const probe = new ReceiveQueueProbe(send, loop);
  t.after(() => probe.stop());
  /** The loop busy for `ms` reading SIP that was in the queue ahead of the probe. */
  const busyBehindSip = (ms: number) => {
    sipAhead(probe);
    loop.busyFor(ms);
  };
  return { probe, loop, busyBehindSip };
}

/** A probe whose datagrams the test holds, as a long receive queue would, and hands back when it chooses. */
function heldProbe(t: TestContext) {
  const sent: Buffer[] = [];
  const nextSent = async () => {
    const count = sent.length;
    while (sent.length === count) await sleep(2);
    return sent[sent.length - 1];
  };
  return { ...probeFor(t, (datagram) => sent.push(datagram)), nextSent };
}

test('one probe that waited is a pause, not a backlog; two in a row are; a short one ends it', async (t) => {
  const { probe, busyBehindSip, nextSent } = heldProbe(t);
  let datagram = await nextSent();
  assert.equal(probe.received(datagram), true);
  assert.equal(probe.delayMs(), 0, 'a probe back at once: no queue');

  datagram = await nextSent();
  busyBehindSip(BUSY_MS);
  assert.equal(probe.received(datagram), true);
  assert.equal(probe.delayMs(), 0, 'one late probe is a pause');

  datagram = await nextSent();
  busyBehindSip(BUSY_MS);
  assert.equal(probe.delayMs(), BUSY_MS, 'the probe after it is waiting too: a backlog already');
  assert.equal(probe.received(datagram), true);
  assert.equal(probe.delayMs(), BUSY_MS, 'two late probes in a row: a backlog');

  assert.equal(probe.received(await nextSent()), true);
  assert.equal(probe.delayMs(), 0, 'a probe back at once ends it');
});

test('waits that were not behind SIP with the loop busy are not a backlog: the process waited for the CPU, or for other work of its own', async (t) => {
  const waits = {
    'behind SIP, the loop idle': (probe: ReceiveQueueProbe, loop: TestLoop) => {
      sipAhead(probe);
      loop.idleFor(BUSY_MS);
    },
    'the loop busy, no SIP ahead': (_probe: ReceiveQueueProbe, loop: TestLoop) => loop.busyFor(BUSY_MS),
    'behind SIP, the loop busy a third of the time': (probe: ReceiveQueueProbe, loop: TestLoop) => {
      sipAhead(probe);
      loop.busyFor(BUSY_MS / 3);
      loop.idleFor((BUSY_MS * 2) / 3);
    },
  };
  for (const [name, wait] of Object.entries(waits)) {
    const { probe, loop, nextSent } = heldProbe(t);
    for (let round = 0; round < 3; round++) {
      const datagram = await nextSent();
      wait(probe, loop);
      assert.equal(probe.received(datagram), true);
    }
    await nextSent();
    wait(probe, loop);
    assert.equal(probe.delayMs(), 0, name);
  }
});

test('only the probe’s own datagram counts: others of the same length or content prefix are not taken for it', async (t) => {
  const { probe, nextSent } = heldProbe(t);
  const datagram = await nextSent();
  const forged = Buffer.from(datagram);
  forged[0] ^= 0xff;
  assert.equal(probe.received(forged), false);
  assert.equal(probe.received(Buffer.concat([datagram, Buffer.from('\r\n')])), false);
  assert.equal(probe.received(OPTIONS), false);
  assert.equal(probe.received(datagram), true);
});

test('a probe that never comes back (dropped from a full receive buffer) counts as waited, and the next one goes', async (t) => {
  const { probe, busyBehindSip, nextSent } = heldProbe(t);
  const lost = await nextSent();
  busyBehindSip(1_050);
  await nextSent();
  busyBehindSip(BUSY_MS);
  assert.equal(probe.delayMs(), BUSY_MS, 'the lost probe, and the next one waiting behind SIP too: a backlog');
  assert.equal(probe.received(lost), true, 'a late copy of the lost probe is still ours, not SIP');
});

test('no second probe is sent while one is still in the queue', async (t) => {
  const { probe, nextSent } = heldProbe(t);
  const first = await nextSent();
  const more = await Promise.race([nextSent().then(() => 'sent'), sleep(100).then(() => 'none')]);
  assert.equal(more, 'none');
  assert.equal(probe.received(first), true);
});

test('a probe that cannot be sent (the socket is closing) is not waited for, and does not throw out of its timer', async (t) => {
  let attempts = 0;
  const { probe } = probeFor(t, () => {
    attempts += 1;
    throw new Error('Not running');
  });
  await sleep(70);
  assert.ok(attempts >= 2, `tried again on the next tick (${attempts} attempts)`);
  assert.equal(probe.delayMs(), 0);
});
