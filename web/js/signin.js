// Sign-in with an API token: the server answers with a session cookie
// (HttpOnly, SameSite=Strict) and the CSRF token for later writes. A
// rejected token is shown at the field, and what was typed stays.

import { t, label } from './i18n.js';
import { signIn, signOut, ApiError } from './api.js';
import { el, clear, alertBox } from './dom.js';
import { startPage } from './page.js';

// Only paths on this site are followed after signing in.
function nextUrl(role) {
  const next = new URLSearchParams(location.search).get('next');
  if (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/signin.html'))
    return next;
  return role === 'onboarding' || role === 'admin' ? '/board.html' : '/';
}

function fieldError(msg) {
  const group = document.getElementById('token-group');
  const input = document.getElementById('token');
  const box = document.getElementById('token-error');
  if (msg) {
    document.getElementById('token-error-text').textContent = msg;
    box.hidden = false;
    group.classList.add('kern-form-input--error');
    input.classList.add('kern-form-input__input--error');
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'token-hint token-error');
    input.focus();
  } else {
    box.hidden = true;
    group.classList.remove('kern-form-input--error');
    input.classList.remove('kern-form-input__input--error');
    input.removeAttribute('aria-invalid');
    input.setAttribute('aria-describedby', 'token-hint');
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

async function main() {
  const s = await startPage('signin');
  const message = document.getElementById('message');
  if (new URLSearchParams(location.search).get('signedout'))
    message.append(alertBox('info', t('signin.signedout')));
  if (s.signed_in && s.via === 'session') showSignedIn(s);
  document.getElementById('signin-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(message);
    const token = document.getElementById('token').value.trim();
    if (!token) {
      fieldError(t('signin.missing'));
      return;
    }
    const button = document.getElementById('signin-submit');
    button.disabled = true;
    try {
      const who = await signIn(token);
      fieldError(null);
      location.href = nextUrl(who.role);
    } catch (e) {
      if (e instanceof ApiError && !e.network && (e.field === 'token' || e.status === 401))
        fieldError(`${t('signin.bad')} ${t('error.server', { message: e.message })}`);
      else if (e instanceof ApiError && e.field === 'token')
        fieldError(e.describe());
      else
        message.append(alertBox('danger', e instanceof ApiError ? e.describe() : t('error.network')));
    } finally {
      button.disabled = false;
    }
  });
  document.body.dataset.ready = 'true';
}

main();
