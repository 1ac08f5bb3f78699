// Web sessions at the HTTP level: what the browser journeys rely on,
// checked where a browser would hide it (cookie attributes, refusals).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, BIN } from './harness.mjs';

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

async function signIn(token) {
  const r = await server.api('/api/v1/session', { method: 'POST', body: { token } });
  const cookie = (r.headers.get('set-cookie') || '').split(';')[0];
  return { ...r, cookie };
}

test('signing in sets an HttpOnly SameSite=Strict cookie and returns the principal and a CSRF token', async () => {
  const token = server.token('owner', 'regio-it');
  const r = await signIn(token);
  assert.equal(r.status, 201);
  const set = r.headers.get('set-cookie');
  assert.match(set, /^rollin_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(r.json.role, 'owner');
  assert.equal(r.json.organisation, 'regio-it');
  assert.match(r.json.csrf_token, /^[A-Za-z0-9_-]{43}$/);
  assert.ok(!JSON.stringify(r.json).includes(token), 'the token is not echoed');

  const me = await server.api('/api/v1/session', { headers: { Cookie: r.cookie } });
  assert.equal(me.json.signed_in, true);
  assert.equal(me.json.csrf_token, r.json.csrf_token);
  // The cookie signs in private reads.
  assert.equal((await server.api('/api/v1/rollins', { headers: { Cookie: r.cookie } })).status, 200);
  assert.equal((await server.api('/api/v1/rollins')).status, 401);
});

test('a wrong, missing or malformed token is refused at the field', async () => {
  let r = await signIn('rollin_unknown');
  assert.equal(r.status, 401);
  assert.equal(r.json.error.field, 'token');
  assert.equal(r.headers.get('set-cookie'), null);
  r = await server.api('/api/v1/session', { method: 'POST', body: {} });
  assert.equal(r.status, 422);
  assert.deepEqual([r.json.error.code, r.json.error.field], ['missing_field', 'token']);
  r = await server.api('/api/v1/session', { method: 'POST', body: { token: 5 } });
  assert.deepEqual([r.status, r.json.error.code], [422, 'wrong_type']);
  // A cross-site form cannot post JSON: other content types are refused.
  const form = await fetch(`${server.url}/api/v1/session`, {
    method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{"token":"x"}',
  });
  assert.equal(form.status, 415);
});

test('writes by cookie need the CSRF token; reads do not', async () => {
  const token = server.token('owner', 'regio-it');
  const s = await signIn(token);
  const sol = await server.api('/api/v1/solutions/abfallkalender-app');
  const patch = (headers) => server.api('/api/v1/solutions/abfallkalender-app', {
    method: 'PATCH', body: { summary: `${sol.json.summary} ` },
    headers: { Cookie: s.cookie, 'If-Match': `"${sol.json.rev}"`, ...headers },
  });
  let r = await patch({});
  assert.deepEqual([r.status, r.json.error.code], [403, 'csrf']);
  r = await patch({ 'X-CSRF-Token': 'x'.repeat(43) });
  assert.deepEqual([r.status, r.json.error.code], [403, 'csrf']);
  r = await patch({ 'X-CSRF-Token': s.json.csrf_token });
  assert.equal(r.status, 200);
  // The change is the owner's: the event names the token's actor.
  assert.equal(r.json.updated_by, s.json.actor);
});

test('a bearer token still works beside a cookie, and takes precedence', async () => {
  const owner = server.token('owner', 'regio-it');
  const adopter = server.token('adopter', 'stadt-kiel');
  const s = await signIn(owner);
  const r = await server.api('/api/v1/session', { token: adopter, headers: { Cookie: s.cookie } });
  assert.equal(r.json.role, 'adopter');
  assert.equal(r.json.via, 'token');
  assert.equal(r.json.csrf_token, undefined);
});

test('signing out, signing in again and revoking the token end a session', async () => {
  const token = server.token('onboarding', 'dataport');
  const a = await signIn(token);
  const out = await server.api('/api/v1/session', {
    method: 'DELETE', headers: { Cookie: a.cookie, 'X-CSRF-Token': a.json.csrf_token },
  });
  assert.equal(out.status, 204);
  assert.match(out.headers.get('set-cookie'), /^rollin_session=; .*Max-Age=0/);
  assert.equal((await server.api('/api/v1/session', { headers: { Cookie: a.cookie } })).json.signed_in, false);
  assert.equal((await server.api('/api/v1/rollins', { headers: { Cookie: a.cookie } })).status, 401);

  // Signing in anew with the old cookie replaces that session.
  const b = await signIn(token);
  const c = await server.api('/api/v1/session', {
    method: 'POST', body: { token }, headers: { Cookie: b.cookie },
  });
  assert.equal(c.status, 201);
  assert.equal((await server.api('/api/v1/session', { headers: { Cookie: b.cookie } })).json.signed_in, false);

  // Revoking the token ends every session opened with it.
  const cookie = (c.headers.get('set-cookie') || '').split(';')[0];
  assert.equal((await server.api('/api/v1/session', { headers: { Cookie: cookie } })).json.signed_in, true);
  const list = JSON.parse(execFileSync(BIN, ['token', 'list', '--db', server.db], { encoding: 'utf8' }));
  const id = list.filter((x) => x.role === 'onboarding' && x.organisation === 'dataport').pop().id;
  execFileSync(BIN, ['token', 'revoke', String(id), '--db', server.db], { stdio: 'ignore' });
  assert.equal((await server.api('/api/v1/session', { headers: { Cookie: cookie } })).json.signed_in, false);
});
