// Shared set-up of the browser tests: a real `rollin serve --demo` on a
// free loopback port with its own database, Debian's Chromium driven by
// playwright-core (no browser download), axe-core for accessibility, and
// screenshots under tests/output/browser/.
//
// ROLLIN_BIN names the binary under test (CTest sets it); CHROMIUM may
// name another Chromium binary than /usr/bin/chromium.

import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUTPUT = path.join(ROOT, 'tests', 'output', 'browser');
export const BIN = process.env.ROLLIN_BIN || path.join(ROOT, 'build', 'rollin');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const require = createRequire(import.meta.url);

function need(what, hint) {
  try {
    return require.resolve(what, { paths: [ROOT] });
  } catch {
    throw new Error(`${what} is missing: ${hint}`);
  }
}

const PLAYWRIGHT = need('playwright-core', "run 'npm ci' in the repository root");
const AXE = need('axe-core/axe.min.js', "run 'npm ci' in the repository root");
if (!fs.existsSync(path.join(ROOT, 'web', 'vendor', 'kern', 'kern.min.css')))
  throw new Error("web/vendor/kern is missing: run 'npm ci' (its postinstall copies the KERN UX styles)");
if (!fs.existsSync(CHROMIUM))
  throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
if (!fs.existsSync(BIN))
  throw new Error(`${BIN} is missing: build rollin or set ROLLIN_BIN`);

const { chromium } = require(PLAYWRIGHT);

// One `rollin serve --demo`, with config (YAML text) as its config file
// if given. stop() ends it and removes its database.
export async function startServer({ config } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rollin-browser-'));
  const db = path.join(dir, 'rollin.db');
  const args = ['serve', '--listen', '127.0.0.1:0', '--db', db, '--demo'];
  if (config !== undefined) {
    fs.writeFileSync(path.join(dir, 'rollin.yaml'), config);
    args.push('--config', path.join(dir, 'rollin.yaml'));
  }
  const proc = spawn(BIN, args, {
    env: { ...process.env, ROLLIN_WEB_ROOT: path.join(ROOT, 'web'), ROLLIN_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const log = [];
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rollin did not start:\n${log.join('\n')}`)), 30000);
    let buf = '';
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (chunk) => {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (log.length < 2000) log.push(line);
        const m = /listening on (http:\/\/[^\s]+?)\/?$/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rollin exited with ${code}:\n${log.join('\n')}`));
    });
  });
  return {
    url,
    db,
    log,
    token(role, org) {
      return execFileSync(BIN, ['token', 'create', '--role', role, '--org', org, '--db', db],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    },
    async api(pathname, { method = 'GET', token, body, headers = {} } = {}) {
      const h = { ...headers };
      if (token) h.Authorization = `Bearer ${token}`;
      if (body !== undefined) h['Content-Type'] = 'application/json';
      const res = await fetch(url + pathname, {
        method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = null;
      }
      return { status: res.status, headers: res.headers, json };
    },
    async stop() {
      if (proc.exitCode === null) {
        const gone = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await gone;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Debian's Chromium, headless, with a fresh profile directory. Every
// uncaught page error fails the test that owns the context.
export async function startBrowser() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rollin-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=de-DE'],
    viewport: { width: 1280, height: 900 },
    locale: 'de-DE',
    timezoneId: 'Europe/Berlin',
    // Users who ask for less motion get no smooth scrolling (rollin.css);
    // the tests ask too, so that nothing moves under a click.
    reducedMotion: 'reduce',
  });
  context.setDefaultTimeout(15000);
  const errors = [];
  context.on('page', (p) => watch(p, errors));
  for (const p of context.pages()) watch(p, errors);
  return {
    context,
    errors,
    async page() {
      return context.pages()[0] || context.newPage();
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

function watch(page, errors) {
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      errors.push(`${page.url()}: console: ${m.text()}`);
  });
}

// Loads a page and waits until its script says it has drawn everything.
export async function open(page, url) {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]');
}

export async function screenshot(page, name) {
  fs.mkdirSync(OUTPUT, { recursive: true });
  const file = path.join(OUTPUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// axe-core over the whole page; returns the violations, readable.
export async function axe(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
  return violations;
}

export function describeViolations(v) {
  return v.map((x) => `${x.id} (${x.impact}): ${x.help}\n    ${x.nodes.join('\n    ')}`).join('\n');
}

// Fails the test if axe-core finds anything; name says which page and state.
export async function assertAccessible(page, name) {
  const v = await axe(page);
  if (v.length > 0) throw new Error(`axe found on the ${name}:\n${describeViolations(v)}`);
}

// Signs in with a token on the sign-in page, as a person would, and waits
// until the page it leads to (next, or wherever the page sends one) is drawn.
export async function signInWithToken(browser, page, url, token, { next } = {}) {
  await browser.context.clearCookies();
  await open(page, next ? `${url}/signin.html?next=${encodeURIComponent(next)}` : `${url}/signin.html`);
  await page.click('#signin-use-token');
  await page.fill('#token', token);
  await page.click('#signin-submit');
  if (next) await page.waitForURL(`**${next}`);
  else await page.waitForURL((u) => !u.pathname.endsWith('/signin.html'));
  await page.waitForSelector('body[data-ready="true"]');
}
