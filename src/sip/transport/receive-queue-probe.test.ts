import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReceiveQueueProbe } from './receive-queue-probe.js';

/** The event loop busy for `ms`, as it is under overload. */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/**
 * How long a test keeps the loop busy behind SIP. Long beside the moments the
 * loop idles between a probe's sending and the busy spell (more under a
 * loaded CI machine): the probe's wait counts only with the loop ≥ 90 % busy.
 */
const BUSY_MS = 200;

const OPTIONS = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\n\r\n');

/** SIP read from the queue ahead of the probe: more datagrams than a backlog needs. */
function sipAhead(probe: ReceiveQueueProbe): void {
  for (let n = 0; n < 10; n++) probe.received(OPTIONS);
}

/** The loop busy for `ms` reading SIP that was in the queue ahead of the probe. */
function busyBehindSip(probe: ReceiveQueueProbe, ms: number): void {
  sipAhead(probe);
  busyFor(ms);
}

/** A probe (stopped when the test ends) sending through `send`. */
function probeFor(t: TestContext, send: (datagram: Buffer) => void): ReceiveQueueProbe {
  const probe = new ReceiveQueueProbe(send);
  t.after(() => probe.stop());
  return probe;
}

/** A probe whose datagrams the test holds, as a long receive queue would, and hands back when it chooses. */
function heldProbe(t: TestContext) {
  const sent: Buffer[] = [];
  const probe = probeFor(t, (datagram) => sent.push(datagram));
  const nextSent = async () => {
    const count = sent.length;
    while (sent.length === count) await sleep(2);
    return sent[sent.length - 1];
  };
  return { probe, nextSent };
}

test('one probe that waited is a pause, not a backlog; two in a row are; a short one ends it', async (t) => {
  const { probe, nextSent } = heldProbe(t);
  let datagram = await nextSent();
  assert.equal(probe.received(datagram), true);
  assert.ok(probe.delayMs() < 20, 'a probe back at once: no queue');

  datagram = await nextSent();
  busyBehindSip(probe, BUSY_MS);
  assert.equal(probe.received(datagram), true);
  assert.ok(probe.delayMs() < 20, `one late probe is a pause (${probe.delayMs()} ms)`);

  datagram = await nextSent();
  busyBehindSip(probe, BUSY_MS);
  assert.ok(probe.delayMs() >= 55, `the probe after it is waiting too: a backlog already (${probe.delayMs()} ms)`);
  assert.equal(probe.received(datagram), true);
  assert.ok(probe.delayMs() >= 55, `two late probes in a row: a backlog (${probe.delayMs()} ms)`);

  assert.equal(probe.received(await nextSent()), true);
  assert.ok(probe.delayMs() < 20, 'a probe back at once ends it');
});

test('waits that were not behind SIP with the loop busy are not a backlog: the process waited for the CPU, or for other work of its own', async (t) => {
  for (const wait of [
    async (probe: ReceiveQueueProbe) => {
      sipAhead(probe);
      await sleep(60);
    },
    async () => busyFor(60),
  ]) {
    const { probe, nextSent } = heldProbe(t);
    for (let round = 0; round < 3; round++) {
      const datagram = await nextSent();
      await wait(probe);
      assert.equal(probe.received(datagram), true);
    }
    await nextSent();
    await wait(probe);
    assert.equal(probe.delayMs(), 0);
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
  const { probe, nextSent } = heldProbe(t);
  const lost = await nextSent();
  busyBehindSip(probe, 1_050);
  await nextSent();
  busyBehindSip(probe, BUSY_MS);
  assert.ok(probe.delayMs() >= 55, `the lost probe, and the next one waiting behind SIP too: a backlog (${probe.delayMs()} ms)`);
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
  const probe = probeFor(t, () => {
    attempts += 1;
    throw new Error('Not running');
  });
  await sleep(70);
  assert.ok(attempts >= 2, `tried again on the next tick (${attempts} attempts)`);
  assert.equal(probe.delayMs(), 0);
});
