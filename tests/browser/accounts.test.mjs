// Signing in with a user name and password, the sign-in page's default:
// an account made with `rollin user add` (password piped, as scripts
// do) signs in and acts for its organisation; a wrong password is shown
// at the password field; the page offers the token way too; axe-core
// finds nothing in any of these states, in German or English.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, startBrowser, open, screenshot, BIN, assertAccessible } from './harness.mjs';

let server;
let browser;
const PASSWORD = 'Kölner Dom 1248 bis 1880';

before(async () => {
  server = await startServer();
  browser = await startBrowser();
  execFileSync(BIN, ['user', 'add', 'j.becker', '--role', 'owner', '--org', 'stadt-koeln',
    '--name', 'Jana Becker', '--db', server.db], { input: `${PASSWORD}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the sign-in page asks for user name and password and shows errors at the fields', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/signin.html`);
  assert.equal(await page.isVisible('#username'), true);
  assert.equal(await page.isVisible('#password'), true);
  assert.equal(await page.isVisible('#token'), false);
  assert.equal(await page.getAttribute('#password', 'type'), 'password');
  assert.equal(await page.getAttribute('#username', 'autocomplete'), 'username');
  assert.equal(await page.getAttribute('#password', 'autocomplete'), 'current-password');
  // Labels name the fields for assistive technology.
  assert.equal(await page.getByLabel('Benutzername').count(), 1);
  assert.equal(await page.getByLabel('Passwort', { exact: true }).count(), 1);
  await assertAccessible(page, 'sign-in page');

  // Nothing typed: the first empty field says so and has the focus.
  await page.click('#signin-submit');
  await page.waitForSelector('#username-error:not([hidden])');
  assert.match(await page.locator('#username-error').innerText(), /Benutzernamen ein/);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'username');
  await assertAccessible(page, 'sign-in page with empty fields');

  // A wrong password: said at the password field, the name stays.
  await page.fill('#username', 'j.becker');
  await page.fill('#password', 'falsches Passwort');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#password-error:not([hidden])');
  assert.match(await page.locator('#password-error').innerText(), /Benutzername oder Passwort ist falsch/);
  assert.equal(await page.getAttribute('#password', 'aria-invalid'), 'true');
  assert.match(await page.getAttribute('#password', 'aria-describedby'), /password-error/);
  assert.equal(await page.isHidden('#username-error'), true);
  assert.equal(await page.inputValue('#username'), 'j.becker');
  assert.equal(await page.inputValue('#password'), '');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'password');
  await assertAccessible(page, 'sign-in page with a wrong password');
  await screenshot(page, 'accounts-wrong-password');

  // An unknown name reads exactly the same.
  const wrong = await page.locator('#password-error').innerText();
  await page.fill('#username', 'niemand');
  await page.fill('#password', 'falsches Passwort');
  await page.click('#signin-submit');
  await page.waitForFunction(() => document.getElementById('password').value === '');
  await page.waitForSelector('#password-error:not([hidden])');
  assert.equal(await page.locator('#password-error').innerText(), wrong);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('the token way is one click away and back', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/signin.html`);
  await page.getByRole('button', { name: 'Mit Zugangstoken anmelden' }).click();
  assert.equal(await page.isVisible('#token'), true);
  assert.equal(await page.isVisible('#username'), false);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'token');
  await assertAccessible(page, 'sign-in page in token mode');
  await page.getByRole('button', { name: 'Mit Benutzername und Passwort anmelden' }).click();
  assert.equal(await page.isVisible('#username'), true);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'username');

  // English labels and messages.
  await page.getByTestId('lang-switch').click();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.getByLabel('User name').count(), 1);
  await page.fill('#username', 'j.becker');
  await page.fill('#password', 'not the password');
  await page.click('#signin-submit');
  await page.waitForSelector('#password-error:not([hidden])');
  assert.match(await page.locator('#password-error').innerText(), /user name or the password is wrong/);
  await assertAccessible(page, 'English sign-in page with a wrong password');
  await page.getByTestId('lang-switch').click();
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('an account made on the command line signs in and acts for its organisation', async () => {
  const page = await browser.page();
  await open(page, `${server.url}/signin.html?next=%2Fsolution.html%3Fslug%3Dabfallkalender-app`);
  await page.fill('#username', 'J.Becker');
  await page.fill('#password', PASSWORD);
  await page.click('#signin-submit');
  await page.waitForURL('**/solution.html?slug=abfallkalender-app');
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.getByTestId('who').innerText(), /Stadt Köln/);
  const cookies = await browser.context.cookies();
  const session = cookies.find((c) => c.name === 'rollin_session');
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Strict');
  const who = await page.evaluate(async () => (await fetch('/api/v1/session')).json());
  assert.deepEqual([who.role, who.organisation, who.username, who.actor],
    ['owner', 'stadt-koeln', 'j.becker', 'user:j.becker@stadt-koeln']);
  await assertAccessible(page, 'solution page signed in with a password');

  // The sign-in page now offers to continue or sign out.
  await open(page, `${server.url}/signin.html`);
  assert.equal(await page.isVisible('#signin-form'), false);
  await page.locator('#signed-in').getByRole('button', { name: 'Abmelden' }).click();
  await page.waitForURL('**/signin.html?signedout=1');
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.isVisible('#username'), true);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});

test('a person changes their own password and stays signed in only here', async () => {
  const first = 'Rathausplatz 1 in Köln';
  const second = 'Domplatte bei Nacht 2026';
  execFileSync(BIN, ['user', 'add', 'k.wagner', '--role', 'adopter', '--org', 'stadt-koeln', '--db', server.db],
    { input: `${first}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
  // Another browser of the same account, over the API.
  const elsewhere = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'k.wagner', password: first }),
  });
  assert.equal(elsewhere.status, 201);
  const otherCookie = elsewhere.headers.get('set-cookie').split(';')[0];
  const otherSignedIn = async () => (await (await fetch(`${server.url}/api/v1/session`,
    { headers: { Cookie: otherCookie } })).json()).signed_in;

  const page = await browser.page();
  await browser.context.clearCookies();
  await open(page, `${server.url}/signin.html`);
  await page.fill('#username', 'k.wagner');
  await page.fill('#password', first);
  await page.click('#signin-submit');
  await page.waitForURL((u) => !u.pathname.endsWith('/signin.html'));
  await page.waitForSelector('body[data-ready="true"]');
  await page.getByRole('link', { name: 'Passwort ändern' }).click();
  await page.waitForURL('**/password.html');
  await page.waitForSelector('body[data-ready="true"]');
  await assertAccessible(page, 'password page');

  // A wrong current password: at its field, emptied; the new one stays.
  await page.fill('#pw-current', 'nicht das Passwort');
  await page.fill('#pw-new', second);
  await page.click('#pw-submit');
  await page.waitForSelector('#pw-current-error:not([hidden])');
  assert.match(await page.locator('#pw-current-error').innerText(), /current password is wrong/);
  assert.equal(await page.inputValue('#pw-current'), '');
  assert.equal(await page.inputValue('#pw-new'), second);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'pw-current');
  await assertAccessible(page, 'password page with a wrong current password');

  // Too short a new one: at its field.
  await page.fill('#pw-current', first);
  await page.fill('#pw-new', 'kurz');
  await page.click('#pw-submit');
  await page.waitForSelector('#pw-new-error:not([hidden])');
  assert.match(await page.locator('#pw-new-error').innerText(), /at least 12 characters/);
  assert.equal(await otherSignedIn(), true);

  // By keyboard: the change.
  await page.fill('#pw-new', second);
  await page.focus('#pw-new');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#pw-status .kern-alert--success');
  assert.match(await page.locator('#pw-status').innerText(), /Passwort ist geändert/);
  assert.equal(await page.inputValue('#pw-current'), '');
  await screenshot(page, 'accounts-password-changed');
  // Still signed in here; the other browser is signed out.
  const here = await page.evaluate(async () => (await fetch('/api/v1/session')).json());
  assert.equal(here.username, 'k.wagner');
  assert.equal(await otherSignedIn(), false);
  // The page took the new session's CSRF token: a second change works.
  const third = 'Severinsbrücke im Nebel';
  await page.fill('#pw-current', second);
  await page.fill('#pw-new', third);
  await page.click('#pw-submit');
  await page.waitForFunction(() => document.getElementById('pw-new').value === '');
  assert.match(await page.locator('#pw-status').innerText(), /Passwort ist geändert/);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  assert.match(await page.getByTestId('who').innerText(), /Stadt Köln/);
  const old = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'k.wagner', password: second }),
  });
  assert.equal(old.status, 401);
  assert.equal(browser.errors.length, 0, browser.errors.join('\n'));
});
