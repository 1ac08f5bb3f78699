// Journey 2: an onboarding team signs in with its token, moves a roll-in
// to live on the board, and the adoption shows on the solution page.
// Along the way: a wrong token is reported at the field without losing
// what was typed, the board shows only the actions the role may take,
// and a change without the session's CSRF token is refused.

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

const CARD = 'article[data-solution="wohngeld-online"][data-adopter="stadt-rostock"]';

test('journey 2: an onboarding team moves a roll-in to live', async () => {
  const token = server.token('onboarding', 'dataport');
  const page = await browser.page();

  // The board asks anonymous visitors to sign in.
  await open(page, `${server.url}/board.html`);
  assert.match(await page.locator('#message').innerText(), /Bitte melden Sie sich an/);
  assert.equal(await page.locator('nav').getByRole('link', { name: 'Roll-in-Board' }).count(), 0,
    'no board in the navigation before signing in');
  await page.getByRole('link', { name: 'Zur Anmeldung' }).click();
  await page.waitForSelector('body[data-ready="true"]');

  // A wrong token: the message sits at the field, the text stays.
  await page.click('#signin-use-token');
  await page.fill('#token', 'rollin_wrong');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#token-error:not([hidden])');
  assert.match(await page.locator('#token-error').innerText(), /unbekannt oder wurde widerrufen/);
  assert.equal(await page.getAttribute('#token', 'aria-invalid'), 'true');
  assert.equal(await page.inputValue('#token'), 'rollin_wrong');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'token');

  // The right one signs in and leads to the board.
  await page.fill('#token', token);
  await page.keyboard.press('Enter');
  await page.waitForURL('**/board.html');
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.getByTestId('who').innerText(), /Onboarding-Team, Dataport AöR/);
  const cookies = await browser.context.cookies();
  const session = cookies.find((c) => c.name === 'rollin_session');
  assert.ok(session, 'a session cookie is set');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  assert.equal(await page.evaluate(() => document.cookie.includes('rollin_session')), false,
    'the page cannot read the session cookie');

  // The card sits in its column with progress, overdue steps and blockers.
  const card = page.locator(`section[data-column="integrating"] ${CARD}`);
  assert.equal(await card.count(), 1);
  const text = await card.innerText();
  assert.match(text, /3 von 6 Schritten erledigt/);
  assert.match(text, /Offene Hindernisse \(1\)/);
  assert.match(text, /Fachverfahren verarbeitet FIT-Connect-Quittungen nicht/);
  await card.locator('summary').click();
  const overdue = card.locator('li[data-overdue="true"]');
  assert.equal(await overdue.count(), 1);
  assert.match(await overdue.innerText(), /überfällig/);
  await screenshot(page, 'journey2-1-board');

  // Only the allowed next states are offered; Live is one of them.
  const rollin = (await server.api('/api/v1/rollins?solution=wohngeld-online&adopter=stadt-rostock',
    { token })).json.items[0];
  assert.deepEqual(await card.locator('button[data-move]').evaluateAll(
    (b) => b.map((x) => x.dataset.move)), rollin.next_states);
  await card.locator('button[data-move="live"]').focus();
  await page.keyboard.press('Enter');

  const moved = page.locator(`section[data-column="live"] ${CARD}`);
  await moved.waitFor();
  assert.equal(await page.locator(`section[data-column="integrating"] ${CARD}`).count(), 0);
  assert.equal(await page.evaluate(() => document.activeElement.closest('article')?.dataset.status), 'live',
    'the keyboard follows the card into its new column');
  await page.waitForFunction(() => /ist jetzt „Live“/.test(document.getElementById('live').textContent));
  assert.equal(await moved.locator('button[data-move]').count(), 0, 'a live roll-in has no next state');
  await screenshot(page, 'journey2-2-board-live');

  // The API agrees, and the adoption followed.
  assert.equal((await server.api(`/api/v1/rollins/${rollin.id}`, { token })).json.status, 'live');
  const adoption = (await server.api('/api/v1/solutions/wohngeld-online/adoptions?organisation=stadt-rostock'))
    .json.items[0];
  assert.equal(adoption.status, 'live');

  // The solution page shows Rostock among the users, live.
  await moved.locator('h3 a').click();
  await page.waitForURL('**/solution.html?slug=wohngeld-online');
  await page.waitForSelector('body[data-ready="true"]');
  const row = page.locator('#adoptions tr[data-org="stadt-rostock"]');
  assert.match(await row.innerText(), /Hanse- und Universitätsstadt Rostock\s+Im Einsatz/);
  await page.locator('#adoptions').scrollIntoViewIfNeeded();
  await screenshot(page, 'journey2-3-solution-adoption');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('the board offers changes only where the role may make them; the server refuses the rest', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/board.html`);
  // Cards of other teams show no buttons.
  await page.uncheck('#only-mine');
  const foreign = page.locator('article[data-rollin]:not([data-solution=""])').filter({
    has: page.locator('dd', { hasText: 'Komm.ONE AöR' }),
  });
  assert.ok(await foreign.count() >= 1);
  assert.equal(await foreign.locator('button[data-move]').count(), 0);
  assert.equal(await foreign.locator('input[type="checkbox"]').count(), 0);

  // A change with the session cookie but without its CSRF token fails,
  // and so does a change to another team's roll-in with it.
  const other = await foreign.first().getAttribute('data-rollin');
  const results = await page.evaluate(async (id) => {
    const s = await (await fetch('/api/v1/session')).json();
    const r = await (await fetch(`/api/v1/rollins/${id}`)).json();
    const noCsrf = await fetch(`/api/v1/rollins/${id}`, {
      method: 'PATCH', headers: { 'Content-Type': 'application/json', 'If-Match': `"${r.rev}"` },
      body: JSON.stringify({ notes: 'x' }),
    });
    const foreign = await fetch(`/api/v1/rollins/${id}`, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json', 'If-Match': `"${r.rev}"`, 'X-CSRF-Token': s.csrf_token },
      body: JSON.stringify({ notes: 'x' }),
    });
    return [noCsrf.status, (await noCsrf.json()).error.code, foreign.status];
  }, other);
  assert.deepEqual(results, [403, 'csrf', 403]);

  // Ticking a step of one's own roll-in saves it.
  await page.check('#only-mine');
  const own = page.locator('section[data-column="planned"] article[data-rollin]').first();
  await own.locator('summary').click();
  const step = own.locator('input[type="checkbox"]').first();
  const stepId = await step.getAttribute('id');
  await step.check();
  await page.waitForFunction((id) => document.getElementById(id)?.checked
    && document.activeElement?.id === id, stepId);
  const [, rid, sid] = stepId.split('-');
  const token = server.token('onboarding', 'dataport');
  assert.equal((await server.api(`/api/v1/rollins/${rid}/steps/${sid}`, { token })).json.done, true);

  // Signing out ends the session on the server too.
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.waitForURL('**/signin.html?signedout=1');
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.locator('#message').innerText(), /abgemeldet/);
  assert.equal(await page.evaluate(async () => (await (await fetch('/api/v1/session')).json()).signed_in), false);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});
