// Changing one's own password. The current password is asked again, so
// that a browser left signed in does not hand the account to whoever sits
// at it. The change signs the account out everywhere else; this browser
// stays signed in with the new session the server answers with.

import { t } from './i18n.js';
import { changePassword, currentSession } from './api.js';
import { el, alertBox } from './dom.js';
import { startPage, announce } from './page.js';
import { group, input, FormErrors, gate } from './forms.js';

const FIELDS = { password: 'pw-current', new_password: 'pw-new' };

function buildForm(username) {
  return el('form', { class: 'rl-form', id: 'password-form', novalidate: true },
    // Lets password managers store the new password under the right name.
    el('input', {
      type: 'text', name: 'username', autocomplete: 'username', value: username, hidden: true,
    }),
    group('pw-current', t('pw.current'), input('pw-current', 'password', {
      type: 'password', autocomplete: 'current-password', required: true,
    })),
    group('pw-new', t('pw.new'), input('pw-new', 'new_password', {
      type: 'password', autocomplete: 'new-password', required: true,
    }), { hint: t('ac.password.hint') }),
    el('button', { class: 'kern-btn kern-btn--primary', type: 'submit', id: 'pw-submit' },
      el('span', { class: 'kern-label' }, t('pw.submit'))));
}

async function main() {
  await startPage('password');
  const box = document.getElementById('form-box');
  if (!gate(box, ['admin', 'owner', 'onboarding', 'adopter'])) {
    document.body.dataset.ready = 'true';
    return;
  }
  const { username } = currentSession();
  if (!username) {
    // Signed in with a token: there is no password to change.
    box.append(alertBox('info', t('pw.token')));
    document.body.dataset.ready = 'true';
    return;
  }
  const status = el('div', { id: 'pw-status', tabindex: '-1' });
  const form = buildForm(username);
  box.append(status, form);
  const errors = new FormErrors(form, FIELDS, status);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const current = form.querySelector('#pw-current').value;
    const next = form.querySelector('#pw-new').value;
    if (!current) {
      errors.show('pw-current', t('pw.current.missing'));
      return;
    }
    if (!next) {
      errors.show('pw-new', t('pw.new.missing'));
      return;
    }
    const button = form.querySelector('#pw-submit');
    button.disabled = true;
    try {
      await changePassword(current, next);
    } catch (e) {
      // A wrong current password is typed again; the new one stays.
      if (e.field === 'password') form.querySelector('#pw-current').value = '';
      errors.fail(e);
      return;
    } finally {
      button.disabled = false;
    }
    form.reset();
    status.replaceChildren(alertBox('success', t('pw.done')));
    status.focus();
    announce(t('pw.done'));
  });
  document.body.dataset.ready = 'true';
}

main();
