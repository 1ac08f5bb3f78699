// An admin looks after deliveries in the web UI: a webhook whose receiver
// refuses an event gives it up; the page shows the dead letter with the
// receiver's error; "send again" delivers it once the receiver is back;
// another dead letter is discarded after a confirming click and never
// reaches the receiver. The receiver is a real HTTP server; the service
// sends with libcurl. Other roles see no page; axe finds nothing.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import {
  startServer, startBrowser, open, screenshot, assertAccessible, signInWithToken, BIN,
} from './harness.mjs';

let server;
let browser;
let receiver;
let accept = false; // the receiver's answer: 200 when true, else 500
const received = []; // bodies of accepted deliveries

function startReceiver() {
  return new Promise((resolve) => {
    const srv = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        if (accept) received.push(JSON.parse(body));
        res.writeHead(accept ? 200 : 500, { 'Content-Type': 'text/plain' });
        res.end(accept ? 'ok' : 'Empfänger gestört');
      });
    });
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

before(async () => {
  receiver = await startReceiver();
  const url = `http://127.0.0.1:${receiver.address().port}/hook`;
  server = await startServer({
    config: `plugin_dirs: "${path.join(path.dirname(BIN), 'plugins')}"
plugins:
  webhook:
    url: "${url}"
    secret: "ein geheimer Schlüssel 42"
    max_attempts: 1
    event_types: "release.published"
  email:
    enabled: false
`,
  });
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  receiver?.close();
});

async function publish(token, version) {
  const r = await server.api('/api/v1/solutions/abfallkalender-app/releases', {
    method: 'POST', token, body: { version, status: 'released', date: '2026-11-02' },
  });
  assert.equal(r.status, 201, JSON.stringify(r.json));
}

async function until(what, check) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`waited 10 s for ${what}`);
}

async function deadLetters(token) {
  return (await server.api('/api/v1/deliveries?state=dead', { token })).json.items;
}

function row(page, id) {
  return page.locator('#dead-table tbody tr', { has: page.locator('th', { hasText: new RegExp(`^${id}$`) }) });
}

test('an admin sends a dead letter again and discards another', async () => {
  const admin = server.token('admin', 'dataport');
  await publish(admin, '9.1.0');
  await publish(admin, '9.2.0');
  await until('two dead letters', async () => (await deadLetters(admin)).length === 2);
  const [first, second] = (await deadLetters(admin)).sort((a, b) => a.id - b.id);

  const page = await browser.page();
  await signInWithToken(browser, page, server.url, admin);
  await page.getByRole('link', { name: 'Zustellungen' }).click();
  await page.waitForURL('**/deliveries.html');
  await page.waitForSelector('body[data-ready="true"]');
  const webhook = page.locator('#status-table tbody tr', { has: page.locator('th', { hasText: 'webhook' }) });
  // Cells after the name: state, behind, under way, retrying, given up, delivered.
  const cell = async (i) => (await webhook.locator('td').nth(i).innerText()).trim();
  assert.equal(await cell(0), 'Läuft');
  assert.deepEqual([await cell(4), await cell(5)], ['2', '0']);
  const r1 = await row(page, first.id).innerText();
  assert.match(r1, /release\.published/);
  assert.match(r1, /solutions\/abfallkalender-app\/releases\//);
  assert.match(r1, /500/);
  await assertAccessible(page, 'deliveries page with dead letters');
  await screenshot(page, 'deliveries-dead-letters');

  // The receiver is back: the first is sent again and arrives.
  accept = true;
  await row(page, first.id).getByRole('button', { name: `Erneut senden: Zustellung ${first.id}` }).click();
  await page.waitForFunction((id) => !document.querySelector(`[data-retry="${id}"]`), first.id);
  assert.match(await page.locator('#dl-message').innerText(), new RegExp(`Zustellung ${first.id} wird erneut gesendet`));
  await until('the retried event at the receiver', () => received.some((b) => b.id === first.event_id));

  // The second is discarded, after a confirming click; Cancel keeps it.
  const r2 = row(page, second.id);
  await r2.getByRole('button', { name: `Verwerfen: Zustellung ${second.id}` }).click();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.confirm), String(second.id));
  await r2.getByRole('button', { name: `Abbrechen: Zustellung ${second.id}` }).click();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.discard), String(second.id));
  await r2.getByRole('button', { name: `Verwerfen: Zustellung ${second.id}` }).click();
  await assertAccessible(page, 'deliveries page asking to confirm');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#dead-none');
  assert.match(await page.locator('#dl-message').innerText(), new RegExp(`Zustellung ${second.id} ist verworfen`));
  assert.equal((await deadLetters(admin)).length, 0);

  // Discarded for good: later events arrive, the discarded one never.
  await publish(admin, '9.3.0');
  await until('the next event at the receiver', () => received.length === 2);
  assert.equal(received.some((b) => b.id === second.event_id), false);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.deepEqual([await cell(4), await cell(5)], ['0', '2']);
  await assertAccessible(page, 'deliveries page without dead letters');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('other roles see no deliveries page and cannot act', async () => {
  const page = await browser.page();
  const owner = server.token('owner', 'stadt-koeln');
  await signInWithToken(browser, page, server.url, owner);
  assert.equal(await page.getByRole('link', { name: 'Zustellungen' }).count(), 0);
  await open(page, `${server.url}/deliveries.html`);
  assert.equal(await page.locator('#dead-table, #dead-none').count(), 0);
  assert.match(await page.locator('#status-box').innerText(), /Anbieter/);
  assert.equal((await server.api('/api/v1/deliveries/1', { method: 'DELETE', token: owner })).status, 403);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});
