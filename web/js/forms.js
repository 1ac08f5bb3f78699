// What the adopters' forms share: KERN form groups whose error box sits at
// the field (aria-invalid, aria-describedby), the server's refusals shown
// at the field they name, a clear message when the server is not reached,
// the gate that shows a form only to roles that may send it, and the exact
// arithmetic of money (integer cents as BigInt, parsed from the digits,
// never through floating point).

import { t, label, lang } from './i18n.js';
import { ApiError, currentSession, describeError } from './api.js';
import { el, clear, alertBox } from './dom.js';

// ---- form groups ----------------------------------------------------------

function errorBox(id) {
  return el('div', { class: 'kern-error', id: `${id}-error`, hidden: true },
    el('span', { class: 'kern-icon kern-icon--danger kern-icon--default', 'aria-hidden': 'true' }),
    el('span', { class: 'kern-body', id: `${id}-error-text` }));
}

function optionalMark(optional) {
  return optional ? [' ', el('span', { class: 'kern-label__optional' }, t('form.optional'))] : null;
}

// A labelled control: control must carry id; its hint id is remembered in
// data-hint so that errors can be added to and taken from aria-describedby.
export function group(id, labelText, control, { hint, optional = false } = {}) {
  const hintId = hint ? `${id}-hint` : null;
  const target = control.matches('input, select, textarea')
    ? control : control.querySelector('input, select, textarea');
  if (hintId) {
    target.dataset.hint = hintId;
    target.setAttribute('aria-describedby', hintId);
  }
  return el('div', { class: 'kern-form-input', id: `${id}-group`, 'data-group': id },
    el('label', { class: 'kern-label', for: id }, labelText, optionalMark(optional)),
    hint ? el('div', { class: 'kern-hint', id: hintId }, hint) : null,
    errorBox(id),
    control);
}

// A fieldset of radio buttons, or (errors: false) a frame around several
// groups that have their own error boxes.
export function fieldset(id, legendText, body,
  { hint, horizontal = false, optional = false, errors = true } = {}) {
  const hintId = hint ? `${id}-hint` : null;
  return el('fieldset', {
    class: 'kern-fieldset', id: `${id}-group`, 'data-group': errors ? id : null,
    'data-fieldset': 'true', 'data-hint': hintId, 'aria-describedby': hintId,
  },
  el('legend', { class: 'kern-label' }, legendText, optionalMark(optional)),
  hint ? el('div', { class: 'kern-hint', id: hintId }, hint) : null,
  errors ? errorBox(id) : null,
  el('div', { class: `kern-fieldset__body${horizontal ? ' kern-fieldset__body--horizontal' : ''}` }, body));
}

export function input(id, name, attrs = {}) {
  return el('input', { class: 'kern-form-input__input', id, name, type: 'text', ...attrs });
}

export function textarea(id, name, attrs = {}) {
  return el('textarea', { class: 'kern-form-input__input', id, name, rows: 4, ...attrs });
}

export function select(id, name, options, attrs = {}) {
  return el('div', { class: 'kern-form-input__select-wrapper' },
    el('select', { class: 'kern-form-input__select', id, name, ...attrs },
      options.map(([value, text, selected]) => el('option', { value, selected: !!selected }, text))));
}

export function checkbox(id, name, labelText, { checked = false, hint } = {}) {
  const hintId = hint ? `${id}-hint` : null;
  return el('div', { class: 'rl-check', id: `${id}-group`, 'data-group': id },
    el('div', { class: 'kern-form-check' },
      el('input', {
        class: 'kern-form-check__checkbox', type: 'checkbox', id, name, checked,
        'aria-describedby': hintId, 'data-hint': hintId,
      }),
      el('label', { class: 'kern-label', for: id }, labelText)),
    hint ? el('div', { class: 'kern-hint rl-check__hint', id: hintId }, hint) : null);
}

// ---- errors at the field --------------------------------------------------

// fields: the API's field names mapped to group ids of this form. The
// status element takes messages that belong to no field.
export class FormErrors {
  constructor(form, fields, status) {
    this.form = form;
    this.fields = fields;
    this.status = status;
  }

  controls(groupId) {
    const g = this.form.querySelector(`#${groupId}-group`);
    return g ? [...g.querySelectorAll('input, select, textarea')] : [];
  }

  clear() {
    clear(this.status);
    for (const g of this.form.querySelectorAll('[data-group]')) this.hide(g.dataset.group);
  }

  // Takes the error of one group away.
  hide(id) {
    const g = this.form.querySelector(`#${id}-group`);
    const box = g && g.querySelector(`#${id}-error`);
    if (!box) return;
    box.hidden = true;
    g.classList.remove('kern-form-input--error', 'kern-fieldset--error');
    const controls = this.controls(id);
    for (const c of controls) {
      c.removeAttribute('aria-invalid');
      c.classList.remove('kern-form-input__input--error', 'kern-form-input__select--error',
        'kern-form-check__radio--error');
    }
    for (const c of g.dataset.fieldset ? [g] : controls) {
      if (c.dataset.hint) c.setAttribute('aria-describedby', c.dataset.hint);
      else c.removeAttribute('aria-describedby');
    }
  }

  // Shows message at the group of an API field name (or a group id);
  // false when the form has no such field.
  show(field, message, { focus = true } = {}) {
    const base = String(field || '').replace(/[[.].*$/, '');
    const id = this.fields[base] || (this.form.querySelector(`#${base}-group`) ? base : null);
    if (!id) return false;
    const g = this.form.querySelector(`#${id}-group`);
    const box = g.querySelector(`#${id}-error`);
    if (!box) return false;
    g.querySelector(`#${id}-error-text`).textContent = message;
    box.hidden = false;
    const fs = !!g.dataset.fieldset;
    g.classList.add(fs ? 'kern-fieldset--error' : 'kern-form-input--error');
    const controls = this.controls(id);
    for (const c of controls) {
      c.setAttribute('aria-invalid', 'true');
      if (c.type === 'radio') c.classList.add('kern-form-check__radio--error');
      else if (c.tagName === 'SELECT') c.classList.add('kern-form-input__select--error');
      else c.classList.add('kern-form-input__input--error');
    }
    for (const c of fs ? [g] : controls)
      c.setAttribute('aria-describedby', `${c.dataset.hint || ''} ${id}-error`.trim());
    if (focus && controls.length)
      (controls.find((c) => c.checked) || controls[0]).focus();
    return true;
  }

  // A refusal or a failure of a submit: at its field if the form has it,
  // else above the form; a network failure says that nothing was lost.
  fail(e) {
    if (e instanceof ApiError && !e.network && e.field && this.show(e.field, e.describe()))
      return;
    const msg = describeError(e);
    const lost = !(e instanceof ApiError) || e.network ? ` ${t('form.kept')}` : '';
    clear(this.status).append(alertBox('danger', msg + lost));
    this.status.focus();
  }
}

// ---- who may use a form ---------------------------------------------------

// True if the signed-in role is one of roles; else explains in box why
// there is no form (sign in, or another role) and returns false.
export function gate(box, roles) {
  const s = currentSession();
  if (!s.signed_in) {
    const next = encodeURIComponent(location.pathname + location.search);
    box.append(alertBox('info', t('form.signin'), ' ',
      el('a', { class: 'kern-link', href: `/signin.html?next=${next}` }, t('form.signin.link'))));
    return false;
  }
  if (s.role !== 'admin' && !roles.includes(s.role)) {
    box.append(alertBox('info', t('form.role', { role: label('role', s.role) })));
    return false;
  }
  return true;
}

// What a form page needs before it shows its form: the signed-in role
// must be one of roles (else gate() explains), then load() gives the data
// the form offers. Either failing leaves the reason in box, marks the page
// ready and gives null.
export async function formData(box, roles, load) {
  try {
    if (gate(box, roles)) return await load();
  } catch (e) {
    box.append(alertBox('danger', describeError(e)));
  }
  document.body.dataset.ready = 'true';
  return null;
}

// ---- money and effort -----------------------------------------------------

// German "1.234,56" (or English "1,234.56" when English is chosen); a
// plain "1234,5" works too. Returns {value: BigInt hundredths} for text,
// {empty: true} for nothing, {error} for what cannot be read.
export function parseHundredths(text, language = lang) {
  const s = String(text ?? '').replace(/[\s\u00a0\u202f€]/g, '');
  if (!s) return { empty: true };
  const [group, dec] = language === 'en' ? [',', '.'] : ['.', ','];
  const g = group === '.' ? '\\.' : group;
  const d = dec === '.' ? '\\.' : dec;
  const re = new RegExp(`^(\\d{1,3}(?:${g}\\d{3})+|\\d+)(?:${d}(\\d{1,2}))?$`);
  const m = re.exec(s);
  if (!m) return { error: 'format' };
  const whole = BigInt(m[1].split(group).join(''));
  const frac = BigInt((m[2] || '').padEnd(2, '0'));
  return { value: whole * 100n + frac };
}

// JSON carries numbers; integers beyond 2^53 cannot travel exactly.
export const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

// The derived figures of a cost report, exactly as the server works them
// out (core/domain/costs.h), in integer cents:
//   own effort = effort days x day rate (rounded half up to the cent)
//   one-off total = one-off + own effort; recurring = operating +
//   contributions + licence; total = one-off total + recurring;
//   savings = building alone - total; payback months = one-off total
//   over the yearly advantage (building alone - recurring), x 12,
//   rounded up; none without an advantage.
export function deriveCosts({ one_off = 0n, operating = 0n, contributions = 0n, licence = 0n,
  build_alone = 0n, effort_centidays = 0n, day_rate }) {
  const own = (effort_centidays * day_rate + 50n) / 100n;
  const oneOffTotal = one_off + own;
  const recurring = operating + contributions + licence;
  const total = oneOffTotal + recurring;
  const savings = build_alone - total;
  const advantage = build_alone - recurring;
  let payback = null;
  if (advantage > 0n)
    payback = oneOffTotal === 0n ? 0n : (oneOffTotal * 12n + advantage - 1n) / advantage;
  return {
    day_rate_cents: day_rate,
    own_effort_cents: own,
    one_off_total_cents: oneOffTotal,
    recurring_cents: recurring,
    total_cents: total,
    savings_cents: savings,
    payback_months: payback,
  };
}

export function paybackText(months) {
  if (months === null || months === undefined) return t('costs.payback.never');
  const n = Number(months);
  if (n === 0) return t('costs.payback.now');
  return n === 1 ? t('costs.payback.month1') : t('costs.payback.months', { n });
}

// ---- pieces of several forms ----------------------------------------------

// The catalogue's solutions as a select, slug chosen.
export function solutionSelect(id, solutions, slug) {
  const known = solutions.some((s) => s.slug === slug);
  return select(id, 'solution', [
    ['', t('form.choose'), !known],
    ...[...solutions].sort((a, b) => a.name.localeCompare(b.name, 'de'))
      .map((s) => [s.slug, s.name, s.slug === slug]),
  ], { required: true });
}

// Shows the back link to the solution the form was opened from.
export function backLink(slug) {
  if (!slug) return;
  document.getElementById('back').hidden = false;
  document.getElementById('back-link').href = `/solution.html?slug=${encodeURIComponent(slug)}`;
}

// Replaces box with a success message and links [href, text, kind];
// the focus moves to the message.
export function done(box, message, links) {
  const node = el('div', { id: 'form-saved', tabindex: '-1' },
    alertBox('success', message),
    el('div', { class: 'rl-moves' }, links.map(([href, text, kind = 'secondary']) =>
      el('a', { class: `kern-btn kern-btn--${kind}`, href },
        el('span', { class: 'kern-label' }, text)))));
  clear(box).append(node);
  node.focus();
  return node;
}
