// Accessibility: axe-core finds no violation on any page of the web UI,
// in the states people see them in (results and filters shown, a form
// with an error, the board with its cards, the reports with their
// charts), in German and in English. The adopters' forms are checked in
// their error states by adopter.test.mjs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, open, screenshot, assertAccessible } from './harness.mjs';

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

test('catalogue has no accessibility violations, also with filters and in English', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/`);
  await assertAccessible(page, 'catalogue');
  await open(page, `${server.url}/?q=termin&maturity=production`);
  assert.match(await page.locator('#result-count').innerText(), /Lösung/);
  await assertAccessible(page, 'catalogue with a search and a filter');
  await page.getByTestId('lang-switch').click();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.match(await page.locator('h1').innerText(), /Solution catalogue/);
  await assertAccessible(page, 'English catalogue');
  await page.getByTestId('lang-switch').click();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('solution page has no accessibility violations', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/solution.html?slug=abfallkalender-app`);
  await assertAccessible(page, 'solution page');
  await open(page, `${server.url}/solution.html?slug=wohngeld-online`);
  await assertAccessible(page, 'solution page of wohngeld-online');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('sign-in page has no accessibility violations, also showing an error', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/signin.html`);
  await assertAccessible(page, 'sign-in page');
  await page.click('#signin-use-token');
  await page.fill('#token', 'rollin_not-a-real-token');
  await page.click('#signin-submit');
  await page.waitForSelector('#token-error:not([hidden])');
  await assertAccessible(page, 'sign-in page with an error');
  await screenshot(page, 'a11y-signin-error');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('reports page has no accessibility violations, in German and in English', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/reports.html`);
  assert.match(await page.locator('#scope').innerText(), /öffentlichen Kostenberichte/);
  const cell = page.locator('#savings-year tbody tr td:last-child [data-cents]').first();
  assert.match(await cell.innerText(), /^-?[\d.]+,\d{2}\s€$/);
  assert.ok(await page.locator('#savings-solution svg[role="img"] [data-bar]').count() > 0);
  await assertAccessible(page, 'reports page');
  await page.getByTestId('lang-switch').click();
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.locator('h1').innerText(), /^Reports$/);
  assert.match(await page.locator('#savings-year tbody tr td:last-child [data-cents]').first().innerText(),
    /^-?€[\d,]+\.\d{2}$/);
  await assertAccessible(page, 'English reports page');
  await page.getByTestId('lang-switch').click();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('board has no accessibility violations, signed out and signed in', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/board.html`);
  await assertAccessible(page, 'board without sign-in');
  await open(page, `${server.url}/signin.html?next=%2Fboard.html`);
  await page.click('#signin-use-token');
  await page.fill('#token', server.token('onboarding', 'dataport'));
  await page.click('#signin-submit');
  await page.waitForURL('**/board.html');
  await page.waitForSelector('body[data-ready="true"]');
  await page.locator('details.rl-alt summary').first().click();
  await assertAccessible(page, 'board');
  await page.click('#only-mine');
  await assertAccessible(page, 'board with every team');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});
