// Journey 3: a solution's owner publishes a planned release in the
// release-plan editor; it appears on the timeline and in the API. A
// refused release is explained at its field, and nothing typed is lost.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, open, screenshot, axe, describeViolations, signInWithToken } from './harness.mjs';

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

test('journey 3: an owner publishes a planned release', async () => {
  const page = await browser.page();

  // Nobody but the owner sees the editor.
  await open(page, `${server.url}/solution.html?slug=${SLUG}`);
  assert.equal(await page.locator('#plan-form').count(), 0, 'anonymous visitors get no editor');
  await signInWithToken(browser, page, server.url, server.token('owner', 'stadt-koeln'), { next: `/solution.html?slug=${SLUG}` });
  assert.equal(await page.locator('#plan-form').count(), 0, 'another owner gets no editor');
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.waitForURL('**/signin.html?signedout=1');

  await signInWithToken(browser, page, server.url, server.token('owner', 'regio-it'), { next: `/solution.html?slug=${SLUG}` });
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

test('journey 3: an owner adds a maintenance cycle and moves its dates', async () => {
  await browser.context.clearCookies();
  const page = await browser.page();
  await signInWithToken(browser, page, server.url, server.token('owner', 'regio-it'), { next: `/solution.html?slug=${SLUG}` });
  assert.equal(await page.locator('#cycle-form').count(), 1, 'the owner gets the cycle editor');

  // 7.x, released in 2027 with support dates in the wrong order: refused
  // at the end of support, everything typed kept.
  await page.fill('#cy-name', '7.x');
  await page.fill('#cy-release-date', '2027-10-01');
  await page.fill('#cy-support-until', '2027-03-31');
  await page.fill('#cy-eol', '2030-03-31');
  // By keyboard: focus the box and press Space.
  await page.focus('#cy-lts');
  await page.keyboard.press('Space');
  assert.ok(await page.isChecked('#cy-lts'), 'Space ticks the LTS box');
  await page.click('#cy-submit');
  await page.waitForSelector('#cy-support-until-error:not([hidden])');
  assert.match(await page.locator('#cy-support-until-error').innerText(),
    /support_until \(2027-03-31\) must not be before release_date \(2027-10-01\)/);
  assert.equal(await page.getAttribute('#cy-support-until', 'aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cy-support-until');
  assert.equal(await page.inputValue('#cy-name'), '7.x');
  assert.equal(await page.inputValue('#cy-eol'), '2030-03-31');
  assert.ok(await page.isChecked('#cy-lts'));
  const v = await axe(page);
  assert.equal(v.length, 0, `axe on the cycle editor with an error:\n${describeViolations(v)}`);
  await page.locator('#cycle-editor').scrollIntoViewIfNeeded();
  await screenshot(page, 'journey3-3-cycle-refused');

  // Corrected by keyboard alone: the field, the new date, Enter submits.
  await page.focus('#cy-support-until');
  await page.fill('#cy-support-until', '2029-09-30');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Wartungszyklus 7\.x ist eingetragen/.test(
    document.getElementById('cy-status')?.textContent || ''));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cy-status');

  // Drawn on the chart with its bands, upcoming in the table, in the API,
  // and offered as a cycle for planned releases.
  const bands = await page.locator('#cycles svg g[data-cycle="7.x"] rect').evaluateAll(
    (rs) => rs.map((r) => r.dataset.band));
  assert.deepEqual(bands, ['support', 'security', 'eol']);
  const row = page.locator('#cycles table tbody tr', { hasText: '7.x' });
  assert.match(await row.innerText(), /7\.x\s+01\.10\.2027\s+30\.09\.2029\s+31\.03\.2030\s+ja\s+–\s+Noch nicht erschienen/);
  const api = (await server.api(`/api/v1/solutions/${SLUG}/cycles`)).json.items;
  const added = api.find((c) => c.name === '7.x');
  assert.deepEqual([added.release_date, added.support_until, added.eol, added.lts, added.support_status],
    ['2027-10-01', '2029-09-30', '2030-03-31', true, 'upcoming']);
  assert.ok(await page.locator('#rp-cycle option[value="7.x"]').count(), 'the plan offers 7.x');
  await page.locator('#cycles').scrollIntoViewIfNeeded();
  await screenshot(page, 'journey3-4-cycle-added');

  // Move the end of life of 6.x; a date before its end of support is
  // refused at that date.
  const six = api.find((c) => c.name === '6.x');
  await page.fill(`#cy-${six.id}-eol`, '2028-01-31');
  await page.getByRole('button', { name: 'Daten speichern: 6.x' }).click();
  await page.waitForSelector(`#cy-${six.id}-eol-error:not([hidden])`);
  assert.match(await page.locator(`#cy-${six.id}-eol-error`).innerText(), /must not be before support_until/);
  assert.equal(await page.inputValue(`#cy-${six.id}-eol`), '2028-01-31');
  await page.fill(`#cy-${six.id}-eol`, '2029-12-31');
  await page.fill(`#cy-${six.id}-extended-support`, '2030-06-30');
  await page.getByRole('button', { name: 'Daten speichern: 6.x' }).click();
  await page.waitForFunction(() => /Die Daten von 6\.x sind geändert/.test(
    document.getElementById('cy-status')?.textContent || ''));
  const moved = (await server.api(`/api/v1/solutions/${SLUG}/cycles/${six.id}`)).json;
  assert.equal(moved.eol, '2029-12-31');
  assert.equal(moved.extended_support, '2030-06-30');
  assert.equal(moved.support_until, six.support_until, 'the other dates stay');
  assert.match(await page.locator('#cycles table tbody tr', { hasText: '6.x' }).innerText(),
    /31\.12\.2029 \(erweitert bis 30\.06\.2030\)/);
  assert.deepEqual(await page.locator('#cycles svg g[data-cycle="6.x"] rect').evaluateAll(
    (rs) => rs.map((r) => r.dataset.band)), ['support', 'security', 'extended', 'eol']);

  // Another owner's session has no cycle editor, and the server refuses
  // that owner's write all the same.
  const other = await server.api(`/api/v1/solutions/${SLUG}/cycles`, {
    method: 'POST', token: server.token('owner', 'stadt-koeln'), body: { name: '8.x' } });
  assert.equal(other.status, 403);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});
