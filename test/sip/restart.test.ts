/**
 * End-to-end: what a restart keeps. Registrations come back with their
 * expiry; password guessing blocks the guessing address, survives the
 * restart, and never locks out the users' real phones.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';
import { UdpPhone } from '../support/sip/udp-phone.js';

const USERS = ['100', '101', '102', '103'];

async function guessEveryUser(server: TestRouter, guesser: UdpPhone, guessesPerUser: number): Promise<number[]> {
  const statuses: number[] = [];
  for (const user of USERS) {
    for (let guess = 0; guess < guessesPerUser; guess++) statuses.push((await guesser.register({ port: server.udpPort, domain: DOMAIN }, user, `guess-${guess}`)) ?? 0);
  }
  return statuses;
}

test('restart: registrations are restored; 10 wrong REGISTERs per user block the guesser, not the users; blocks persist', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-restart-'));
  const phone = await UdpPhone.open('127.0.0.1');
  const guesser = await UdpPhone.open('127.0.0.2');
  const secondGuesser = await UdpPhone.open('127.0.0.3');
  let server = await startTestRouter({ dir, users: USERS });
  try {
    assert.equal(await phone.register({ port: server.udpPort, domain: DOMAIN }, '101', 'secret-101', 600), 200);
    const before = await guessEveryUser(server, guesser, 10);
    assert.ok(before.includes(403), 'the guesser was blocked');
    await server.close();

    server = await startTestRouter({ dir, users: USERS });
    const [restored] = server.router.sip.contacts(DOMAIN, '101');
    assert.equal(restored?.source.address, '127.0.0.1', 'the registration came back');
    assert.ok(restored.expiresAt > Date.now() + 500_000, 'with the expiry it had');
    assert.equal(server.router.directory.userVariable(DOMAIN, '101', 'account_state'), 'onhook');

    const target = { port: server.udpPort, domain: DOMAIN };
    assert.equal(await guesser.register(target, '100', 'secret-100'), 403, 'the block outlived the restart, right password or not');
    const after = await guessEveryUser(server, secondGuesser, 10);
    assert.ok(after.every((status) => status === 401 || status === 403), `only refusals: ${after.join(',')}`);
    assert.equal(after.at(-1), 403, 'the second guesser is blocked too');
    for (const user of USERS) assert.equal(await phone.register(target, user, `secret-${user}`), 200, `user ${user} still registers from the phone`);
  } finally {
    phone.close();
    guesser.close();
    secondGuesser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
