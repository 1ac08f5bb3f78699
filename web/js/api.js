// Talking to /api/v1. Reads are plain fetches; writes carry the session's
// CSRF token (the session cookie itself is HttpOnly and travels by
// itself). Every failure becomes an ApiError with the server's code,
// message and field, or network=true when the server was not reached.

import { t } from './i18n.js';

const BASE = '/api/v1';

export class ApiError extends Error {
  constructor({ status = 0, code = 'network', message = '', field = null, network = false, retryAfter = null }) {
    super(message || code);
    this.status = status;
    this.retryAfter = retryAfter;
    this.code = code;
    this.field = field;
    this.network = network;
  }

  // What to tell a person: our words for the code, plus the server's own.
  describe() {
    if (this.network) return t('error.network');
    const ours = {
      unauthenticated: 'error.unauthenticated',
      forbidden: 'error.forbidden',
      csrf: 'error.csrf',
      stale: 'error.stale',
      invalid_transition: 'error.invalid_transition',
      not_found: 'error.not_found',
      too_large: 'error.too_large',
    }[this.code];
    const server = this.message ? t('error.server', { message: this.message }) : '';
    return [ours ? t(ours) : t('error.generic'), server].filter(Boolean).join(' ');
  }
}

// What to tell a person about any failure: an API refusal in our words
// and the server's, anything else (a script error too) as the network.
export function describeError(e) {
  return e instanceof ApiError ? e.describe() : t('error.network');
}

let session = { signed_in: false };

export function currentSession() {
  return session;
}

// raw: a Blob or File sent as it is, with type as its Content-Type.
async function request(path, { method = 'GET', body, rev, raw, type } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (raw !== undefined) headers['Content-Type'] = type;
  if (rev) headers['If-Match'] = `"${rev}"`;
  if (method !== 'GET' && session.csrf_token) headers['X-CSRF-Token'] = session.csrf_token;
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: raw !== undefined ? raw : (body === undefined ? undefined : JSON.stringify(body)),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError({ network: true });
  }
  let data = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError({
      status: res.status,
      code: e.code || `http_${res.status}`,
      message: e.message || res.statusText,
      field: e.field || null,
      retryAfter: Number(res.headers.get('Retry-After')) || null,
    });
  }
  return { data, etag: res.headers.get('ETag'), status: res.status };
}

export async function get(path) {
  return (await request(path)).data;
}

// Every item of a list, following next cursors (bounded).
export async function getAll(path, pages = 20) {
  const items = [];
  let next = null;
  for (let i = 0; i < pages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const url = next ? `${path}${sep}cursor=${encodeURIComponent(next)}` : path;
    const d = await get(url);
    items.push(...d.items);
    next = d.next;
    if (!next) break;
  }
  return items;
}

export async function post(path, body) {
  return (await request(path, { method: 'POST', body })).data;
}

// Sends a file as the body of a POST (imports).
export async function upload(path, file, type) {
  return (await request(path, { method: 'POST', raw: file, type })).data;
}

export async function patch(path, body, rev) {
  return (await request(path, { method: 'PATCH', body, rev })).data;
}

export async function del(path) {
  return (await request(path, { method: 'DELETE' })).data;
}

export async function loadSession() {
  try {
    session = await get('/session');
  } catch {
    session = { signed_in: false };
  }
  return session;
}

// Signs in with a token (a string) or with { username, password }.
export async function signIn(credentials) {
  session = await post('/session', typeof credentials === 'string' ? { token: credentials } : credentials);
  return session;
}

// Changes the signed-in account's password; the answer is a new session
// (with a new CSRF token), as every other one of the account ends.
export async function changePassword(password, newPassword) {
  session = await post('/session/password', { password, new_password: newPassword });
  return session;
}

export async function signOut() {
  try {
    await del('/session');
  } finally {
    session = { signed_in: false };
  }
}

// Organisation names by slug, fetched once per page.
let orgs = null;
export async function organisations() {
  if (!orgs) {
    orgs = new Map();
    try {
      for (const o of await getAll('/organisations?limit=500'))
        orgs.set(o.slug, o);
    } catch {
      /* names fall back to slugs */
    }
  }
  return orgs;
}

export function orgName(map, slug) {
  return (map && map.get(slug) && map.get(slug).name) || slug || '–';
}

// May the signed-in principal write records of organisation slug?
// The server decides every write; this only hides what it would refuse.
export function mayWrite(roles, orgSlug) {
  if (!session.signed_in) return false;
  if (session.role === 'admin') return true;
  return roles.includes(session.role) && session.organisation === orgSlug;
}
