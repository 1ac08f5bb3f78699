// Notifications: which events the signed-in person's organisation (or one
// of its contacts) receives through the notifiers (e-mail, webhook,
// Matrix), for every solution or for one. Organisations that use a
// solution get its releases and cycle dates anyway; this page is for
// everything else. Any member of the organisation may change them; the
// server checks every change again.

import { t, label } from './i18n.js';
import { getAll, post, del, currentSession, describeError } from './api.js';
import { el, clear, alertBox, table, param } from './dom.js';
import { startPage, announce } from './page.js';
import { group, select, fieldset, FormErrors, formData } from './forms.js';

// The events people ask for, as the API names them (families end in *).
const EVENTS = ['release.published', 'release.overdue', 'cycle.*', 'solution.retired',
  'feedback.answered', 'lesson.created', 'rollin.*'];
const FIELDS = { contact: 'sb-contact', event_types: 'sb-events', solutions: 'sb-solution' };

const state = { subscriptions: [], solutions: new Map(), contacts: new Map() };

function eventsText(types) {
  if (!types || types.length === 0) return t('sb.events.all');
  return types.map((e) => label('sb.event', e)).join(', ');
}

function solutionsText(slugs) {
  if (!slugs || slugs.length === 0) return t('sb.solutions.all');
  return slugs.map((s) => (state.solutions.get(s) || {}).name || s).join(', ');
}

function recipientText(s) {
  if (!s.contact) return t('sb.recipient.org');
  return (state.contacts.get(s.contact) || {}).name || `#${s.contact}`;
}

function listTable(onCancel) {
  if (state.subscriptions.length === 0)
    return el('p', { class: 'kern-body', id: 'sb-none' }, t('sb.none'));
  const node = table(t('sb.table', { n: state.subscriptions.length }),
    [t('sb.col.recipient'), t('sb.col.events'), t('sb.col.solutions'), t('sb.col.actions')],
    state.subscriptions.map((s) => [
      recipientText(s), eventsText(s.event_types), solutionsText(s.solutions),
      el('button', {
        type: 'button', class: 'kern-btn kern-btn--secondary kern-btn--x-small',
        'data-cancel': s.id, 'aria-label': `${t('sb.cancel')}: ${eventsText(s.event_types)}, ${solutionsText(s.solutions)}`,
        onclick: () => onCancel(s),
      }, el('span', { class: 'kern-label' }, t('sb.cancel'))),
    ]));
  node.querySelector('table').id = 'sb-table';
  return node;
}

function buildForm(preset) {
  const boxes = EVENTS.map((e, i) => el('div', { class: 'kern-form-check' },
    el('input', {
      class: 'kern-form-check__checkbox', type: 'checkbox', name: 'event_types',
      id: `sb-event-${i}`, value: e, checked: e === 'release.published' || e === 'cycle.*',
    }),
    el('label', { class: 'kern-label', for: `sb-event-${i}` }, label('sb.event', e))));
  const solutions = [...state.solutions.values()]
    .sort((a, b) => a.name.localeCompare(b.name, 'de'))
    .map((s) => [s.slug, s.name, s.slug === preset]);
  const contacts = [...state.contacts.values()].map((c) => [String(c.id), c.name]);
  return el('form', { class: 'rl-form', id: 'sb-form', novalidate: true },
    el('h2', { class: 'kern-heading-medium' }, t('sb.add.title')),
    group('sb-solution', t('sb.solution'),
      select('sb-solution', 'solution', [['', t('sb.solutions.all'), !preset], ...solutions])),
    fieldset('sb-events', t('sb.events'), boxes, { hint: t('sb.events.hint') }),
    group('sb-contact', t('sb.recipient'),
      select('sb-contact', 'contact', [['', t('sb.recipient.org'), true], ...contacts]),
      { hint: t('sb.recipient.hint') }),
    el('button', { class: 'kern-btn kern-btn--primary', type: 'submit', id: 'sb-submit' },
      el('span', { class: 'kern-label' }, t('sb.submit'))));
}

async function load() {
  const org = currentSession().organisation;
  const q = `organisation=${encodeURIComponent(org)}`;
  const [subscriptions, solutions, contacts] = await Promise.all([
    getAll(`/subscriptions?${q}&limit=100`),
    getAll('/solutions?limit=500'),
    getAll(`/contacts?${q}&limit=500`),
  ]);
  return { subscriptions, solutions, contacts };
}

async function main() {
  await startPage('subscriptions');
  const listBox = document.getElementById('list-box');
  const formBox = document.getElementById('form-box');
  const data = await formData(listBox, ['admin', 'owner', 'onboarding', 'adopter'], load);
  if (!data) return;
  state.subscriptions = data.subscriptions;
  state.solutions = new Map(data.solutions.map((s) => [s.slug, s]));
  state.contacts = new Map(data.contacts.map((c) => [c.id, c]));
  const message = el('div', { id: 'sb-message', tabindex: '-1' });
  const tablePart = el('div');
  const org = currentSession().organisation;

  const refresh = async () => {
    state.subscriptions = await getAll(`/subscriptions?organisation=${encodeURIComponent(org)}&limit=100`);
    clear(tablePart).append(listTable(cancel));
  };

  async function cancel(s) {
    clear(message);
    try {
      await del(`/subscriptions/${s.id}`);
      await refresh();
    } catch (e) {
      message.append(alertBox('danger', describeError(e)));
      message.focus();
      return;
    }
    message.append(alertBox('success', t('sb.cancelled')));
    announce(t('sb.cancelled'));
    (tablePart.querySelector('[data-cancel]') || message).focus();
  }

  listBox.append(el('h2', { class: 'kern-heading-medium' }, t('sb.list.title')), message, tablePart);
  tablePart.append(listTable(cancel));

  const status = el('div', { id: 'sb-status', tabindex: '-1' });
  const form = buildForm(param('solution'));
  formBox.append(status, form);
  const errors = new FormErrors(form, FIELDS, status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const types = [...form.querySelectorAll('input[name="event_types"]:checked')].map((c) => c.value);
    if (types.length === 0) {
      errors.show('sb-events', t('sb.events.missing'));
      return;
    }
    const body = { organisation: org, event_types: types };
    const solution = form.querySelector('#sb-solution').value;
    if (solution) body.solutions = [solution];
    const contact = form.querySelector('#sb-contact').value;
    if (contact) body.contact = Number(contact);
    const button = form.querySelector('#sb-submit');
    button.disabled = true;
    try {
      await post('/subscriptions', body);
      await refresh();
    } catch (e) {
      errors.fail(e);
      return;
    } finally {
      button.disabled = false;
    }
    const msg = t('sb.added', { events: eventsText(types), solutions: solutionsText(body.solutions) });
    clear(status).append(alertBox('success', msg));
    announce(msg);
  });
  document.body.dataset.ready = 'true';
}

main();
