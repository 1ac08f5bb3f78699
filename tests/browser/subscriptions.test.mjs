// An adopter orders notifications in the web UI: from a solution page to
// the notifications page with that solution chosen; an order without an
// event is refused at the events; an order of new releases appears in the
// list, and the next release of that solution then goes to the adopter's
// organisation (the API's recipients say so, with the subscription as the
// reason); cancelling removes it. axe-core finds nothing on the page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, startBrowser, open, screenshot, assertAccessible, signInWithToken,
} from './harness.mjs';

let server;
let browser;
const SLUG = 'abfallkalender-app';

before(async () => {
  server = await startServer();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an adopter orders notifications of new releases and cancels them', async () => {
  const adopter = server.token('adopter', 'stadt-ulm');
  const admin = server.token('admin', 'dataport');
  const mine = async () => (await server.api('/api/v1/subscriptions?organisation=stadt-ulm',
    { token: adopter })).json.items;
  const before = (await mine()).length;

  const page = await browser.page();
  await signInWithToken(browser, page, server.url, adopter, { next: `/solution.html?slug=${SLUG}` });
  await page.locator(`[data-subscribe="${SLUG}"]`).click();
  await page.waitForURL(`**/subscriptions.html?solution=${SLUG}`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.inputValue('#sb-solution'), SLUG);
  await assertAccessible(page, 'notifications page');

  // Nothing chosen: said at the events, nothing stored.
  for (const box of await page.locator('input[name="event_types"]').all()) await box.uncheck();
  await page.click('#sb-submit');
  await page.waitForSelector('#sb-events-error:not([hidden])');
  assert.match(await page.locator('#sb-events-error').innerText(), /mindestens ein Ereignis/);
  assert.equal(await page.evaluate(() => document.activeElement.name), 'event_types');
  await assertAccessible(page, 'notifications page with no event chosen');
  assert.equal((await mine()).length, before);

  // New releases of this solution, by keyboard.
  await page.getByLabel('Neue Releases').check();
  await page.focus('#sb-submit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#sb-status .kern-alert--success');
  const rows = page.locator('#sb-table tbody tr');
  const ours = rows.filter({ hasText: 'Neue Releases' }).filter({ hasText: 'Abfallkalender' });
  assert.equal(await ours.count(), 1);
  assert.match(await ours.innerText(), /Die Organisation/);
  const stored = (await mine()).filter((s) => s.solutions.includes(SLUG));
  assert.equal(stored.length, 1);
  assert.deepEqual([stored[0].event_types, stored[0].solutions], [['release.published'], [SLUG]]);
  assert.equal(stored[0].contact ?? null, null); // the organisation as a whole
  await screenshot(page, 'subscriptions-ordered');

  // The next release of the solution goes to the organisation, because of it.
  const r = await server.api(`/api/v1/solutions/${SLUG}/releases`, {
    method: 'POST', token: admin, body: { version: '9.9.0', status: 'released', date: '2026-11-20' },
  });
  assert.equal(r.status, 201);
  const events = (await server.api('/api/v1/events?limit=1000', { token: admin })).json.items;
  const published = events.filter((e) => e.type === 'release.published').pop();
  const to = (await server.api(`/api/v1/events/${published.id}/recipients`, { token: admin })).json.items;
  assert.ok(to.some((x) => x.organisation === 'stadt-ulm' && x.reason === 'subscription'
    && x.subscription === stored[0].id), JSON.stringify(to));

  // Cancelled: gone from the page and the API.
  await ours.getByRole('button', { name: /^Abbestellen/ }).click();
  await page.waitForSelector('#sb-message .kern-alert--success');
  assert.equal(await page.locator('#sb-table tbody tr', { hasText: 'Abfallkalender' }).count(), 0);
  assert.equal((await mine()).length, before);
  await assertAccessible(page, 'notifications page after cancelling');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('anonymous visitors are asked to sign in', async () => {
  const page = await browser.page();
  await browser.context.clearCookies();
  await open(page, `${server.url}/solution.html?slug=${SLUG}`);
  assert.equal(await page.locator('[data-subscribe]').count(), 0);
  await open(page, `${server.url}/subscriptions.html`);
  assert.equal(await page.locator('#sb-form').count(), 0);
  assert.match(await page.locator('#list-box').innerText(), /melden Sie sich an/);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});
