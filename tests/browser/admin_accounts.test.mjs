// An admin manages accounts in the web UI: adds one (a refused password is
// shown at its field, everything else typed stays), locks it (its session
// ends and it cannot sign in), unlocks it and gives it a new password (the
// old one stops working). Other roles see neither the page nor the API.
// axe-core finds nothing on the page in any of these states.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, open, screenshot, assertAccessible, signInWithToken } from './harness.mjs';

let server;
let browser;
const FIRST = 'Ulmer Münster 161 Meter hoch';
const SECOND = 'Donauufer im Herbst 2026';

before(async () => {
  server = await startServer();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

// Signs in over the API as the account would from another browser.
async function passwordSignIn(username, password) {
  const r = await server.api('/api/v1/session', { method: 'POST', body: { username, password } });
  const cookie = r.status === 201 ? r.headers.get('set-cookie').split(';')[0] : null;
  return { status: r.status, code: r.json?.error?.code, cookie };
}

async function signedIn(cookie) {
  const r = await server.api('/api/v1/session', { headers: { Cookie: cookie } });
  return r.json.signed_in;
}

function row(page, username) {
  return page.locator('#accounts-table tbody tr', { has: page.locator('th', { hasText: username }) });
}

test('an admin adds, locks, unlocks an account and gives it a new password', async () => {
  const page = await browser.page();
  await signInWithToken(browser, page, server.url, server.token('admin', 'dataport'));
  await page.getByRole('link', { name: 'Konten' }).click();
  await page.waitForURL('**/accounts.html');
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.locator('#accounts-none').innerText(), /Noch kein Konto/);
  await assertAccessible(page, 'accounts page without accounts');

  // A password that is too short: said at its field, the rest stays.
  await page.fill('#ac-username', 'm.schulz');
  await page.fill('#ac-name', 'Maria Schulz');
  await page.selectOption('#ac-role', 'owner');
  await page.selectOption('#ac-org', 'stadt-ulm');
  await page.fill('#ac-password', 'zu kurz');
  await page.click('#ac-submit');
  await page.waitForSelector('#ac-password-error:not([hidden])');
  assert.match(await page.locator('#ac-password-error').innerText(), /at least 12 characters/);
  assert.equal(await page.getAttribute('#ac-password', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ac-password');
  assert.equal(await page.inputValue('#ac-username'), 'm.schulz');
  assert.equal(await page.inputValue('#ac-name'), 'Maria Schulz');
  assert.equal(await page.inputValue('#ac-org'), 'stadt-ulm');
  await assertAccessible(page, 'accounts page with a refused password');
  assert.equal((await server.api('/api/v1/users', { token: server.token('admin', 'dataport') })).json.items.length, 0);

  // By keyboard: a good password, Enter.
  await page.fill('#ac-password', FIRST);
  await page.focus('#ac-password');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#accounts-table');
  const r = row(page, 'm.schulz');
  assert.match(await r.innerText(), /Maria Schulz\s+Anbieter\s+Stadt Ulm\s+noch nie\s+Aktiv/);
  assert.match(await page.locator('#ac-status').innerText(), /m\.schulz ist angelegt/);
  assert.equal(await page.inputValue('#ac-username'), '');
  await assertAccessible(page, 'accounts page with an account');

  const first = await passwordSignIn('m.schulz', FIRST);
  assert.equal(first.status, 201);
  assert.equal(await signedIn(first.cookie), true);
  // The time of sign-in is written beside the answer.
  const admin = server.token('admin', 'dataport');
  for (let i = 0; i < 100; i++) {
    const u = await server.api('/api/v1/users/m.schulz', { token: admin });
    if (u.json.last_sign_in_at) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.doesNotMatch(await row(page, 'm.schulz').innerText(), /noch nie/);

  // Locked: the session ends and signing in is refused.
  await row(page, 'm.schulz').getByRole('button', { name: 'Sperren m.schulz' }).click();
  await page.waitForFunction(() => /Gesperrt/.test(document.getElementById('accounts-table').innerText));
  assert.match(await page.locator('#list-status').innerText(), /m\.schulz ist gesperrt/);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.lock), 'm.schulz');
  assert.equal(await signedIn(first.cookie), false);
  assert.equal((await passwordSignIn('m.schulz', FIRST)).code, 'account_disabled');
  await screenshot(page, 'admin-accounts-locked');

  // Unlocked, then a new password: the old one no longer works.
  await row(page, 'm.schulz').getByRole('button', { name: 'Entsperren m.schulz' }).click();
  await page.waitForFunction(() => /Aktiv/.test(document.getElementById('accounts-table').innerText));
  const again = await passwordSignIn('m.schulz', FIRST);
  assert.equal(again.status, 201);
  await row(page, 'm.schulz').getByRole('button', { name: 'Neues Passwort m.schulz' }).click();
  await page.waitForSelector('#pw-form');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'pw-password');
  await page.fill('#pw-password', 'kurz');
  await page.click('#pw-submit');
  await page.waitForSelector('#pw-password-error:not([hidden])');
  await assertAccessible(page, 'new password form with a refused password');
  await page.fill('#pw-password', SECOND);
  await page.click('#pw-submit');
  await page.waitForSelector('#pw-form', { state: 'detached' });
  assert.match(await page.locator('#list-status').innerText(), /neues Passwort/);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.password), 'm.schulz');
  assert.equal(await signedIn(again.cookie), false);
  assert.equal((await passwordSignIn('m.schulz', FIRST)).status, 401);
  assert.equal((await passwordSignIn('m.schulz', SECOND)).status, 201);
  await screenshot(page, 'admin-accounts-password');

  // Another role and organisation: the account's session ends, and it
  // signs in again with the new ones.
  const before = await passwordSignIn('m.schulz', SECOND);
  await row(page, 'm.schulz').getByRole('button', { name: 'Bearbeiten m.schulz' }).click();
  await page.waitForSelector('#ed-form');
  assert.equal(await page.inputValue('#ed-role'), 'owner');
  assert.equal(await page.inputValue('#ed-org'), 'stadt-ulm');
  await page.selectOption('#ed-role', 'onboarding');
  await page.selectOption('#ed-org', 'stadt-koeln');
  await assertAccessible(page, 'account edit form');
  await page.click('#ed-submit');
  await page.waitForSelector('#ed-form', { state: 'detached' });
  assert.match(await row(page, 'm.schulz').innerText(), /Onboarding-Team\s+Stadt Köln/);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.edit), 'm.schulz');
  assert.equal(await signedIn(before.cookie), false);
  const after = await passwordSignIn('m.schulz', SECOND);
  const who = (await server.api('/api/v1/session', { headers: { Cookie: after.cookie } })).json;
  assert.deepEqual([who.role, who.organisation], ['onboarding', 'stadt-koeln']);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('other roles see no accounts page', async () => {
  const page = await browser.page();
  const owner = server.token('owner', 'stadt-ulm');
  await signInWithToken(browser, page, server.url, owner);
  assert.equal(await page.getByRole('link', { name: 'Konten' }).count(), 0);
  await open(page, `${server.url}/accounts.html`);
  assert.equal(await page.locator('#accounts-table').count(), 0);
  assert.equal(await page.locator('#account-form').count(), 0);
  assert.match(await page.locator('#accounts-box').innerText(), /Anbieter/);
  await assertAccessible(page, 'accounts page for an owner');
  assert.equal((await server.api('/api/v1/users', { token: owner })).status, 403);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});
