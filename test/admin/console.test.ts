/**
 * The web console in Debian's Chromium (playwright-core): sign in with a
 * token, watch a sipp phone register and go busy on the phones board, see
 * the call in the calls table with its trace so far and hang it up, edit a
 * schema and see the error underlined where it is, run a trace, find the
 * call's CDR, open its trace and see it counted in a chart, create a user
 * and edit it (the phones board has it at once). With
 * SCREENSHOTS=<dir> it saves the pages shown in the README there.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AccountStore } from '../../src/admin/account-store.js';
import { TokenStore } from '../../src/admin/token-store.js';
import type { CallLegRecord } from '../../src/call/leg-record.js';
import { cdrFromLeg } from '../../src/cdr/document/leg-record.js';
import { INTERNAL_SCHEMA, phoneAnswers, registerPhone, stopAll, userCalls } from '../support/sip/calls.js';
import { DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';

const CHROMIUM = '/usr/bin/chromium';
const ACCOUNT_PASSWORD = 'ann-password-1';
const SCREENSHOTS = process.env.SCREENSHOTS;

let server: TestRouter;
let browser: Browser;
let token: string;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `the console test drives Debian's Chromium: run 'sudo apt-get install chromium'`);
  await promisify(execFile)(process.execPath, [new URL('../../scripts/build-console.mjs', import.meta.url).pathname]);
  server = await startTestRouter({ routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] } });
  const store = TokenStore.openInDataDir(server.router.dataDir);
  const accounts = AccountStore.openInDataDir(server.router.dataDir);
  try {
    token = store.create({ role: 'domain-admin', domain: DOMAIN, name: 'supervisor' }).token;
    await accounts.create({ username: 'ann', password: ACCOUNT_PASSWORD, role: 'domain-admin', domain: DOMAIN });
  } finally {
    store.close();
    accounts.close();
  }
  await server.router.cdrStore.index(earlierCalls(new Date()).map((leg) => ({ id: leg.uuid, document: cdrFromLeg(leg, 'UTC') })));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  if (!SCREENSHOTS) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage });
}

const EXAMPLE_SCHEMA = [
  { userData: { name: '${destination_number}', var: 'account_state', setVar: 'acc_state' } },
  { if: { expression: "${acc_state} == 'onhook'", then: [{ bridge: { endpoints: [{ name: '${destination_number}', type: 'user' }] } }], else: [{ hangup: 'USER_BUSY' }] } },
];

const LAST_AGENT_RESULTS = ['answered', 'answered', 'answered', 'busy', 'no-answer', 'not-found'];

/** A day of earlier calls (3 to 22 hours ago) for the charts: customers calling in, agents 101–104 answering most. */
function earlierCalls(now: Date): CallLegRecord[] {
  return Array.from({ length: 60 }, (_, index) => {
    const startTime = new Date(now.getTime() - (3 + ((index * 7) % 20)) * 3_600_000 - index * 41_000);
    const answered = index % 4 !== 3;
    const userId = String(101 + (index % 4));
    const endTime = new Date(startTime.getTime() + (answered ? 30_000 + ((index * 37) % 300) * 1000 : 20_000));
    return {
      uuid: `earlier-${index}`,
      direction: 'inbound',
      domain: DOMAIN,
      callerIdNumber: `067${String(1_000_000 + index * 7919).slice(-7)}`,
      destinationNumber: '0441234567',
      userId,
      startTime,
      ...(answered ? { answerTime: new Date(startTime.getTime() + 4_000) } : {}),
      endTime,
      hangupCause: answered ? 'NORMAL_CLEARING' : 'NO_ANSWER',
      variables: { last_agent_result: LAST_AGENT_RESULTS[index % LAST_AGENT_RESULTS.length] },
    } satisfies CallLegRecord;
  });
}

const badge = (page: Page, user: string) => page.locator(`[data-phone="${user}@${DOMAIN}"] .badge`);

it('signs in, shows a phone registering and busy live, hangs up its call, validates and traces a schema, and finds the call among the CDRs', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const base = `http://127.0.0.1:${server.router.http.port}/`;
  await page.goto(base);
  await page.click('.modes button[data-mode=token]');
  await page.fill('#token', 'crt_wrong');
  await page.click('form.token button[type=submit]');
  await page.getByText('Unknown or revoked token.').waitFor();
  await page.fill('#token', token);
  await page.click('form.token button[type=submit]');
  await page.locator('.live[data-live="true"]').waitFor();
  assert.equal(await badge(page, '101').textContent(), 'nonreg');

  await registerPhone(server, '101');
  const phone102 = await registerPhone(server, '102');
  await badge(page, '101').filter({ hasText: 'onhook' }).waitFor();
  await badge(page, '102').filter({ hasText: 'onhook' }).waitFor();
  assert.match((await page.locator(`[data-phone="101@${DOMAIN}"] .contacts`).textContent()) ?? '', /127\.0\.0\.1:\d+/);

  const callee = await phoneAnswers(phone102, 'answer-uas.xml', { pauseMs: 200, timeoutSeconds: 30 });
  const caller = userCalls(server, '101', '102', 'call-uac-remote-bye.xml');
  try {
    await badge(page, '102').filter({ hasText: 'isbusy' }).waitFor({ timeout: 15_000 });
    await badge(page, '101').filter({ hasText: 'isbusy' }).waitFor();
    await screenshot(page, 'phones');

    await page.click('nav button[data-view=calls]');
    const row = page.locator('tr[data-call]');
    await row.waitFor();
    assert.deepEqual(await row.locator('td').allTextContents().then((cells) => cells.slice(0, 3)), ['101', '102', 'answered']);
    await screenshot(page, 'calls');
    await row.getByRole('button', { name: 'Trace' }).click();
    await page.locator('dialog.call-trace').getByText('in progress').waitFor();
    await page.locator('dialog.call-trace button.close').click();
    await row.getByRole('button', { name: 'Hang up' }).click();
    await page.getByText('No calls in progress.').waitFor({ timeout: 10_000 });
    const [callerResult] = await Promise.all([caller.result, callee.result]);
    assert.equal(callerResult.exitCode, 0, `the caller got the router's BYE: ${callerResult.diagnostics}`);
  } finally {
    stopAll([caller, callee]);
  }
  await page.click('nav button[data-view=phones]');
  await badge(page, '102').filter({ hasText: 'onhook' }).waitFor();

  await page.click('nav button[data-view=schema]');
  await page.locator('.schema-status .valid').waitFor();
  const editor = page.locator('#schema-editor .cm-content');
  await editor.fill(JSON.stringify([{ bridge: { endpoints: [{ type: 'user', name: '${destination_number}' }], parameters: ['leg_timeout=abc'] } }], null, 2));
  const underlined = page.locator('#schema-editor .cm-lintRange-error');
  await underlined.first().waitFor();
  assert.equal(await underlined.allTextContents().then((parts) => parts.join('')), '"leg_timeout=abc"', 'the error is underlined at its JSON path');
  assert.match((await page.locator('.schema-issues').textContent()) ?? '', /\$\[0\]\.bridge\.parameters\[0\].*leg_timeout/);
  await screenshot(page, 'schema-error');
  page.once('dialog', (dialog) => void dialog.accept('console-check'));
  await page.click('button:has-text("Save as…")');
  await page.locator('.library-message.error').filter({ hasText: 'Not saved: 1 error' }).waitFor();
  await editor.fill(JSON.stringify(EXAMPLE_SCHEMA, null, 2));
  await page.locator('.schema-status .valid').waitFor();
  page.once('dialog', (dialog) => void dialog.accept('console-check'));
  await page.click('button:has-text("Save as…")');
  await page.locator('.library-message').filter({ hasText: /^Saved console-check/ }).waitFor();
  assert.equal(await page.locator('#schema-choice option:checked').textContent(), 'console-check', 'the saved schema is listed and chosen');
  await page.fill('#trace-phones', '101=isbusy');
  await page.click('text=Run trace');
  await page.locator('.steps li.end').waitFor();
  const apps = await page.locator('.steps .app').allTextContents();
  assert.deepEqual(apps.slice(0, 2), ['userData', 'if']);
  assert.ok(apps.includes('hangup'), `a busy agent is not rung: ${apps.join(', ')}`);
  assert.match((await page.locator('.steps').textContent()) ?? '', /acc_state=isbusy/);
  await screenshot(page, 'trace');

  // Both legs' CDRs are written (off the call path) before the page searches.
  await server.router.cdrWriter.flush();
  await page.click('nav button[data-view=cdrs]');
  const cdr = page.locator('tr[data-cdr]').filter({ hasText: '102' }).filter({ hasText: 'MANAGER_REQUEST' }).first();
  await cdr.waitFor();
  const perHour = JSON.parse((await page.locator('figure[data-chart="per-bucket"]').getAttribute('data-series')) ?? '{}');
  // The earlier calls are 3 hours old or more: the last two hours hold the call made here (two legs, answered).
  const lastTwoHours = [...perHour.answered.slice(-2), ...perHour.missed.slice(-2)].reduce((sum: number, count: number) => sum + count, 0);
  assert.equal(lastTwoHours, 2, `the call's two legs are counted in the calls-per-hour chart: ${JSON.stringify(perHour)}`);
  const lastAgent = JSON.parse((await page.locator('figure[data-chart="last-agent"]').getAttribute('data-series')) ?? '{}');
  assert.deepEqual(lastAgent, { labels: ['hit', 'fallback: busy', 'fallback: no-answer', 'fallback: not-found'], counts: [30, 10, 10, 10] });
  await screenshot(page, 'cdrs', false);
  const search = page.getByRole('button', { name: 'Search', exact: true });
  await page.fill('input[name=number]', '102');
  await page.selectOption('select[name=direction]', 'outbound');
  await search.click();
  await page.getByText('No CDRs match.').waitFor();
  await page.selectOption('select[name=direction]', 'internal');
  await search.click();
  await cdr.waitFor();
  await page.locator('tr[data-cdr]').first().getByRole('button', { name: 'Trace' }).click();
  const dialog = page.locator('dialog.call-trace');
  await dialog.locator('.steps .app').first().waitFor();
  assert.equal(await dialog.locator('.steps .app').first().textContent(), 'bridge', 'the trace of the real call: the internal schema bridged');
  assert.match((await dialog.textContent()) ?? '', /bridged to user 102/);
  await screenshot(page, 'call-trace');
  await dialog.locator('button.close').click();

  await page.click('summary:has-text("Raw Elasticsearch query")');
  await page.fill('textarea[name=raw]', '{"match": {"Hangup cause": "NO_SUCH_CAUSE"}}');
  await search.click();
  await page.getByText('No CDRs match.').waitFor();
  await page.fill('textarea[name=raw]', '{"match": ');
  await search.click();
  await page.locator('.cdr-page .error').filter({ hasText: 'Raw query' }).waitFor();
  await page.fill('textarea[name=raw]', '');
  await page.click('summary:has-text("Raw Elasticsearch query")');
  await page.fill('input[name=number]', '');
  await page.selectOption('select[name=direction]', '');

  await page.click('nav button[data-view=config]');
  await page.locator(`#config-domain option[value="${DOMAIN}"]`).waitFor({ state: 'attached' });
  await page.locator('tr[data-item="101"]').waitFor();
  await page.click('text=New user');
  await page.fill('#field-id', 'a b');
  await page.fill('#field-password', 'secret-106');
  await page.click('button:has-text("Create")');
  await page.locator('label[for=field-id] .field-error').filter({ hasText: /extension/ }).waitFor();
  await page.fill('#field-id', '106');
  await page.fill('#field-name', 'New agent');
  await page.click('button:has-text("Create")');
  await page.locator('tr[data-item="106"]').filter({ hasText: 'New agent' }).waitFor();
  await page.locator('tr[data-item="106"]').getByRole('button', { name: 'Edit' }).click();
  assert.equal(await page.locator('#field-password').getAttribute('placeholder'), 'unchanged', 'the password is write-only');
  await page.fill('#field-name', 'Ann');
  await screenshot(page, 'config-users');
  await page.click('button:has-text("Save")');
  await page.locator('tr[data-item="106"]').filter({ hasText: 'Ann' }).waitFor();
  await page.click('[data-collection=audit]');
  const changes = page.locator('tr[data-audit]').filter({ hasText: `domains/${DOMAIN}/users/106` });
  await changes.first().waitFor();
  assert.deepEqual(await changes.locator('td[data-label=Action]').allTextContents(), ['update', 'create'], 'newest first');
  assert.match((await changes.first().locator('td[data-label=Who]').textContent()) ?? '', /supervisor/);
  await page.click('nav button[data-view=phones]');
  await badge(page, '106').filter({ hasText: 'nonreg' }).waitFor();
  assert.equal(await page.locator(`[data-phone="106@${DOMAIN}"] .name`).textContent(), 'Ann', 'the new user is on the phones board at once');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('nav button[data-view=phones]');
  await screenshot(page, 'phones-mobile');
  await page.click('nav button[data-view=cdrs]');
  await page.locator('tr[data-cdr]').first().waitFor();
  await screenshot(page, 'cdrs-mobile', false);
  await page.click('nav button[data-view=schema]');
  await page.locator('.schema-status .valid').waitFor();
  await screenshot(page, 'schema-mobile', false);
  await page.close();
});

it('signs in with a username and password: a session cookie, changes carry the CSRF token, and signing out ends it', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`http://127.0.0.1:${server.router.http.port}/`);
  await page.fill('#username', 'ann');
  await page.fill('#password', 'not-her-password');
  await page.click('form.account button[type=submit]');
  await page.getByText('Wrong username or password.').waitFor();
  await screenshot(page, 'sign-in');
  await page.fill('#password', ACCOUNT_PASSWORD);
  await page.click('form.account button[type=submit]');
  await page.locator('.live[data-live="true"]').waitFor();
  assert.equal(await page.locator('.who').textContent(), `ann (domain-admin of ${DOMAIN})`);
  const cookies = await page.context().cookies();
  assert.ok(cookies.some((cookie) => cookie.httpOnly && cookie.sameSite === 'Strict'), `an HttpOnly SameSite=Strict session cookie: ${JSON.stringify(cookies.map((cookie) => cookie.name))}`);

  // A change (POST) goes through only with the CSRF token the console sends.
  await page.click('nav button[data-view=config]');
  await page.click('text=New user');
  await page.fill('#field-id', '107');
  await page.fill('#field-password', 'secret-107');
  await page.click('button:has-text("Create")');
  await page.locator('tr[data-item="107"]').waitFor();
  page.once('dialog', (dialog) => void dialog.accept());
  await page.locator('tr[data-item="107"]').getByRole('button', { name: 'Delete' }).click();
  await page.locator('tr[data-item="107"]').waitFor({ state: 'detached' });

  await page.reload();
  await page.locator('.live[data-live="true"]').waitFor();
  assert.match((await page.locator('.who').textContent()) ?? '', /^ann /, 'the session outlives a reload');
  await page.click('text=Sign out');
  await page.locator('#username').waitFor();
  await page.reload();
  await page.locator('#username').waitFor();
  const after = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
  assert.equal(after, 401, 'signed out: the session is over');
  await page.close();
});
