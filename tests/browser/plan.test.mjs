// Journey 3: a solution's owner publishes a planned release in the
// release-plan editor; it appears on the timeline and in the API. A
// refused release is explained at its field, and nothing typed is lost.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, open, screenshot, axe, describeViolations } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const SLUG = 'abfallkalender-app';

async function signIn(page, token) {
  await open(page, `${server.url}/signin.html?next=${encodeURIComponent(`/solution.html?slug=${SLUG}`)}`);
  await page.fill('#token', token);
  await page.click('#signin-submit');
  await page.waitForURL(`**/solution.html?slug=${SLUG}`);
  await page.waitForSelector('body[data-ready="true"]');
}

test('journey 3: an owner publishes a planned release', async () => {
  const page = await browser.page();

  // Nobody but the owner sees the editor.
  await open(page, `${server.url}/solution.html?slug=${SLUG}`);
  assert.equal(await page.locator('#plan-form').count(), 0, 'anonymous visitors get no editor');
  await signIn(page, server.token('owner', 'stadt-koeln'));
  assert.equal(await page.locator('#plan-form').count(), 0, 'another owner gets no editor');
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.waitForURL('**/signin.html?signedout=1');

  await signIn(page, server.token('owner', 'regio-it'));
  const form = page.locator('#plan-form');
  assert.equal(await form.count(), 1);

  // Publish 6.3.0, planned for 15 June 2027, in cycle 6.x.
  await page.fill('#rp-version', '6.3.0');
  await page.selectOption('#rp-cycle', '6.x');
  await page.fill('#rp-date', '2027-06-15');
  await page.fill('#rp-notes', 'Geplant: *Tourenänderungen* per Push.');
  await page.click('#rp-submit');
  await page.waitForFunction(() => /6\.3\.0 steht jetzt im Releaseplan/.test(
    document.getElementById('rp-status')?.textContent || ''));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'rp-status');

  // On the timeline, as planned, and in the table with its German date.
  const mark = page.locator('#releases svg [data-version="6.3.0"]');
  assert.equal(await mark.getAttribute('data-status'), 'planned');
  const row = page.locator('#releases table tbody tr', { hasText: '6.3.0' });
  assert.match(await row.innerText(), /6\.3\.0\s+6\.x\s+Geplant\s+15\.06\.2027/);
  await page.locator('#releases').scrollIntoViewIfNeeded();
  await screenshot(page, 'journey3-1-release-planned');

  // And in the API.
  const planned = (await server.api(`/api/v1/solutions/${SLUG}/releases?status=planned`)).json.items;
  const added = planned.find((r) => r.version === '6.3.0');
  assert.ok(added, 'the API lists the planned release');
  assert.equal(added.planned_date, '2027-06-15');
  assert.equal(added.cycle, '6.x');

  // The same version again: refused at the version field, input kept.
  await page.fill('#rp-version', '6.3.0');
  await page.fill('#rp-date', '2027-07-01');
  await page.click('#rp-submit');
  await page.waitForSelector('#rp-version-error:not([hidden])');
  assert.match(await page.locator('#rp-version-error').innerText(), /another release already has this version/);
  assert.equal(await page.getAttribute('#rp-version', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'rp-version');
  assert.equal(await page.inputValue('#rp-date'), '2027-07-01');
  const v = await axe(page);
  assert.equal(v.length, 0, `axe on the editor with an error:\n${describeViolations(v)}`);
  await screenshot(page, 'journey3-2-release-refused');

  // Move the date of 6.3.0, then mark 6.2.0 as released.
  await page.fill('#rp-move-' + added.id, '2027-09-01');
  await page.locator(`li[data-planned="6.3.0"] button[data-action="move"]`).click();
  await page.waitForFunction(() => /Datum von 6\.3\.0 ist geändert/.test(
    document.getElementById('rp-status')?.textContent || ''));
  assert.equal((await server.api(`/api/v1/solutions/${SLUG}/releases/${added.id}`)).json.planned_date,
    '2027-09-01');
  await page.getByRole('button', { name: 'Als veröffentlicht markieren: 6.2.0' }).click();
  await page.waitForFunction(() => /6\.2\.0 ist veröffentlicht/.test(
    document.getElementById('rp-status')?.textContent || ''));
  assert.equal(await page.locator('#releases svg [data-version="6.2.0"]').getAttribute('data-status'),
    'released');
  const released = (await server.api(`/api/v1/solutions/${SLUG}/releases?status=released`)).json.items;
  assert.ok(released.some((r) => r.version === '6.2.0' && r.date), 'the API has 6.2.0 released, with a date');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});
