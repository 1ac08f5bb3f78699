// An adopter reports what reuse cost: one of its organisation's adoptions,
// the period, the amounts in euros (typed as "1.234,56"), its own effort
// in person-days and the day rate, and what building it alone would have
// cost. The savings, totals and payback appear while typing, worked out
// in integer cents exactly as the server does; after saving, the panel
// shows the server's own figures.

import { t, label, fmtEuro } from './i18n.js';
import { getAll, post } from './api.js';
import { el, alertBox, param } from './dom.js';
import { startPage, announce } from './page.js';
import {
  group, fieldset, input, textarea, select, checkbox, FormErrors, formData,
  parseHundredths, deriveCosts, paybackText, MAX_EXACT, backLink, done,
} from './forms.js';

const MONEY = ['one_off', 'operating', 'contributions', 'licence', 'build_alone'];

// API field -> group id
const FIELDS = {
  adoption: 'cr-adoption',
  period_start: 'cr-start',
  period_end: 'cr-end',
  one_off_cents: 'cr-one_off',
  operating_cents: 'cr-operating',
  contributions_cents: 'cr-contributions',
  licence_cents: 'cr-licence',
  build_alone_cents: 'cr-build_alone',
  own_effort_days: 'cr-days',
  day_rate_cents: 'cr-rate',
  public: 'cr-public',
  notes: 'cr-notes',
};

const FIGURES = [
  ['own_effort_cents', 'costs.own_effort'],
  ['one_off_total_cents', 'costs.one_off_total'],
  ['recurring_cents', 'costs.recurring'],
  ['total_cents', 'costs.total'],
  ['savings_cents', 'costs.savings'],
  ['payback_months', 'costs.payback'],
];

let defaultRate = 80000n;

// The configured day rate shows in reports that name none.
async function learnDefaultRate() {
  try {
    const items = await getAll('/cost-reports?limit=100', 1);
    const plain = items.find((c) => c.day_rate_cents === undefined && c.derived);
    if (plain) defaultRate = BigInt(plain.derived.day_rate_cents);
  } catch {
    /* the documented default stays */
  }
}

// The organisation's adoptions, across the catalogue.
async function ownAdoptions(org) {
  const sols = await getAll('/solutions?limit=500');
  const lists = await Promise.all(sols.map((s) =>
    getAll(`/solutions/${encodeURIComponent(s.slug)}/adoptions?organisation=${encodeURIComponent(org)}&limit=100`)
      .then((items) => items.map((a) => ({ ...a, solution: s.slug, solutionName: s.name })))
      .catch(() => [])));
  return lists.flat().sort((a, b) => a.solutionName.localeCompare(b.solutionName, 'de'));
}

function moneyInput(name) {
  return input(`cr-${name}`, `${name}_cents`, { inputmode: 'decimal', autocomplete: 'off',
    class: 'kern-form-input__input rl-amount' });
}

function buildForm(adoptions, slug) {
  const chosen = adoptions.find((a) => a.solution === slug);
  const form = el('form', { class: 'rl-form', id: 'cost-form', novalidate: true },
    group('cr-adoption', t('costs.adoption'),
      select('cr-adoption', 'adoption', [
        ['', t('form.choose'), !chosen],
        ...adoptions.map((a) => [String(a.id),
          t('costs.adoption.option', { solution: a.solutionName, status: label('adoption', a.status) }),
          chosen && chosen.id === a.id]),
      ], { required: true }),
      { hint: t('costs.adoption.hint') }),
    fieldset('cr-period', t('costs.period'), [
      group('cr-start', t('costs.period_start'),
        input('cr-start', 'period_start', { type: 'date', required: true })),
      group('cr-end', t('costs.period_end'),
        input('cr-end', 'period_end', { type: 'date', required: true })),
    ], { horizontal: true, errors: false }),
    fieldset('cr-money', t('costs.money'), [
      group('cr-one_off', t('costs.one_off'), moneyInput('one_off'), { optional: true }),
      group('cr-operating', t('costs.operating'), moneyInput('operating'), { optional: true }),
      group('cr-contributions', t('costs.contributions'), moneyInput('contributions'), { optional: true }),
      group('cr-licence', t('costs.licence'), moneyInput('licence'), { optional: true }),
      group('cr-build_alone', t('costs.build_alone'), moneyInput('build_alone'),
        { hint: t('costs.build_alone.hint'), optional: true }),
    ], { hint: t('costs.money.hint'), errors: false }),
    fieldset('cr-effort', t('costs.effort'), [
      group('cr-days', t('costs.days'),
        input('cr-days', 'own_effort_days', { inputmode: 'decimal', autocomplete: 'off',
          class: 'kern-form-input__input rl-amount' }),
        { hint: t('costs.days.hint'), optional: true }),
      group('cr-rate', t('costs.day_rate'),
        input('cr-rate', 'day_rate_cents', { inputmode: 'decimal', autocomplete: 'off',
          class: 'kern-form-input__input rl-amount' }),
        { hint: t('costs.day_rate.hint', { rate: fmtEuro(defaultRate) }), optional: true }),
    ], { errors: false }),
    checkbox('cr-public', 'public', t('costs.public'), { checked: true, hint: t('costs.public.hint') }),
    group('cr-notes', t('costs.notes'), textarea('cr-notes', 'notes', { rows: 3 }), { optional: true }),
    el('button', { class: 'kern-btn kern-btn--primary', type: 'submit', id: 'cr-submit' },
      el('span', { class: 'kern-label' }, t('costs.submit'))));
  return form;
}

function figuresPanel() {
  return el('section', { class: 'rl-figures', id: 'cost-figures', 'aria-labelledby': 'cost-figures-title' },
    el('h2', { class: 'kern-heading-small', id: 'cost-figures-title' }, t('costs.figures')),
    el('p', { class: 'kern-body kern-body--small', id: 'cost-figures-state', 'data-state': 'live' },
      t('costs.figures.live')),
    el('dl', { class: 'rl-figures__list' }, FIGURES.map(([key, labelKey]) => [
      el('dt', {}, t(labelKey)),
      el('dd', { id: `fig-${key}`, 'data-figure': key }, '–'),
    ])));
}

// Fills the panel from derived figures (BigInt or numbers; null: unknown).
function showFigures(d, state) {
  for (const [key] of FIGURES) {
    const dd = document.getElementById(`fig-${key}`);
    if (!d) {
      dd.textContent = '–';
      delete dd.dataset.value;
      dd.classList.remove('rl-negative');
      continue;
    }
    const v = d[key];
    if (key === 'payback_months') {
      dd.textContent = paybackText(v);
      dd.dataset.value = v === null || v === undefined ? 'none' : String(v);
    } else {
      dd.textContent = fmtEuro(v);
      dd.dataset.value = String(v);
      dd.classList.toggle('rl-negative', BigInt(v) < 0n);
    }
  }
  const p = document.getElementById('cost-figures-state');
  p.dataset.state = state;
  p.textContent = t({ live: 'costs.figures.live', saved: 'costs.figures.saved',
    incomplete: 'costs.figures.incomplete' }[state]);
  const panel = document.getElementById('cost-figures');
  panel.dataset.state = state;
}

// Reads the amounts; {values} when every one can be read, else {bad}
// listing the group ids that cannot, with their messages.
function readAmounts(form) {
  const values = {};
  const bad = [];
  const read = (id, key, invalidKey) => {
    const r = parseHundredths(form.querySelector(`#${id}`).value);
    if (r.error) bad.push([id, t(invalidKey)]);
    else if (!r.empty && r.value > MAX_EXACT) bad.push([id, t('costs.too_large')]);
    else values[key] = r.empty ? null : r.value;
  };
  for (const m of MONEY) read(`cr-${m}`, m, 'costs.euro.invalid');
  read('cr-days', 'days', 'costs.days.invalid');
  read('cr-rate', 'rate', 'costs.euro.invalid');
  return { values, bad };
}

function derive(values) {
  const n = (v) => (v === null || v === undefined ? 0n : v);
  return deriveCosts({
    one_off: n(values.one_off),
    operating: n(values.operating),
    contributions: n(values.contributions),
    licence: n(values.licence),
    build_alone: n(values.build_alone),
    effort_centidays: n(values.days),
    day_rate: values.rate === null || values.rate === undefined ? defaultRate : values.rate,
  });
}

function saved(box, report, adoption) {
  const slug = report.solution || (adoption && adoption.solution);
  const msg = t('costs.saved', { savings: fmtEuro(report.derived.savings_cents) });
  const node = done(box, msg, [
    ['/reports.html', t('costs.to_reports'), 'primary'],
    slug ? [`/solution.html?slug=${encodeURIComponent(slug)}`, t('costs.to_solution')] : null,
    [location.pathname + location.search, t('costs.another'), 'tertiary'],
  ].filter(Boolean));
  node.dataset.report = report.id;
  announce(msg);
}

async function main() {
  const s = await startPage('costs');
  const box = document.getElementById('form-box');
  const slug = param('slug');
  backLink(slug);
  const loaded = await formData(box, ['adopter'],
    () => Promise.all([ownAdoptions(s.organisation), learnDefaultRate()]));
  if (!loaded) return;
  const [adoptions] = loaded;
  if (!adoptions.length) {
    box.append(alertBox('info', t('costs.none')));
    document.body.dataset.ready = 'true';
    return;
  }
  const status = el('div', { id: 'cr-status', tabindex: '-1' });
  const form = buildForm(adoptions, slug);
  const layout = el('div', { class: 'rl-costs' },
    el('div', {}, status, form),
    el('aside', { class: 'rl-costs__aside' }, figuresPanel()));
  box.append(layout);
  const errors = new FormErrors(form, FIELDS, status);

  // The panel follows every keystroke; screen readers hear the savings
  // once the typing pauses.
  let pause = null;
  const update = () => {
    const { values, bad } = readAmounts(form);
    const d = bad.length ? null : derive(values);
    showFigures(d, d ? 'live' : 'incomplete');
    return d;
  };
  form.addEventListener('input', () => {
    const d = update();
    clearTimeout(pause);
    if (d) pause = setTimeout(() => announce(`${t('costs.savings')}: ${fmtEuro(d.savings_cents)}`), 1500);
  });
  // A value that cannot be read is pointed out when the field is left,
  // and its message goes once it can be read.
  form.addEventListener('change', (ev) => {
    const id = ev.target.id;
    if (!/^cr-(one_off|operating|contributions|licence|build_alone|days|rate)$/.test(id)) return;
    const mine = readAmounts(form).bad.find(([g]) => g === id);
    if (mine) errors.show(id, mine[1], { focus: false });
    else errors.hide(id);
  });
  update();

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const val = (id) => form.querySelector(`#${id}`).value.trim();
    const problems = [];
    if (!val('cr-adoption')) problems.push(['cr-adoption', t('costs.adoption.missing')]);
    if (!val('cr-start')) problems.push(['cr-start', t('costs.date.missing')]);
    if (!val('cr-end')) problems.push(['cr-end', t('costs.date.missing')]);
    const { values, bad } = readAmounts(form);
    problems.push(...bad);
    if (problems.length) {
      // every problem at its field; the first one gets the focus
      problems.forEach(([g, m], i) => errors.show(g, m, { focus: i === 0 }));
      return;
    }
    const body = {
      adoption: Number(val('cr-adoption')),
      period_start: val('cr-start'),
      period_end: val('cr-end'),
      public: form.querySelector('#cr-public').checked,
    };
    for (const m of MONEY)
      if (values[m] !== null) body[`${m}_cents`] = Number(values[m]);
    if (values.days !== null) body.own_effort_days = Number(values.days) / 100;
    if (values.rate !== null) body.day_rate_cents = Number(values.rate);
    if (val('cr-notes')) body.notes = val('cr-notes');
    const button = form.querySelector('#cr-submit');
    button.disabled = true;
    let report;
    try {
      clearTimeout(pause);
      report = await post('/cost-reports', body);
    } catch (e) {
      button.disabled = false;
      errors.fail(e);
      return;
    }
    showFigures(report.derived, 'saved');
    saved(form.parentNode, report, adoptions.find((a) => a.id === body.adoption));
  });
  document.body.dataset.ready = 'true';
}

main();
