// A reader of a solution's page subscribes to its news: the page offers
// the Atom feed as a link and announces it in its head, so that browsers
// and feed readers find it; the feed behind the link is the solution's.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, startBrowser, open } from './harness.mjs';

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

test('the solution page links and announces its Atom feed', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/solution.html?slug=wohngeld-online`);

  const link = page.getByRole('link', { name: 'Feed abonnieren (Atom)' });
  const href = await link.getAttribute('href');
  assert.equal(href, '/api/v1/solutions/wohngeld-online/feed.atom');
  const announced = await page.locator('head link[rel="alternate"][type="application/atom+xml"]')
    .evaluateAll((nodes) => nodes.map((n) => ({ href: n.getAttribute('href'), title: n.title })));
  assert.deepEqual(announced, [{ href, title: 'Wohngeld online (EfA): Releases und Lebenszyklus' }]);

  // What a feed reader gets there: this solution's releases, each linking
  // back to this page.
  const feed = await page.evaluate(async (url) => {
    const res = await fetch(url);
    const doc = new DOMParser().parseFromString(await res.text(), 'application/xml');
    const ns = 'http://www.w3.org/2005/Atom';
    return {
      type: res.headers.get('Content-Type'),
      root: doc.documentElement.localName,
      title: doc.documentElement.getElementsByTagNameNS(ns, 'title')[0].textContent,
      releases: [...doc.getElementsByTagNameNS(ns, 'entry')]
        .filter((e) => e.getElementsByTagNameNS(ns, 'category')[0].getAttribute('term').startsWith('release.'))
        .map((e) => e.getElementsByTagNameNS(ns, 'link')[0].getAttribute('href')),
    };
  }, href);
  assert.equal(feed.type, 'application/atom+xml; charset=utf-8');
  assert.equal(feed.root, 'feed');
  assert.equal(feed.title, 'Wohngeld online (EfA): Releases und Lebenszyklus');
  const releases = (await server.api('/api/v1/solutions/wohngeld-online/releases?limit=500')).json.items;
  assert.equal(feed.releases.length, releases.length);
  for (const alt of feed.releases)
    assert.equal(alt, `${server.url}/solution.html?slug=wohngeld-online`);
  assert.deepEqual(browser.errors, []);
});
