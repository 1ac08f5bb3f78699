// Sign-in with a user name and password (the default) or with an API
// token: the server answers with a session cookie (HttpOnly,
// SameSite=Strict) and the CSRF token for later writes. A refusal is
// shown at the field it concerns, and what was typed stays (except a
// wrong password, which is cleared so the next try starts fresh).

import { t, label } from './i18n.js';
import { signIn, signOut, ApiError, describeError } from './api.js';
import { el, clear, alertBox } from './dom.js';
import { startPage } from './page.js';

// Only paths on this site are followed after signing in.
function nextUrl(role) {
  const next = new URLSearchParams(location.search).get('next');
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/signin.html'))
    return next;
  return role === 'onboarding' || role === 'admin' ? '/board.html' : '/';
}

const hints = { token: 'token-hint' };

// Shows msg at the field name (or clears it with msg = null).
function fieldError(name, msg, focus = true) {
  const group = document.getElementById(`${name}-group`);
  const input = document.getElementById(name);
  const box = document.getElementById(`${name}-error`);
  const described = [hints[name], msg ? `${name}-error` : null].filter(Boolean).join(' ');
  if (described) input.setAttribute('aria-describedby', described);
  else input.removeAttribute('aria-describedby');
  if (msg) {
    document.getElementById(`${name}-error-text`).textContent = msg;
    box.hidden = false;
    group.classList.add('kern-form-input--error');
    input.classList.add('kern-form-input__input--error');
    input.setAttribute('aria-invalid', 'true');
    if (focus) input.focus();
  } else {
    box.hidden = true;
    group.classList.remove('kern-form-input--error');
    input.classList.remove('kern-form-input__input--error');
    input.removeAttribute('aria-invalid');
  }
}

function clearErrors() {
  for (const name of ['username', 'password', 'token']) fieldError(name, null);
}

function setMode(mode, focus) {
  const form = document.getElementById('signin-form');
  const token = mode === 'token';
  form.dataset.mode = mode;
  document.getElementById('password-fields').hidden = token;
  document.getElementById('token-fields').hidden = !token;
  document.getElementById('signin-use-token').hidden = token;
  document.getElementById('signin-use-password').hidden = !token;
  clearErrors();
  if (focus) {
    document.getElementById(token ? 'token' : 'username').focus();
    document.getElementById('live').textContent = t(token ? 'signin.mode.token' : 'signin.mode.password');
  }
}

function showSignedIn(s) {
  const box = document.getElementById('signed-in');
  document.getElementById('signin-form').hidden = true;
  box.hidden = false;
  clear(box).append(
    alertBox('success', t('signin.already', { role: label('role', s.role), org: s.organisation_name || s.organisation })),
    el('div', { class: 'rl-moves' },
      el('a', { class: 'kern-btn kern-btn--primary', href: nextUrl(s.role) },
        el('span', { class: 'kern-label' }, t('signin.continue'))),
      el('button', {
        type: 'button', class: 'kern-btn kern-btn--secondary',
        onclick: async () => {
          await signOut().catch(() => {});
          location.href = '/signin.html?signedout=1';
        },
      }, el('span', { class: 'kern-label' }, t('signin.signout')))));
}

// What was typed, or null after marking the first empty field.
function credentials(mode) {
  if (mode === 'token') {
    const token = document.getElementById('token').value.trim();
    if (!token) {
      fieldError('token', t('signin.missing'));
      return null;
    }
    return token;
  }
  const username = document.getElementById('username').value.trim();
  const password = document.getElementById('password').value;
  if (!password) fieldError('password', t('signin.password.missing'), !!username);
  if (!username) fieldError('username', t('signin.username.missing'));
  return username && password ? { username, password } : null;
}

// A refusal, shown where it belongs.
function refused(mode, e, message) {
  if (!(e instanceof ApiError) || e.network) {
    message.append(alertBox('danger', describeError(e)));
    return;
  }
  if (mode === 'token') {
    if (e.field === 'token' || e.status === 401)
      fieldError('token', `${t('signin.bad')} ${t('error.server', { message: e.message })}`);
    else
      message.append(alertBox('danger', e.describe()));
    return;
  }
  const password = document.getElementById('password');
  if (e.status === 429) {
    fieldError('password', t('signin.throttled', { seconds: e.retryAfter || 1 }));
  } else if (e.code === 'account_disabled') {
    fieldError('username', t('signin.disabled'));
  } else if (e.status === 401) {
    password.value = '';
    fieldError('password', t('signin.password.bad'));
  } else if (e.field === 'username' || e.field === 'password') {
    fieldError(e.field, e.describe());
  } else {
    message.append(alertBox('danger', e.describe()));
  }
}

async function main() {
  const s = await startPage('signin');
  const message = document.getElementById('message');
  if (new URLSearchParams(location.search).get('signedout'))
    message.append(alertBox('info', t('signin.signedout')));
  if (s.signed_in && s.via === 'session') showSignedIn(s);
  document.getElementById('signin-use-token').addEventListener('click', () => setMode('token', true));
  document.getElementById('signin-use-password').addEventListener('click', () => setMode('password', true));
  const form = document.getElementById('signin-form');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(message);
    const mode = form.dataset.mode;
    clearErrors();
    const given = credentials(mode);
    if (!given) return;
    const button = document.getElementById('signin-submit');
    button.disabled = true;
    try {
      const who = await signIn(given);
      location.href = nextUrl(who.role);
    } catch (e) {
      refused(mode, e, message);
    } finally {
      button.disabled = false;
    }
  });
  document.body.dataset.ready = 'true';
}

main();
