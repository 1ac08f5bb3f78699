// Journey 1: a clerk finds a solution by the problem she has, narrows the
// results with a facet, and opens the solution's page — by keyboard.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, open, screenshot } from './harness.mjs';

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

const PROBLEM = 'Lange Wartezeiten im Bürgeramt';

async function slugsOnPage(page) {
  return page.locator('#results article[data-slug]').evaluateAll(
    (nodes) => nodes.map((n) => n.dataset.slug));
}

test('journey 1: a clerk finds a solution by its problem and opens it', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/`);
  await screenshot(page, 'journey1-1-catalogue');

  // The entry by problem lists the problem with the number of solutions.
  const problems = (await server.api('/api/v1/problems')).json.items;
  const wanted = problems.find((p) => p.problem === PROBLEM);
  assert.ok(wanted, 'the demo data has the problem');
  const entry = page.locator('#problems li', { hasText: PROBLEM });
  assert.match(await entry.innerText(), new RegExp(`\\(${wanted.solutions} Lösungen\\)`));

  // Following it by keyboard narrows the results to exactly those solutions.
  await entry.getByRole('link', { name: PROBLEM }).focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((n) =>
    document.querySelector('#result-count').textContent.startsWith(`${n} Lösungen gefunden`), wanted.solutions);
  assert.equal(new URL(page.url()).searchParams.get('problem'), PROBLEM);
  const api = (await server.api(`/api/v1/search?problem=${encodeURIComponent(PROBLEM)}&limit=100`)).json;
  assert.deepEqual(await slugsOnPage(page), api.items.map((s) => s.slug));
  const problemBox = page.locator(`input[data-facet="problem"][data-value="${PROBLEM}"]`);
  assert.equal(await problemBox.isChecked(), true, 'the problem shows as a chosen filter');

  // Every hit shows its maturity, completeness and freshness.
  for (const card of await page.locator('#results article').all()) {
    const text = await card.innerText();
    assert.match(text, /Reifegrad: /);
    assert.match(text, /Vollständigkeit \d+\s%/);
    assert.match(text, /aktualisiert|Veraltet/i);
  }
  await screenshot(page, 'journey1-2-problem-results');

  // A facet narrows further, with the counts the server computed.
  const prod = api.facets.maturity.find((f) => f.value === 'production');
  const box = page.locator('input[data-facet="maturity"][data-value="production"]');
  assert.equal(await page.locator(`label[for="${await box.getAttribute('id')}"]`).innerText(),
    `Im Betrieb (${prod.count})`);
  await box.focus();
  await page.keyboard.press('Space');
  await page.waitForFunction((n) =>
    document.querySelectorAll('#results article').length === n, prod.count);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.value), 'production',
    'the keyboard stays on the checkbox after the results change');
  const narrowed = (await server.api(
    `/api/v1/search?problem=${encodeURIComponent(PROBLEM)}&maturity=production&limit=100`)).json;
  assert.deepEqual(await slugsOnPage(page), narrowed.items.map((s) => s.slug));

  // Opening a hit shows the solution's page.
  const pick = narrowed.items[0];
  await page.locator(`#results article[data-slug="${pick.slug}"] h3 a`).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/solution.html?slug=${pick.slug}`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('h1').innerText(), pick.name);
  for (const id of ['description', 'releases', 'cycles', 'responsibilities', 'adoptions',
    'assessments', 'lessons', 'feedback', 'rollin-stats'])
    assert.equal(await page.locator(`section#${id} h2`).count(), 1, `section ${id}`);
  // The entry as publiccode.yml, for openCode.de and Developers Italia.
  const pc = page.getByRole('link', { name: 'publiccode.yml herunterladen' });
  assert.equal(await pc.getAttribute('href'), `/api/v1/solutions/${pick.slug}/publiccode.yml`);
  const [download] = await Promise.all([page.waitForEvent('download'), pc.click()]);
  assert.equal(download.suggestedFilename(), 'publiccode.yml');
  await screenshot(page, 'journey1-3-solution');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('full-text search finds what the API finds, and filters by category', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/`);
  await page.fill('#q', 'gebühren');
  await page.keyboard.press('Enter');
  const api = (await server.api('/api/v1/search?q=geb%C3%BChren&limit=100')).json;
  await page.waitForFunction((n) =>
    document.querySelector('#result-count').textContent.startsWith(`${n} Lösungen gefunden für „gebühren“`), api.total);
  assert.deepEqual(await slugsOnPage(page), api.items.slice(0, 20).map((s) => s.slug));

  // Entry by category replaces the search.
  await page.getByRole('link', { name: 'Finanzen', exact: true }).click();
  const cat = (await server.api('/api/v1/search?category=Finanzen&limit=100')).json;
  await page.waitForFunction((n) =>
    document.querySelector('#result-count').textContent === `${n} Lösungen gefunden`, cat.total);
  assert.equal(await page.inputValue('#q'), '');
  // The active filter can be removed with one button.
  await page.getByRole('button', { name: 'Filter entfernen: Kategorie: Finanzen' }).click();
  await page.waitForFunction(() => document.querySelector('#result-count').textContent === '36 Lösungen gefunden');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('solution page draws releases and cycles with tables, in German formats', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/solution.html?slug=abfallkalender-app`);
  const releases = (await server.api('/api/v1/solutions/abfallkalender-app/releases')).json.items;
  const cycles = (await server.api('/api/v1/solutions/abfallkalender-app/cycles')).json.items;

  // Timeline: one mark per release, planned ones marked as planned.
  const marks = page.locator('#releases svg [data-version]');
  assert.equal(await marks.count(), releases.length);
  const planned = releases.find((r) => r.status === 'planned');
  assert.equal(await page.locator(`#releases svg [data-version="${planned.version}"]`)
    .getAttribute('data-status'), 'planned');
  // Its text alternative: a table with every release and German dates.
  const rows = page.locator('#releases table tbody tr');
  assert.equal(await rows.count(), releases.length);
  const [y, m, d] = planned.planned_date.split('-');
  assert.match(await page.locator('#releases table').innerText(), new RegExp(`${d}\\.${m}\\.${y}`));

  // Cycles: support, security and end-of-life bands per cycle.
  for (const c of cycles) {
    const row = page.locator(`#cycles svg [data-cycle="${c.name}"]`);
    assert.equal(await row.locator('[data-band="support"]').count(), 1, `support band of ${c.name}`);
    if (c.eol) assert.equal(await row.locator('[data-band="eol"]').count(), 1, `eol band of ${c.name}`);
  }
  assert.equal(await page.locator('#cycles table tbody tr').count(), cycles.length);
  assert.equal(await page.locator('svg[role="img"] title').count() >= 3, true, 'every chart has a title');

  // Lessons come as HTML from the server, rendered with their emphasis.
  assert.ok(await page.locator('#lessons em').count() >= 1);
  // Descriptions are Markdown, rendered here.
  assert.equal(await page.locator('#description strong').first().innerText(), 'Abfuhr-App');
  assert.equal(await page.locator('#description li').count(), 3);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('solution page offers its calendar feed to subscribe, in the page language', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/solution.html?slug=wohngeld-online`);
  const link = page.locator('a[data-calendar="solution"]');
  assert.equal(await link.innerText(), 'Im Kalender abonnieren');
  const href = await link.getAttribute('href');
  assert.equal(href, '/api/v1/solutions/wohngeld-online/calendar.ics');
  const feed = await server.api(href);
  assert.equal(feed.status, 200);
  assert.equal(feed.headers.get('content-type'), 'text/calendar; charset=utf-8');

  // The switch reloads the page: wait for the English link.
  await page.getByTestId('lang-switch').click();
  const english = page.locator('a[data-calendar="solution"]', { hasText: 'Subscribe in your calendar' });
  await english.waitFor();
  assert.equal(await english.getAttribute('href'),
    '/api/v1/solutions/wohngeld-online/calendar.ics?lang=en');
  await page.getByTestId('lang-switch').click();
  await page.locator('a[data-calendar="solution"]', { hasText: 'Im Kalender abonnieren' }).waitFor();
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});
