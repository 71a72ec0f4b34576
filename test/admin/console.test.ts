/**
 * The web console in Debian's Chromium (playwright-core): sign in with a
 * token, watch a sipp phone register and go busy on the phones board, see
 * the call in the calls table and hang it up, run a trace. With
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
import { TokenStore } from '../../src/admin/token-store.js';
import { INTERNAL_SCHEMA, phoneAnswers, registerPhone, stopAll, userCalls } from '../support/sip/calls.js';
import { DOMAIN, startTestRouter, type TestRouter } from '../support/sip/router.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = process.env.SCREENSHOTS;

let server: TestRouter;
let browser: Browser;
let token: string;

before(async () => {
  assert.ok(existsSync(CHROMIUM), `the console test drives Debian's Chromium: run 'sudo apt-get install chromium'`);
  await promisify(execFile)(process.execPath, [new URL('../../scripts/build-console.mjs', import.meta.url).pathname]);
  server = await startTestRouter({ routes: { default: [{ name: 'extensions', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] } });
  const store = TokenStore.openInDataDir(server.router.dataDir);
  try {
    token = store.create({ role: 'domain-admin', domain: DOMAIN, name: 'supervisor' }).token;
  } finally {
    store.close();
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function screenshot(page: Page, name: string): Promise<void> {
  if (!SCREENSHOTS) return;
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

const badge = (page: Page, user: string) => page.locator(`[data-phone="${user}@${DOMAIN}"] .badge`);

it('signs in, shows a phone registering and busy live, hangs up its call, and runs a trace', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const base = `http://127.0.0.1:${server.router.http.port}/`;
  await page.goto(base);
  await page.fill('#token', 'crt_wrong');
  await page.click('button[type=submit]');
  await page.getByText('Unknown or revoked token.').waitFor();
  await screenshot(page, 'sign-in');
  await page.fill('#token', token);
  await page.click('button[type=submit]');
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
    await row.getByRole('button', { name: 'Hang up' }).click();
    await page.getByText('No calls in progress.').waitFor({ timeout: 10_000 });
    const [callerResult] = await Promise.all([caller.result, callee.result]);
    assert.equal(callerResult.exitCode, 0, `the caller got the router's BYE: ${callerResult.diagnostics}`);
  } finally {
    stopAll([caller, callee]);
  }
  await page.click('nav button[data-view=phones]');
  await badge(page, '102').filter({ hasText: 'onhook' }).waitFor();

  await page.click('nav button[data-view=trace]');
  await page.fill('#trace-phones', '101=isbusy');
  await page.click('text=Run trace');
  await page.locator('.steps li.end').waitFor();
  const apps = await page.locator('.steps .app').allTextContents();
  assert.deepEqual(apps.slice(0, 2), ['userData', 'if']);
  assert.ok(apps.includes('hangup'), `a busy agent is not rung: ${apps.join(', ')}`);
  assert.match((await page.locator('.steps').textContent()) ?? '', /acc_state=isbusy/);
  await screenshot(page, 'trace');

  await page.fill('#trace-schema', '[{"bridge": {"strategy": "sideways"}}]');
  await page.click('text=Run trace');
  await page.locator('.issues li').first().waitFor();
  assert.match((await page.locator('.issues').textContent()) ?? '', /\$\.body\.schema\[0\]/);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.click('nav button[data-view=phones]');
  await screenshot(page, 'phones-mobile');
  await page.close();
});
