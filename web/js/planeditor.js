// The owner's release-plan editor on the solution page: publish a planned
// release, move a planned date, mark a planned release as released. A
// refused change shows the server's message at the field it names, and
// the form keeps what was typed.

import { t } from './i18n.js';
import { post, patch, ApiError } from './api.js';
import { el, clear, alertBox } from './dom.js';
import { announce } from './page.js';

const FIELDS = { version: 'rp-version', cycle: 'rp-cycle', planned_date: 'rp-date', notes: 'rp-notes' };

function today() {
  return new Date().toISOString().slice(0, 10);
}

function input(id, labelKey, control, hintKey) {
  return el('div', { class: 'kern-form-input', id: `${id}-group` },
    el('label', { class: 'kern-label', for: id }, t(labelKey)),
    hintKey ? el('div', { class: 'kern-hint', id: `${id}-hint` }, t(hintKey)) : null,
    el('div', { class: 'kern-error', id: `${id}-error`, hidden: true },
      el('span', { class: 'kern-icon kern-icon--danger kern-icon--default', 'aria-hidden': 'true' }),
      el('span', { class: 'kern-body', id: `${id}-error-text` })),
    control);
}

function clearErrors(form) {
  for (const id of Object.values(FIELDS)) {
    const c = form.querySelector(`#${id}`);
    form.querySelector(`#${id}-error`).hidden = true;
    form.querySelector(`#${id}-group`).classList.remove('kern-form-input--error');
    c.removeAttribute('aria-invalid');
    c.setAttribute('aria-describedby', c.dataset.hint || '');
  }
}

function showFieldError(form, field, message) {
  const id = FIELDS[field];
  if (!id) return false;
  const c = form.querySelector(`#${id}`);
  form.querySelector(`#${id}-error-text`).textContent = message;
  form.querySelector(`#${id}-error`).hidden = false;
  form.querySelector(`#${id}-group`).classList.add('kern-form-input--error');
  c.setAttribute('aria-invalid', 'true');
  c.setAttribute('aria-describedby', `${c.dataset.hint || ''} ${id}-error`.trim());
  c.focus();
  return true;
}

// onChange(message): reload and redraw the releases, then say message.
export function planEditor(slug, releases, cycles, onChange) {
  const status = el('div', { id: 'rp-status', tabindex: '-1' });
  const enc = encodeURIComponent(slug);
  const cycleSelect = el('select', { class: 'kern-form-input__select', id: 'rp-cycle', name: 'cycle' },
    el('option', { value: '' }, t('plan.cycle.none')),
    [...cycles].sort((a, b) => (b.release_date || '').localeCompare(a.release_date || ''))
      .map((c) => el('option', { value: c.name }, c.name)));
  const form = el('form', { class: 'rl-form', id: 'plan-form', novalidate: true },
    input('rp-version', 'plan.version',
      el('input', {
        class: 'kern-form-input__input', id: 'rp-version', name: 'version', required: true,
        autocomplete: 'off', 'data-hint': 'rp-version-hint', 'aria-describedby': 'rp-version-hint',
      }), 'plan.version.hint'),
    input('rp-cycle', 'plan.cycle',
      el('div', { class: 'kern-form-input__select-wrapper' }, cycleSelect)),
    input('rp-date', 'plan.date',
      el('input', {
        class: 'kern-form-input__input', id: 'rp-date', name: 'planned_date', type: 'date', required: true,
      })),
    input('rp-notes', 'plan.notes',
      el('textarea', { class: 'kern-form-input__input', id: 'rp-notes', name: 'notes', rows: 3 })),
    el('button', { class: 'kern-btn kern-btn--primary', type: 'submit', id: 'rp-submit' },
      el('span', { class: 'kern-label' }, t('plan.submit'))));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    clear(status);
    const body = {
      version: form.querySelector('#rp-version').value.trim(),
      status: 'planned',
      planned_date: form.querySelector('#rp-date').value,
    };
    const cycle = form.querySelector('#rp-cycle').value;
    const notes = form.querySelector('#rp-notes').value.trim();
    if (cycle) body.cycle = cycle;
    if (notes) body.notes = notes;
    if (!body.version) {
      showFieldError(form, 'version', t('plan.version.missing'));
      return;
    }
    if (!body.planned_date) {
      showFieldError(form, 'planned_date', t('plan.date.missing'));
      return;
    }
    try {
      await post(`/solutions/${enc}/releases`, body);
    } catch (e) {
      const msg = e instanceof ApiError ? e.describe() : t('error.network');
      if (!(e instanceof ApiError && showFieldError(form, e.field, msg)))
        status.append(alertBox('danger', msg));
      return;
    }
    await onChange(t('plan.added', { v: body.version }), 'rp-status');
  });

  const planned = releases.filter((r) => r.status === 'planned')
    .sort((a, b) => (a.planned_date || '').localeCompare(b.planned_date || ''));
  const plannedList = planned.length ? el('ul', { class: 'rl-planned' }, planned.map((r) => {
    const dateId = `rp-move-${r.id}`;
    const err = el('div', { class: 'rl-card-error', id: `${dateId}-status` });
    const dateInput = el('input', {
      class: 'kern-form-input__input', type: 'date', id: dateId, value: r.planned_date || '',
    });
    const act = async (change, message) => {
      clear(err);
      try {
        await patch(`/solutions/${enc}/releases/${r.id}`, change, r.rev);
      } catch (e) {
        err.append(alertBox('danger', e instanceof ApiError ? e.describe() : t('error.network')));
        return;
      }
      await onChange(message, 'rp-status');
    };
    return el('li', { 'data-planned': r.version },
      el('p', { class: 'kern-body kern-body--bold' }, r.version, r.cycle ? ` (${r.cycle})` : ''),
      el('div', { class: 'rl-inline-form' },
        el('div', { class: 'kern-form-input' },
          el('label', { class: 'kern-label', for: dateId }, t('plan.move.label', { v: r.version })),
          dateInput),
        el('button', {
          type: 'button', class: 'kern-btn kern-btn--secondary', 'data-action': 'move',
          'aria-label': t('plan.move.button', { v: r.version }),
          onclick: () => act({ planned_date: dateInput.value }, t('plan.moved', { v: r.version })),
        }, el('span', { class: 'kern-label' }, t('plan.move'))),
        el('button', {
          type: 'button', class: 'kern-btn kern-btn--secondary', 'data-action': 'release',
          'aria-label': t('plan.release.label', { v: r.version }),
          onclick: () => act({ status: 'released', date: today() }, t('plan.released', { v: r.version })),
        }, el('span', { class: 'kern-label' }, t('plan.release')))),
      err);
  })) : el('p', { class: 'kern-body' }, t('plan.none'));

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
