// Reports with charts: what reuse saved, over time (by the year a cost
// report's period starts) and per solution, from the savings report; and
// how long roll-ins take to go live, per solution with live roll-ins.
// Every chart has a table beside it with the same figures as text.

import { t, fmtEuro, fmtNumber } from './i18n.js';
import { get, ApiError } from './api.js';
import { el, clear, alertBox, table } from './dom.js';
import { startPage } from './page.js';
import { amountBars, columnChart } from './charts.js';

// A report's rows as objects keyed by its columns.
async function report(name, params) {
  const q = new URLSearchParams({ ...params, format: 'json' });
  const doc = await get(`/reports/${name}?${q}`);
  return doc.rows.map((r) => Object.fromEntries(doc.columns.map((c, i) => [c, r[i]])));
}

function section(id, titleKey, ...content) {
  return el('section', { class: 'rl-section', id, 'aria-labelledby': `${id}-title` },
    el('h2', { class: 'kern-heading-medium', id: `${id}-title` }, t(titleKey)),
    ...content);
}

function money(cents) {
  return el('span', { 'data-cents': cents, class: cents < 0 ? 'rl-negative' : null }, fmtEuro(cents));
}

const MONEY_HEADERS = ['rep.col.reports', 'rep.col.one_off', 'rep.col.recurring', 'rep.col.total',
  'rep.col.build', 'rep.col.savings'];

function moneyCells(r) {
  return [fmtNumber(r.reports), money(r.one_off_total_cents), money(r.recurring_cents),
    money(r.total_cents), money(r.build_alone_cents), money(r.savings_cents)];
}

function csvLink(params) {
  const q = new URLSearchParams({ ...params, format: 'csv' });
  return el('p', { class: 'kern-body kern-body--small' },
    el('a', { class: 'kern-link kern-link--small', href: `/api/v1/reports/savings?${q}`, download: '' },
      t('rep.csv')));
}

// Marks each body row with the key of its record, for links and tests.
function keyRows(tbl, keys) {
  const rows = tbl.querySelectorAll('tbody tr');
  keys.forEach((k, i) => { rows[i].dataset.key = k; });
  return tbl;
}

function unavailable(id, key, e) {
  return section(id, key, alertBox('danger',
    e instanceof ApiError && !e.network ? `${t('rep.unavailable')} ${e.describe()}` : t('error.network')));
}

function byYear(rows) {
  const years = rows.filter((r) => r.year !== null);
  const sum = rows.find((r) => r.year === null);
  if (!years.length) return section('savings-year', 'rep.year', el('p', { class: 'kern-body' }, t('rep.none')));
  const chart = columnChart(t('rep.year.chart'), years.map((r) => ({
    key: r.year, label: r.year, value: r.savings_cents, text: fmtEuro(r.savings_cents),
  })));
  const tbl = keyRows(table(t('rep.year.table'),
    [t('rep.col.year'), ...MONEY_HEADERS.map((k) => t(k))],
    years.map((r) => [r.year, ...moneyCells(r)]),
    { numeric: [1, 2, 3, 4, 5, 6], foot: sum ? [t('rep.sum'), ...moneyCells(sum)] : null }),
  years.map((r) => r.year));
  return section('savings-year', 'rep.year', chart, tbl, csvLink({ group_by: 'year' }));
}

function bySolution(rows) {
  const sols = rows.filter((r) => r.solution !== null)
    .sort((a, b) => b.savings_cents - a.savings_cents);
  const sum = rows.find((r) => r.solution === null);
  if (!sols.length) return section('savings-solution', 'rep.solution', el('p', { class: 'kern-body' }, t('rep.none')));
  const chart = amountBars(t('rep.solution.chart'), sols.map((r) => ({
    key: r.solution, label: r.name || r.solution, value: r.savings_cents, text: fmtEuro(r.savings_cents),
  })));
  const tbl = keyRows(table(t('rep.solution.table'),
    [t('rep.col.solution'), ...MONEY_HEADERS.map((k) => t(k))],
    sols.map((r) => [
      el('a', { class: 'kern-link', href: `/solution.html?slug=${encodeURIComponent(r.solution)}` },
        r.name || r.solution),
      ...moneyCells(r)]),
    { numeric: [1, 2, 3, 4, 5, 6], foot: sum ? [t('rep.sum'), ...moneyCells(sum)] : null }),
  sols.map((r) => r.solution));
  return section('savings-solution', 'rep.solution', chart, tbl, csvLink({ group_by: 'solution' }));
}

// Solutions with live roll-ins, from the adoption report, and each one's
// roll-in statistics.
async function durations() {
  const adoption = await report('adoption', { group_by: 'solution' });
  const live = adoption.filter((r) => r.solution && r.rollins_live > 0);
  const stats = await Promise.all(live.map((r) =>
    get(`/solutions/${encodeURIComponent(r.solution)}/rollin-stats`)
      .then((st) => ({ ...st, name: r.name }))
      .catch(() => null)));
  const rows = stats.filter((st) => st && st.days_to_golive && st.days_to_golive.count)
    .sort((a, b) => a.days_to_golive.median - b.days_to_golive.median);
  if (!rows.length)
    return section('durations', 'rep.durations', el('p', { class: 'kern-body' }, t('rep.durations.none')));
  const days = (n) => t('rep.days', { n: fmtNumber(n, 0) });
  const chart = amountBars(t('rep.durations.chart'), rows.map((st) => ({
    key: st.solution, label: st.name || st.solution, value: st.days_to_golive.median,
    text: days(st.days_to_golive.median),
  })));
  const tbl = keyRows(table(t('rep.durations.table'),
    [t('rep.col.solution'), t('rep.col.golives'), t('rep.col.median'), t('rep.col.range'),
      t('rep.col.min'), t('rep.col.max'), t('rep.col.effort')],
    rows.map((st) => {
      const d = st.days_to_golive;
      const e = st.effort || {};
      return [
        el('a', { class: 'kern-link', href: `/solution.html?slug=${encodeURIComponent(st.solution)}#rollin-stats` },
          st.name || st.solution),
        fmtNumber(d.count), fmtNumber(d.median, 0),
        `${fmtNumber(d.p25, 0)} – ${fmtNumber(d.p75, 0)}`, fmtNumber(d.min, 0), fmtNumber(d.max, 0),
        e.planned_days !== undefined ? `${fmtNumber(e.planned_days, 1)} / ${fmtNumber(e.actual_days, 1)}` : '–',
      ];
    }),
    { numeric: [1, 2, 3, 4, 5, 6] }), rows.map((st) => st.solution));
  return section('durations', 'rep.durations',
    el('p', { class: 'kern-body' }, t('rep.durations.lead')), chart, tbl);
}

function total(rows) {
  const sum = rows.find((r) => r.year === null);
  if (!sum || !sum.reports) return '';
  return el('p', { class: 'kern-body kern-body--large rl-total', id: 'savings-total', 'data-cents': sum.savings_cents },
    t(sum.reports === 1 ? 'rep.total1' : 'rep.total', {
      savings: fmtEuro(sum.savings_cents), n: fmtNumber(sum.reports),
    }));
}

async function main() {
  const s = await startPage('reports');
  const box = document.getElementById('reports');
  const failed = (e) => ({ error: e });
  const [yearRows, solRows, dur] = await Promise.all([
    report('savings', { group_by: 'year' }).catch(failed),
    report('savings', { group_by: 'solution' }).catch(failed),
    durations().catch((e) => unavailable('durations', 'rep.durations', e)),
  ]);
  clear(box).append(
    el('p', { class: 'kern-hint', id: 'scope' }, t(s.signed_in ? 'rep.scope.all' : 'rep.scope.public')),
    yearRows.error ? '' : total(yearRows),
    yearRows.error ? unavailable('savings-year', 'rep.year', yearRows.error) : byYear(yearRows),
    solRows.error ? unavailable('savings-solution', 'rep.solution', solRows.error) : bySolution(solRows),
    dur);
  document.body.dataset.ready = 'true';
}

main();
