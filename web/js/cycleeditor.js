// The owner's editor of maintenance cycles on the solution page: add a
// cycle (a release line with its support and end-of-life dates) and move
// the dates of an existing one. The server checks that the dates follow
// each other (release, end of support, end of life, extended support);
// its refusal is shown at the date it names and nothing typed is lost.

import { t } from './i18n.js';
import { post, patch } from './api.js';
import { el } from './dom.js';
import { group, fieldset, input, checkbox, FormErrors } from './forms.js';

const DATES = ['release_date', 'support_until', 'eol', 'extended_support'];

const DATE_LABEL = {
  release_date: 'cycle.released', support_until: 'cycle.support', eol: 'cycle.eol',
  extended_support: 'cycle.extended',
};

function fieldIds(prefix) {
  return Object.fromEntries(DATES.map((f) => [f, `${prefix}-${f.replace('_', '-')}`]));
}

// The four dates of a cycle, each a labelled date input; cycle fills them.
// In the list of cycles, the fieldset's legend names the cycle.
function dateGroups(ids, cycle = {}) {
  return DATES.map((f) => group(ids[f], t(DATE_LABEL[f]),
    input(ids[f], f, { type: 'date', value: cycle[f] || '' }),
    { optional: f === 'extended_support' }));
}

// The dates as the API takes them: an emptied date is cleared (null).
function datesOf(root, ids, { omitEmpty = false } = {}) {
  const body = {};
  for (const f of DATES) {
    const v = root.querySelector(`#${ids[f]}`).value;
    if (v) body[f] = v;
    else if (!omitEmpty) body[f] = null;
  }
  return body;
}

function addForm(enc, onChange, status) {
  const ids = { name: 'cy-name', ...fieldIds('cy'), lts: 'cy-lts' };
  const form = el('form', { class: 'rl-form', id: 'cycle-form', novalidate: true },
    group('cy-name', t('cycle.name'),
      input('cy-name', 'name', { required: true, autocomplete: 'off', maxlength: 64 }),
      { hint: t('cycle.name.hint') }),
    dateGroups(ids),
    checkbox('cy-lts', 'lts', t('cycle.lts'), { hint: t('cycle.lts.hint') }),
    el('button', { class: 'kern-btn kern-btn--primary', type: 'submit', id: 'cy-submit' },
      el('span', { class: 'kern-label' }, t('cycle.submit'))));
  const errors = new FormErrors(form, ids, status);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const name = form.querySelector('#cy-name').value.trim();
    if (!name) {
      errors.show('name', t('cycle.name.missing'));
      return;
    }
    const body = { name, ...datesOf(form, ids, { omitEmpty: true }), lts: form.querySelector('#cy-lts').checked };
    try {
      await post(`/solutions/${enc}/cycles`, body);
    } catch (e) {
      errors.fail(e);
      return;
    }
    await onChange(t('cycle.added', { c: name }), 'cy-status');
  });
  return form;
}

// An existing cycle: its dates, changed together with one button.
function cycleItem(enc, c, onChange) {
  const ids = fieldIds(`cy-${c.id}`);
  const status = el('div', { class: 'rl-card-error', id: `cy-${c.id}-status`, tabindex: '-1' });
  const box = fieldset(`cy-${c.id}`, c.name, [
    el('div', { class: 'rl-inline-form' }, dateGroups(ids, c)),
    el('button', {
      type: 'button', class: 'kern-btn kern-btn--secondary', 'data-action': 'save-cycle',
      'aria-label': t('cycle.save.label', { c: c.name }),
      onclick: save,
    }, el('span', { class: 'kern-label' }, t('cycle.save'))),
  ], { errors: false });
  const errors = new FormErrors(box, ids, status);
  async function save() {
    errors.clear();
    try {
      await patch(`/solutions/${enc}/cycles/${c.id}`, datesOf(box, ids), c.rev);
    } catch (e) {
      errors.fail(e);
      return;
    }
    await onChange(t('cycle.saved', { c: c.name }), 'cy-status');
  }
  return el('li', { 'data-cycle': c.name }, box, status);
}

// onChange(message, statusId): reload and redraw the lifecycle sections,
// then say message in the status element statusId.
export function cycleEditor(slug, cycles, onChange) {
  const enc = encodeURIComponent(slug);
  const status = el('div', { id: 'cy-status', tabindex: '-1' });
  const newest = [...cycles].sort((a, b) => (b.release_date || '').localeCompare(a.release_date || ''));
  const list = newest.length
    ? el('ul', { class: 'rl-planned' }, newest.map((c) => cycleItem(enc, c, onChange)))
    : el('p', { class: 'kern-body' }, t('cycle.none'));
  return el('section', { class: 'rl-editor', 'aria-labelledby': 'cycle-editor-title', id: 'cycle-editor' },
    el('h3', { class: 'kern-heading-medium', id: 'cycle-editor-title' }, t('cycle.title')),
    status,
    el('div', { class: 'rl-grid-2' },
      el('div', {},
        el('h4', { class: 'kern-heading-small' }, t('cycle.add')),
        addForm(enc, onChange, status)),
      el('div', {},
        el('h4', { class: 'kern-heading-small' }, t('cycle.existing')),
        list)));
}
