// Accounts, for admins: who signs in with a password, in which role and
// for which organisation. An admin adds an account, locks and unlocks it,
// and sets a new password (which ends the account's sessions, as locking
// does). The server checks every change again: /api/v1/users answers
// admins only.

import { t, label, fmtDate } from './i18n.js';
import { getAll, post, patch, organisations, orgName, describeError } from './api.js';
import { el, clear, alertBox, table, badge } from './dom.js';
import { startPage, announce } from './page.js';
import { group, input, select, FormErrors, formData } from './forms.js';

const ROLES = ['adopter', 'owner', 'onboarding', 'admin'];
const ADD_FIELDS = {
  username: 'ac-username', name: 'ac-name', role: 'ac-role', organisation: 'ac-org', password: 'ac-password',
};

const state = { accounts: [], orgs: new Map() };

function passwordInput(id) {
  return input(id, 'password', { type: 'password', autocomplete: 'new-password', required: true });
}

// ---- the list ---------------------------------------------------------------

function accountsTable(onLock, onChange) {
  if (state.accounts.length === 0)
    return el('p', { class: 'kern-body', id: 'accounts-none' }, t('ac.none'));
  const rows = state.accounts.map((a) => [
    a.username,
    a.name || '–',
    label('role', a.role),
    orgName(state.orgs, a.organisation),
    a.last_sign_in_at ? fmtDate(a.last_sign_in_at) : t('ac.never'),
    a.disabled ? badge(t('ac.locked'), 'warning') : badge(t('ac.active'), 'success'),
    el('div', { class: 'rl-actions' },
      // The names say whose account; the visible text comes first in them.
      el('button', {
        type: 'button', class: 'kern-btn kern-btn--secondary kern-btn--x-small',
        'data-lock': a.username, 'aria-label': `${t(a.disabled ? 'ac.unlock' : 'ac.lock')} ${a.username}`,
        onclick: () => onLock(a),
      }, el('span', { class: 'kern-label' }, t(a.disabled ? 'ac.unlock' : 'ac.lock'))),
      el('button', {
        type: 'button', class: 'kern-btn kern-btn--tertiary kern-btn--x-small',
        'data-edit': a.username, 'aria-label': `${t('ac.edit')} ${a.username}`,
        onclick: () => onChange(a, DETAILS, 'data-edit'),
      }, el('span', { class: 'kern-label' }, t('ac.edit'))),
      el('button', {
        type: 'button', class: 'kern-btn kern-btn--tertiary kern-btn--x-small',
        'data-password': a.username, 'aria-label': `${t('ac.password.set')} ${a.username}`,
        onclick: () => onChange(a, PASSWORD, 'data-password'),
      }, el('span', { class: 'kern-label' }, t('ac.password.set')))),
  ]);
  const node = table(t('ac.table', { n: state.accounts.length }),
    [t('ac.col.username'), t('ac.col.name'), t('ac.col.role'), t('ac.col.org'),
      t('ac.col.signin'), t('ac.col.state'), t('ac.col.actions')], rows);
  node.querySelector('table').id = 'accounts-table';
  return node;
}

// ---- changing one account ---------------------------------------------------

// A form below the list that changes one account with PATCH: spec gives
// its id prefix, title, lead, groups, the API's fields mapped to groups,
// and read(form, errors), which gives the body or null after showing why.
function changeForm(box, account, spec, done) {
  const p = spec.prefix;
  const status = el('div', { id: `${p}-status`, tabindex: '-1' });
  const form = el('form', { class: 'rl-form', id: `${p}-form`, novalidate: true },
    el('h2', { class: 'kern-heading-medium' }, t(spec.title, { user: account.username })),
    el('p', { class: 'kern-body' }, t(spec.lead)),
    status,
    spec.groups(account),
    el('div', { class: 'rl-inline-form' },
      el('button', { class: 'kern-btn kern-btn--primary', type: 'submit', id: `${p}-submit` },
        el('span', { class: 'kern-label' }, t(spec.submit))),
      el('button', {
        class: 'kern-btn kern-btn--secondary', type: 'button', id: `${p}-cancel`,
        onclick: () => done(null),
      }, el('span', { class: 'kern-label' }, t('ac.cancel')))));
  const errors = new FormErrors(form, spec.fields, status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const body = spec.read(form, errors);
    if (!body) return;
    const button = form.querySelector(`#${p}-submit`);
    button.disabled = true;
    try {
      await patch(`/users/${encodeURIComponent(account.username)}`, body);
    } catch (e) {
      errors.fail(e);
      return;
    } finally {
      button.disabled = false;
    }
    done(t(spec.done, { user: account.username }));
  });
  clear(box).append(form);
  form.querySelector('input, select').focus();
}

const PASSWORD = {
  prefix: 'pw',
  title: 'ac.password.title',
  lead: 'ac.password.lead',
  submit: 'ac.password.submit',
  done: 'ac.password.done',
  fields: { password: 'pw-password' },
  groups: () => group('pw-password', t('ac.password'), passwordInput('pw-password'),
    { hint: t('ac.password.hint') }),
  read(form, errors) {
    const password = form.querySelector('#pw-password').value;
    if (!password) {
      errors.show('pw-password', t('ac.password.missing'));
      return null;
    }
    return { password };
  },
};

const DETAILS = {
  prefix: 'ed',
  title: 'ac.edit.title',
  lead: 'ac.edit.lead',
  submit: 'ac.edit.submit',
  done: 'ac.edit.done',
  fields: { name: 'ed-name', role: 'ed-role', organisation: 'ed-org' },
  groups: (a) => [
    group('ed-name', t('ac.name'), input('ed-name', 'name', { autocomplete: 'off', value: a.name || '' }),
      { optional: true }),
    group('ed-role', t('ac.role'), select('ed-role', 'role', roleOptions(a.role))),
    group('ed-org', t('ac.org'), select('ed-org', 'organisation', orgOptions(a.organisation))),
  ],
  read(form) {
    const name = form.querySelector('#ed-name').value.trim();
    return {
      ...(name ? { name } : {}),
      role: form.querySelector('#ed-role').value,
      organisation: form.querySelector('#ed-org').value,
    };
  },
};

function roleOptions(selected) {
  return ROLES.map((r) => [r, label('role', r), r === selected]);
}

function orgOptions(selected) {
  return [...state.orgs.values()]
    .sort((a, b) => a.name.localeCompare(b.name, 'de'))
    .map((o) => [o.slug, o.name, o.slug === selected]);
}

// ---- a new account ----------------------------------------------------------

function addForm(onAdded) {
  const status = el('div', { id: 'ac-status', tabindex: '-1' });
  const form = el('form', { class: 'rl-form', id: 'account-form', novalidate: true },
    el('h2', { class: 'kern-heading-medium' }, t('ac.add.title')),
    status,
    group('ac-username', t('ac.username'), input('ac-username', 'username', {
      autocomplete: 'off', required: true, spellcheck: 'false', autocapitalize: 'none',
    }), { hint: t('ac.username.hint') }),
    group('ac-name', t('ac.name'), input('ac-name', 'name', { autocomplete: 'off' }), { optional: true }),
    group('ac-role', t('ac.role'), select('ac-role', 'role', roleOptions(ROLES[0]))),
    group('ac-org', t('ac.org'), select('ac-org', 'organisation',
      [['', t('ac.org.choose'), true], ...orgOptions(null)])),
    group('ac-password', t('ac.password'), passwordInput('ac-password'), { hint: t('ac.password.hint') }),
    el('button', { class: 'kern-btn kern-btn--primary', type: 'submit', id: 'ac-submit' },
      el('span', { class: 'kern-label' }, t('ac.add.submit'))));
  const errors = new FormErrors(form, ADD_FIELDS, status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const value = (id) => form.querySelector(`#${id}`).value;
    const body = {
      username: value('ac-username').trim(),
      role: value('ac-role'),
      organisation: value('ac-org'),
      password: value('ac-password'),
    };
    if (value('ac-name').trim()) body.name = value('ac-name').trim();
    for (const [field, id, key] of [['username', 'ac-username', 'ac.username.missing'],
      ['organisation', 'ac-org', 'ac.org.missing'], ['password', 'ac-password', 'ac.password.missing']]) {
      if (!body[field]) {
        errors.show(id, t(key));
        return;
      }
    }
    const button = form.querySelector('#ac-submit');
    button.disabled = true;
    let created;
    try {
      created = await post('/users', body);
    } catch (e) {
      errors.fail(e);
      return;
    } finally {
      button.disabled = false;
    }
    form.reset();
    clear(status).append(alertBox('success', t('ac.add.done', { user: created.username })));
    onAdded(created);
  });
  return form;
}

// ---- the page ---------------------------------------------------------------

async function load() {
  const [accounts, orgs] = await Promise.all([getAll('/users'), organisations()]);
  return { accounts, orgs };
}

async function main() {
  await startPage('accounts');
  const listBox = document.getElementById('accounts-box');
  const formBox = document.getElementById('form-box');
  const data = await formData(listBox, ['admin'], load);
  if (!data) return;
  state.accounts = data.accounts;
  state.orgs = data.orgs;
  const status = el('div', { id: 'list-status', tabindex: '-1' });
  const changeBox = el('div', { id: 'change-box' });
  const tableBox = el('div');

  const refresh = async () => {
    state.accounts = await getAll('/users');
    clear(tableBox).append(accountsTable(toggleLock, change));
  };

  async function toggleLock(account) {
    clear(status);
    try {
      await patch(`/users/${encodeURIComponent(account.username)}`, { disabled: !account.disabled });
      await refresh();
    } catch (e) {
      status.append(alertBox('danger', describeError(e)));
      status.focus();
      return;
    }
    const msg = t(account.disabled ? 'ac.unlocked' : 'ac.locked.done', { user: account.username });
    clear(status).append(alertBox('success', msg));
    announce(msg);
    tableBox.querySelector(`[data-lock="${CSS.escape(account.username)}"]`)?.focus();
  }

  // A change form below the list; afterwards the list is read again and
  // the focus goes back to the button that opened the form.
  function change(account, spec, attr) {
    clear(status);
    changeForm(changeBox, account, spec, async (msg) => {
      clear(changeBox);
      if (msg) {
        try {
          await refresh();
        } catch {
          /* the change stands; the list shows it on the next visit */
        }
        clear(status).append(alertBox('success', msg));
        announce(msg);
      }
      tableBox.querySelector(`[${attr}="${CSS.escape(account.username)}"]`)?.focus();
    });
  }

  tableBox.append(accountsTable(toggleLock, change));
  listBox.append(status, tableBox, changeBox);
  formBox.append(addForm(async (created) => {
    try {
      await refresh();
    } catch {
      /* the account exists; the list shows it on the next visit */
    }
    announce(t('ac.add.done', { user: created.username }));
  }));
  document.body.dataset.ready = 'true';
}

main();
