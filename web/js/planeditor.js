// The owner's release-plan editor on the solution page: publish a planned
// release, move a planned date, mark a planned release as released. A
// refused change shows the server's message at the field it names, and
// the form keeps what was typed.

import { t } from './i18n.js';
import { post, patch } from './api.js';
import { el } from './dom.js';
import { group, input, textarea, select, FormErrors } from './forms.js';

const FIELDS = { version: 'rp-version', cycle: 'rp-cycle', planned_date: 'rp-date', notes: 'rp-notes' };

function today() {
  return new Date().toISOString().slice(0, 10);
}

function addForm(cycles) {
  const newest = [...cycles].sort((a, b) => (b.release_date || '').localeCompare(a.release_date || ''));
  return el('form', { class: 'rl-form', id: 'plan-form', novalidate: true },
    group('rp-version', t('plan.version'),
      input('rp-version', 'version', { required: true, autocomplete: 'off', maxlength: 64 }),
      { hint: t('plan.version.hint') }),
    group('rp-cycle', t('plan.cycle'), select('rp-cycle', 'cycle',
      [['', t('plan.cycle.none')], ...newest.map((c) => [c.name, c.name])])),
    group('rp-date', t('plan.date'), input('rp-date', 'planned_date', { type: 'date', required: true })),
    group('rp-notes', t('plan.notes'), textarea('rp-notes', 'notes', { rows: 3 }), { optional: true }),
    el('button', { class: 'kern-btn kern-btn--primary', type: 'submit', id: 'rp-submit' },
      el('span', { class: 'kern-label' }, t('plan.submit'))));
}

// One planned release: move its date, or mark it released today.
function plannedItem(enc, r, onChange) {
  const dateId = `rp-move-${r.id}`;
  const status = el('div', { class: 'rl-card-error', id: `${dateId}-status`, tabindex: '-1' });
  const row = el('div', { class: 'rl-inline-form' },
    group(dateId, t('plan.move.label', { v: r.version }),
      input(dateId, 'planned_date', { type: 'date', value: r.planned_date || '' })),
    el('button', {
      type: 'button', class: 'kern-btn kern-btn--secondary', 'data-action': 'move',
      'aria-label': t('plan.move.button', { v: r.version }),
      onclick: () => act({ planned_date: row.querySelector(`#${dateId}`).value || null },
        t('plan.moved', { v: r.version })),
    }, el('span', { class: 'kern-label' }, t('plan.move'))),
    el('button', {
      type: 'button', class: 'kern-btn kern-btn--secondary', 'data-action': 'release',
      'aria-label': t('plan.release.label', { v: r.version }),
      onclick: () => act({ status: 'released', date: today() }, t('plan.released', { v: r.version })),
    }, el('span', { class: 'kern-label' }, t('plan.release'))));
  const errors = new FormErrors(row, { planned_date: dateId, date: dateId }, status);
  async function act(change, message) {
    errors.clear();
    try {
      await patch(`/solutions/${enc}/releases/${r.id}`, change, r.rev);
    } catch (e) {
      errors.fail(e);
      return;
    }
    await onChange(message, 'rp-status');
  }
  return el('li', { 'data-planned': r.version },
    el('p', { class: 'kern-body kern-body--bold' }, r.version, r.cycle ? ` (${r.cycle})` : ''),
    row, status);
}

// onChange(message, statusId): reload and redraw the lifecycle sections,
// then say message in the status element statusId.
export function planEditor(slug, releases, cycles, onChange) {
  const status = el('div', { id: 'rp-status', tabindex: '-1' });
  const enc = encodeURIComponent(slug);
  const form = addForm(cycles);
  const errors = new FormErrors(form, FIELDS, status);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const val = (id) => form.querySelector(`#${id}`).value.trim();
    const body = { version: val('rp-version'), status: 'planned', planned_date: val('rp-date') };
    if (val('rp-cycle')) body.cycle = val('rp-cycle');
    if (val('rp-notes')) body.notes = val('rp-notes');
    if (!body.version) {
      errors.show('version', t('plan.version.missing'));
      return;
    }
    if (!body.planned_date) {
      errors.show('planned_date', t('plan.date.missing'));
      return;
    }
    try {
      await post(`/solutions/${enc}/releases`, body);
    } catch (e) {
      errors.fail(e);
      return;
    }
    await onChange(t('plan.added', { v: body.version }), 'rp-status');
  });

  const planned = releases.filter((r) => r.status === 'planned')
    .sort((a, b) => (a.planned_date || '').localeCompare(b.planned_date || ''));
  const plannedList = planned.length
    ? el('ul', { class: 'rl-planned' }, planned.map((r) => plannedItem(enc, r, onChange)))
    : el('p', { class: 'kern-body' }, t('plan.none'));

  return el('section', { class: 'rl-editor', 'aria-labelledby': 'plan-title', id: 'plan' },
    el('h3', { class: 'kern-heading-medium', id: 'plan-title' }, t('plan.title')),
    status,
    el('div', { class: 'rl-grid-2' },
      el('div', {},
        el('h4', { class: 'kern-heading-small' }, t('plan.add')),
        form),
      el('div', {},
        el('h4', { class: 'kern-heading-small' }, t('plan.planned')),
        plannedList)));
}
