// An owner imports a publiccode.yml on the import page: the navigation
// leads there once signed in, a missing file is said at the field, the
// upload shows the report (the counts, and the rejected record with its
// line and the server's reason), the solution is then in the catalogue,
// a network failure says so, and axe-core finds nothing on the way.
// Adopters get no import link.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, open, screenshot, assertAccessible, signInWithToken } from './harness.mjs';

let server;
let browser;

// Owned by the owner's organisation; usedBy names an organisation the
// catalogue does not know, which only an admin may create: one record
// is rejected, the rest lands.
const FILE = `publiccodeYmlVersion: "0.4"
name: Ulmer Terminportal
url: "https://git.example.org/stadt-ulm/terminportal"
releaseDate: "2026-03-02"
platforms: [web]
categories: [content-management]
usedBy:
  - Gemeinde Nirgendwo
developmentStatus: stable
softwareType: standalone/web
description:
  de:
    shortDescription: Termine online buchen.
    longDescription: >
      Das Terminportal bündelt die Terminbuchung aller Ämter an einem Ort.
      Es wird von der Stadt betrieben und steht anderen Kommunen zur
      Nachnutzung offen, mit Handbuch, Schulung und Betriebskonzept.
    features: [Terminbuchung]
legal:
  license: EUPL-1.2
  repoOwner: Stadt Ulm
maintenance:
  type: internal
  contacts:
    - name: Erika Mustermann
localisation:
  localisationReady: true
  availableLanguages: [de]
`;

before(async () => {
  // Big enough for a file of 30,000 cost reports, also in a sanitizer build.
  server = await startServer({
    config: 'max_body_bytes: 16777216\nplugins:\n  csv-import:\n    timeout_ms: 300000\n',
  });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('an owner uploads a publiccode.yml and reads the report', async () => {
  const page = await browser.page();
  await signInWithToken(browser, page, server.url, server.token('owner', 'stadt-ulm'));
  const nav = page.locator('nav[aria-label="Hauptnavigation"]');
  await nav.getByRole('link', { name: 'Importieren' }).click();
  await page.waitForURL('**/import.html');
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('h1').innerText(), 'Daten importieren');
  await assertAccessible(page, 'import page');

  // No file chosen: said at the field.
  await page.click('#im-submit');
  await page.waitForSelector('#im-file-error', { state: 'visible' });
  assert.equal(await page.getAttribute('#im-file', 'aria-invalid'), 'true');

  // The server cannot be reached: said clearly.
  await page.setInputFiles('#im-file', {
    name: 'publiccode.yml', mimeType: 'application/x-yaml', buffer: Buffer.from(FILE),
  });
  await page.route('**/api/v1/imports**', (route) => route.abort('connectionrefused'));
  await page.click('#im-submit');
  await page.waitForSelector('#im-status .kern-alert--danger');
  assert.match(await page.locator('#im-status').innerText(), /Der Server ist nicht erreichbar/);
  await page.unroute('**/api/v1/imports**');
  await assertAccessible(page, 'import page after a network failure');

  // The upload and its report.
  await page.click('#im-submit');
  await page.waitForSelector('#import-report');
  assert.equal(await page.locator('#im-status').innerText(), '', 'the old failure is gone');
  const counts = await page.locator('#import-counts tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
  const byName = Object.fromEntries(counts);
  assert.equal(byName['Abgelehnt'], '1');
  assert.ok(Number(byName['Neu angelegt']) >= 1, JSON.stringify(counts));
  assert.equal(byName['Aktualisiert'], '0');
  const rejected = await page.locator('#import-rejected tbody tr').evaluateAll((rows) =>
    rows.map((r) => [...r.children].map((c) => c.textContent.trim())));
  assert.equal(rejected.length, 1);
  const [where, line, reason] = rejected[0];
  assert.match(where, /^publiccode\.yml:8:\d+$/);
  assert.equal(line, '8');
  assert.match(reason, /usedBy\[0\].*only an admin may create organisations/);
  assert.match(await page.locator('#import-report .kern-alert').innerText(), /1 abgelehnt/);
  await screenshot(page, 'import-report');
  await assertAccessible(page, 'import report');

  // What the report says landed is in the catalogue, owned by the owner.
  const list = (await server.api('/api/v1/solutions?limit=500')).json.items
    .filter((s) => s.name === 'Ulmer Terminportal');
  assert.deepEqual(list.map((s) => s.owner), ['stadt-ulm']);
});

test('adopters get no import link and no form', async () => {
  const page = await browser.page();
  await signInWithToken(browser, page, server.url, server.token('adopter', 'stadt-ulm'));
  const nav = page.locator('nav[aria-label="Hauptnavigation"]');
  assert.equal(await nav.getByRole('link', { name: 'Importieren' }).count(), 0);
  await open(page, `${server.url}/import.html`);
  assert.equal(await page.locator('#import-form').count(), 0);
  assert.match(await page.locator('#form-box').innerText(), /\S/);
  await assertAccessible(page, 'import page for an adopter');
});

test('a long import shows how far it has got, then its report', async () => {
  const rows = ['Lösung,Organisation,Zeitraum von,Zeitraum bis,Einmalkosten,'
    + 'Betriebskosten pro Jahr,Eigenaufwand (PT),Öffentlich'];
  const day = Date.UTC(1900, 0, 1);
  for (let i = 0; i < 30000; i++) {
    const d = new Date(day + i * 86400000).toISOString().slice(0, 10);
    rows.push(`hundesteuer-anmeldung,stadt-darmstadt,${d},${d},100,10,1,true`);
  }
  const page = await browser.page();
  await signInWithToken(browser, page, server.url, server.token('admin', 'bmi'));
  await open(page, `${server.url}/import.html`);
  await page.setInputFiles('#im-file', {
    name: 'kosten-lang.csv', mimeType: 'text/csv', buffer: Buffer.from(`${rows.join('\n')}\n`),
  });
  await page.click('#im-submit');
  await page.waitForFunction(() => /von 30\.000 Einträgen/.test(
    document.getElementById('im-progress-text')?.textContent || ''), null, { timeout: 120000 });
  const max = await page.getAttribute('#im-progress', 'max');
  assert.equal(max, '30000');
  await assertAccessible(page, 'import page while importing');
  await page.waitForSelector('#import-report', { timeout: 120000 });
  assert.match(await page.locator('#import-counts').innerText(), /Neu angelegt\s+30\.000|Neu angelegt\s+30000/);
  assert.equal(await page.locator('#im-progress').count(), 0);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});
