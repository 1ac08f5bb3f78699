// Journey 4: an adopter signs in, reports the costs of one of its live
// adoptions, sees the savings while typing, saves, and the savings appear
// in the savings report (to the cent) and on the reports page. Along the
// way: amounts typed the German way become exact cents, a refused form
// shows the server's message at its field without losing anything, a
// network failure says so, the feedback form works by keyboard alone, a
// lesson learned reaches the solution page, and each role sees only the
// forms it may send.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, open, screenshot, assertAccessible } from './harness.mjs';

let server;
let browser;
let token;
let org;
const SLUG = 'wohngeld-online';

before(async () => {
  server = await startServer();
  browser = await startBrowser();
  // An organisation that runs the solution live, as the API tells it.
  const live = (await server.api(`/api/v1/solutions/${SLUG}/adoptions?status=live&sort=id`)).json.items;
  assert.ok(live.length, `${SLUG} has live adoptions in the demo`);
  org = live[0].organisation;
  token = server.token('adopter', org);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const euro = new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' });
const norm = (s) => s.replace(/\s+/g, ' ').trim();
const fmt = (cents) => norm(euro.format(`${cents / 100}`));

async function savings(groupBy) {
  const r = await server.api(`/api/v1/reports/savings?group_by=${groupBy}&format=json`, { token });
  assert.equal(r.status, 200);
  return r.json.rows.map((row) => Object.fromEntries(r.json.columns.map((c, i) => [c, row[i]])));
}

async function figure(page, key) {
  const dd = page.locator(`#fig-${key}`);
  return { text: norm(await dd.innerText()), value: await dd.getAttribute('data-value') };
}

test('journey 4: an adopter reports costs and the savings appear in the report', async () => {
  const page = await browser.page();
  const yearBefore = (await savings('year')).find((r) => r.year === '2026');
  const solBefore = (await savings('solution')).find((r) => r.solution === SLUG);

  // Sign in and go from the solution page to the cost form.
  await open(page, `${server.url}/signin.html?next=${encodeURIComponent(`/solution.html?slug=${SLUG}`)}`);
  await page.click('#signin-use-token');
  await page.fill('#token', token);
  await page.click('#signin-submit');
  await page.waitForURL(`**/solution.html?slug=${SLUG}`);
  await page.waitForSelector('body[data-ready="true"]');
  const nav = page.locator('nav[aria-label="Hauptnavigation"]');
  assert.equal(await nav.getByRole('link', { name: 'Kosten melden' }).count(), 1);
  assert.equal(await nav.getByRole('link', { name: 'Berichte' }).count(), 1);
  assert.equal(await nav.getByRole('link', { name: 'Roll-in-Board' }).count(), 0, 'adopters have no board');
  const yours = page.locator('#yours');
  assert.deepEqual(await yours.locator('a[data-form]').evaluateAll((a) => a.map((x) => x.dataset.form)),
    ['costs', 'feedback', 'lesson']);
  await yours.getByRole('link', { name: 'Kosten und Einsparungen melden' }).click();
  await page.waitForURL('**/costs.html?slug=*');
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.locator('#cr-adoption option:checked').innerText(), /^Wohngeld online \(EfA\) \(Im Einsatz\)$/);

  // Typed the German way; the figures follow every keystroke.
  await page.fill('#cr-start', '2026-01-01');
  await page.fill('#cr-end', '2026-12-31');
  await page.locator('#cr-build_alone').pressSequentially('150.000');
  assert.deepEqual(await figure(page, 'savings_cents'), { text: fmt(15000000), value: '15000000' });
  await page.locator('#cr-one_off').pressSequentially('12.345,67');
  assert.deepEqual(await figure(page, 'savings_cents'), { text: fmt(13765433), value: '13765433' });
  await page.locator('#cr-operating').pressSequentially('2.000');
  await page.locator('#cr-contributions').pressSequentially('500');
  await page.locator('#cr-days').pressSequentially('12,5');
  // 12.5 days at the default 800 € a day
  assert.equal((await figure(page, 'own_effort_cents')).value, '1000000');
  await page.locator('#cr-rate').pressSequentially('812,35');
  // own effort 1250 centidays x 81235 / 100 = 1015437.5, rounded half up
  // one-off total 1234567 + 1015438; recurring 200000 + 50000
  assert.deepEqual(await figure(page, 'own_effort_cents'), { text: fmt(1015438), value: '1015438' });
  assert.deepEqual(await figure(page, 'one_off_total_cents'), { text: fmt(2250005), value: '2250005' });
  assert.deepEqual(await figure(page, 'recurring_cents'), { text: fmt(250000), value: '250000' });
  assert.deepEqual(await figure(page, 'total_cents'), { text: fmt(2500005), value: '2500005' });
  assert.deepEqual(await figure(page, 'savings_cents'), { text: '124.999,95 €', value: '12499995' });
  assert.deepEqual(await figure(page, 'payback_months'), { text: 'nach 2 Monaten', value: '2' });
  assert.equal(await page.getAttribute('#cost-figures-state', 'data-state'), 'live');
  await screenshot(page, 'journey4-1-costs-typing');

  // An end before the start: the server's message sits at the end date,
  // and every entry stays.
  await page.fill('#cr-end', '2025-12-31');
  await page.click('#cr-submit');
  await page.waitForSelector('#cr-end-error:not([hidden])');
  assert.match(await page.locator('#cr-end-error').innerText(), /period_end must not be before period_start/);
  assert.equal(await page.getAttribute('#cr-end', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('#cr-end', 'aria-describedby'), /\bcr-end-error\b/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cr-end');
  assert.equal(await page.inputValue('#cr-one_off'), '12.345,67');
  assert.equal(await page.inputValue('#cr-rate'), '812,35');
  assert.equal((await figure(page, 'savings_cents')).value, '12499995');
  await assertAccessible(page, 'cost form with a refused date');
  await screenshot(page, 'journey4-2-costs-refused');

  // Corrected and saved: the panel now shows the server's figures.
  await page.fill('#cr-end', '2026-12-31');
  await page.click('#cr-submit');
  await page.waitForSelector('#form-saved');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'form-saved');
  assert.match(norm(await page.locator('#form-saved').innerText()), /Kostenbericht ist gespeichert\. Einsparung: 124\.999,95 €/);
  assert.equal(await page.getAttribute('#cost-figures-state', 'data-state'), 'saved');
  assert.deepEqual(await figure(page, 'savings_cents'), { text: '124.999,95 €', value: '12499995' });
  const id = await page.getAttribute('#form-saved', 'data-report');
  const saved = (await server.api(`/api/v1/cost-reports/${id}`, { token })).json;
  assert.equal(saved.organisation, org);
  assert.equal(saved.solution, SLUG);
  assert.deepEqual([saved.one_off_cents, saved.operating_cents, saved.contributions_cents,
    saved.build_alone_cents, saved.own_effort_days, saved.day_rate_cents, saved.public],
  [1234567, 200000, 50000, 15000000, 12.5, 81235, true]);
  assert.deepEqual(saved.derived, {
    day_rate_cents: 81235, own_effort_cents: 1015438, one_off_total_cents: 2250005,
    recurring_cents: 250000, total_cents: 2500005, savings_cents: 12499995, payback_months: 2,
  });

  // The savings report grew by exactly these savings, per year and per solution.
  const yearAfter = (await savings('year')).find((r) => r.year === '2026');
  const solAfter = (await savings('solution')).find((r) => r.solution === SLUG);
  assert.equal(yearAfter.savings_cents - (yearBefore?.savings_cents ?? 0), 12499995);
  assert.equal(yearAfter.reports - (yearBefore?.reports ?? 0), 1);
  assert.equal(solAfter.savings_cents - (solBefore?.savings_cents ?? 0), 12499995);

  // And the reports page shows the new sums, chart and table alike.
  await page.getByRole('link', { name: 'Zu den Berichten' }).click();
  await page.waitForURL('**/reports.html');
  await page.waitForSelector('body[data-ready="true"]');
  const yearCell = page.locator('#savings-year tbody tr[data-key="2026"] td:last-child [data-cents]');
  assert.equal(await yearCell.getAttribute('data-cents'), String(yearAfter.savings_cents));
  assert.equal(norm(await yearCell.innerText()), fmt(yearAfter.savings_cents));
  assert.equal(await page.locator('#savings-year svg [data-bar="2026"]').getAttribute('data-value'),
    String(yearAfter.savings_cents));
  const solRow = page.locator(`#savings-solution tbody tr[data-key="${SLUG}"]`);
  assert.equal(await solRow.locator('td:last-child [data-cents]').getAttribute('data-cents'),
    String(solAfter.savings_cents));
  assert.match(await solRow.innerText(), /Wohngeld online \(EfA\)/);
  const sum = (await savings('year')).find((r) => r.year === null);
  assert.equal(norm(await page.locator('#savings-total').innerText()),
    `Insgesamt gespart: ${fmt(sum.savings_cents)} aus ${sum.reports} Kostenberichten`);
  assert.equal(await page.locator('#durations tbody tr').count() > 0, true, 'roll-in durations are shown');
  await assertAccessible(page, 'reports page');
  await screenshot(page, 'journey4-3-reports');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('amounts that cannot be read are shown at their field; a lost connection keeps the form', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/costs.html?slug=${SLUG}`);
  await page.fill('#cr-start', '2027-01-01');
  await page.fill('#cr-end', '2027-06-30');
  await page.fill('#cr-build_alone', '80.000');
  // Three decimals is no German amount: no figures, a message at the field.
  await page.fill('#cr-licence', '1,234');
  await page.locator('#cr-licence').blur();
  await page.waitForSelector('#cr-licence-error:not([hidden])');
  assert.match(await page.locator('#cr-licence-error').innerText(), /zum Beispiel 1\.234,56/);
  assert.equal(await page.getAttribute('#cost-figures-state', 'data-state'), 'incomplete');
  assert.equal((await figure(page, 'savings_cents')).text, '–');
  await page.click('#cr-submit');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cr-licence');
  await page.fill('#cr-licence', '1.234,5');
  await page.locator('#cr-licence').blur();
  await page.waitForSelector('#cr-licence-error', { state: 'hidden' });
  assert.equal((await figure(page, 'savings_cents')).value, String(8000000 - 123450));

  // The server cannot be reached: said clearly, and nothing is lost.
  await page.route('**/api/v1/cost-reports', (route) =>
    (route.request().method() === 'POST' ? route.abort('connectionrefused') : route.continue()));
  await page.click('#cr-submit');
  await page.waitForSelector('#cr-status .kern-alert--danger');
  assert.match(await page.locator('#cr-status').innerText(),
    /Der Server ist nicht erreichbar.*Ihre Eingaben sind erhalten geblieben/s);
  assert.equal(await page.inputValue('#cr-licence'), '1.234,5');
  assert.equal(await page.inputValue('#cr-build_alone'), '80.000');
  assert.equal(await page.inputValue('#cr-start'), '2027-01-01');
  await page.unroute('**/api/v1/cost-reports');
  await assertAccessible(page, 'cost form after a network failure');

  // With the connection back, the same form saves.
  await page.click('#cr-submit');
  await page.waitForSelector('#form-saved');
  const id = await page.getAttribute('#form-saved', 'data-report');
  const saved = (await server.api(`/api/v1/cost-reports/${id}`, { token })).json;
  assert.deepEqual([saved.licence_cents, saved.build_alone_cents, saved.derived.savings_cents],
    [123450, 8000000, 8000000 - 123450]);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('the feedback form can be completed with the keyboard alone', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/feedback.html?slug=${SLUG}`);
  // From the top of the page, by Tab, to the form.
  await page.evaluate(() => document.activeElement?.blur());
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement.id) === 'fb-solution') break;
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'fb-solution');
  assert.equal(await page.inputValue('#fb-solution'), SLUG);

  // Sending without a rating: the message is at the rating, which gets the focus.
  for (let i = 0; i < 8; i++) {
    if (await page.evaluate(() => document.activeElement.id) === 'fb-submit') break;
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement.id), 'fb-submit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#fb-rating-error:not([hidden])');
  assert.match(await page.locator('#fb-rating-error').innerText(), /Bewertung von 1 bis 5/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'fb-rating-1');
  assert.match(await page.getAttribute('#fb-rating-group', 'aria-describedby'), /\bfb-rating-error\b/);
  await assertAccessible(page, 'feedback form without a rating');
  await screenshot(page, 'journey4-4-feedback-error');

  // Space chooses, the arrow keys move the choice: 4 stars.
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.querySelector('input[name="rating"]:checked')?.value), '4');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'fb-text');
  await page.keyboard.type('Läuft stabil; die Nachweisstrecke spart uns Rückfragen.');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'fb-version');
  assert.equal(await page.inputValue('#fb-version'), '4.1.0', 'the newest release is preselected');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'fb-submit');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#form-saved');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'form-saved');

  const id = await page.getAttribute('#form-saved', 'data-feedback');
  const fb = (await server.api(`/api/v1/feedback/${id}`)).json;
  assert.deepEqual([fb.solution, fb.organisation, fb.rating, fb.version],
    [SLUG, org, 4, '4.1.0']);
  assert.equal(fb.text, 'Läuft stabil; die Nachweisstrecke spart uns Rückfragen.');

  // The link leads to the feedback on the solution page.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/solution.html?slug=${SLUG}#feedback`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.locator('#feedback').innerText(), /Nachweisstrecke spart uns Rückfragen/);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('a lesson learned in Markdown appears on the solution page', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/lesson.html?slug=${SLUG}`);
  await page.click('#ls-submit');
  await page.waitForSelector('#ls-category-error:not([hidden])');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'ls-category');
  assert.equal(await page.getAttribute('#ls-title', 'aria-invalid'), 'true');
  await assertAccessible(page, 'lesson form with missing entries');
  await page.selectOption('#ls-category', 'legal');
  await page.fill('#ls-title', 'Auftragsverarbeitung früh klären');
  await page.fill('#ls-text', 'Den **AV-Vertrag** vor dem Pilot abschließen.\n\n- Muster der Anwendergemeinschaft nutzen');
  await page.fill('#ls-tags', 'Datenschutz, AV-Vertrag');
  await page.click('#ls-submit');
  await page.waitForSelector('#form-saved');
  await page.getByRole('link', { name: 'Erfahrungen zur Lösung ansehen' }).click();
  await page.waitForSelector('body[data-ready="true"]');
  const lesson = page.locator('#lessons article', { hasText: 'Auftragsverarbeitung früh klären' });
  assert.equal(await lesson.locator('strong', { hasText: 'AV-Vertrag' }).count(), 1);
  assert.match(await lesson.innerText(), /Muster der Anwendergemeinschaft/);
  assert.match(await lesson.innerText(), /Datenschutz/);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('each role sees only the forms it may send, and the server refuses the rest', async () => {
  const page = await browser.page();
  // Adopters may not report costs of another organisation's adoption.
  const other = (await server.api(`/api/v1/solutions/${SLUG}/adoptions?status=live&sort=id`)).json.items
    .find((a) => a.organisation !== org);
  await open(page, `${server.url}/costs.html`);
  const refused = await page.evaluate(async (adoption) => {
    const s = await (await fetch('/api/v1/session')).json();
    const r = await fetch('/api/v1/cost-reports', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token },
      body: JSON.stringify({ adoption, period_start: '2026-01-01', period_end: '2026-12-31' }),
    });
    return r.status;
  }, other.id);
  assert.equal(refused, 403);
  // Only the organisation's own adoptions are offered.
  const offered = await page.locator('#cr-adoption option[value]:not([value=""])').count();
  assert.ok(offered >= 1);
  assert.equal(await page.locator(`#cr-adoption option[value="${other.id}"]`).count(), 0);
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.waitForURL('**/signin.html?signedout=1');

  // Signed out: no forms, a way to sign in; the reports stay public.
  await open(page, `${server.url}/costs.html?slug=${SLUG}`);
  assert.equal(await page.locator('#cost-form').count(), 0);
  assert.match(await page.locator('#form-box').innerText(), /Bitte melden Sie sich an/);
  await open(page, `${server.url}/solution.html?slug=${SLUG}`);
  assert.equal(await page.locator('#yours').count(), 0);
  const nav = page.locator('nav[aria-label="Hauptnavigation"]');
  assert.equal(await nav.getByRole('link', { name: 'Kosten melden' }).count(), 0);
  assert.equal(await nav.getByRole('link', { name: 'Berichte' }).count(), 1);

  // An onboarding team may share lessons, but neither costs nor ratings.
  await open(page, `${server.url}/signin.html?next=${encodeURIComponent(`/solution.html?slug=${SLUG}`)}`);
  await page.click('#signin-use-token');
  await page.fill('#token', server.token('onboarding', 'dataport'));
  await page.click('#signin-submit');
  await page.waitForURL(`**/solution.html?slug=${SLUG}`);
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual(await page.locator('#yours a[data-form]').evaluateAll((a) => a.map((x) => x.dataset.form)),
    ['lesson']);
  assert.equal(await nav.getByRole('link', { name: 'Kosten melden' }).count(), 0);
  await open(page, `${server.url}/feedback.html?slug=${SLUG}`);
  assert.equal(await page.locator('#feedback-form').count(), 0);
  assert.match(await page.locator('#form-box').innerText(), /nachnutzende Verwaltungen/);
  await assertAccessible(page, 'feedback page for another role');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});
