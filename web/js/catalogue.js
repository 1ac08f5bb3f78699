// The catalogue: full-text search with facet filters, and entry by the
// problem to solve or by category. The URL carries the search (q and
// facet parameters), so every result list can be bookmarked and shared.

import { t, label } from './i18n.js';
import { get, organisations, orgName, describeError } from './api.js';
import { el, clear, alertBox } from './dom.js';
import { maturityBadge, qualityBadges } from './badges.js';
import { startPage, announce } from './page.js';

const FACETS = ['maturity', 'problem', 'category', 'target_group', 'standard',
  'licence', 'state', 'process'];
const SHOWN = 6; // facet values shown before "show all"

const state = { q: '', filters: new Map(), next: null, expanded: new Set() };
let orgs = null;

function readUrl() {
  const p = new URLSearchParams(location.search);
  state.q = p.get('q') || '';
  state.filters = new Map();
  for (const f of FACETS) {
    const values = p.getAll(f);
    if (values.length) state.filters.set(f, new Set(values));
  }
}

function query() {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  for (const [f, values] of state.filters)
    for (const v of values) p.append(f, v);
  return p;
}

function writeUrl() {
  const qs = query().toString();
  history.pushState(null, '', qs ? `${location.pathname}?${qs}` : location.pathname);
}

function countText(n) {
  return n === 1 ? t('cat.count.solution') : t('cat.count.solutions', { n });
}

function facetValueLabel(facet, value) {
  return facet === 'maturity' ? label('maturity', value) : value;
}

// Links that narrow the search to one problem or category.
async function renderEntry() {
  const [problems, categories] = await Promise.all([
    get('/problems').catch(() => ({ items: [] })),
    get('/categories').catch(() => ({ items: [] })),
  ]);
  const link = (facet, value, n) => {
    const href = `${location.pathname}?${new URLSearchParams({ [facet]: value })}`;
    return el('li', {},
      el('a', {
        class: 'kern-link', href, 'data-facet': facet, 'data-value': value,
        onclick: (ev) => {
          ev.preventDefault();
          state.q = '';
          document.getElementById('q').value = '';
          state.filters = new Map([[facet, new Set([value])]]);
          writeUrl();
          search({ focusResults: true });
        },
      }, value),
      ' ', el('span', { class: 'rl-count' }, `(${countText(n)})`));
  };
  const pl = clear(document.getElementById('problems'));
  for (const p of problems.items) pl.append(link('problem', p.problem, p.solutions));
  const cl = clear(document.getElementById('categories'));
  for (const c of categories.items) cl.append(link('category', c.category, c.solutions));
}

function renderFacets(facets) {
  const box = clear(document.getElementById('facets'));
  for (const f of FACETS) {
    const selected = state.filters.get(f) || new Set();
    const values = [...(facets[f] || [])];
    // A chosen value stays visible (and can be unchosen) even at count 0.
    for (const v of selected)
      if (!values.some((x) => x.value === v)) values.unshift({ value: v, count: 0 });
    if (values.length === 0) continue;
    values.sort((a, b) => (selected.has(b.value) - selected.has(a.value)));
    const all = state.expanded.has(f);
    const shown = all ? values : values.slice(0, Math.max(SHOWN, selected.size));
    const legendId = `facet-${f}-legend`;
    const body = el('div', { class: 'kern-fieldset__body' });
    shown.forEach((v, i) => {
      const id = `facet-${f}-${i}`;
      body.append(el('div', { class: 'kern-form-check' },
        el('input', {
          class: 'kern-form-check__checkbox', type: 'checkbox', id,
          'data-facet': f, 'data-value': v.value,
          checked: selected.has(v.value),
          onchange: (ev) => toggleFilter(f, v.value, ev.target.checked),
        }),
        el('label', { class: 'kern-label', for: id },
          facetValueLabel(f, v.value), ' ',
          el('span', { class: 'rl-count' }, `(${v.count})`))));
    });
    const fs = el('fieldset', { class: 'kern-fieldset rl-facet', 'data-facet': f },
      el('legend', { class: 'kern-label', id: legendId }, t(`facet.${f}`)), body);
    if (values.length > shown.length || all) {
      fs.append(el('button', {
        type: 'button', class: 'kern-btn kern-btn--tertiary kern-btn--x-small',
        'aria-expanded': all ? 'true' : 'false',
        onclick: () => {
          if (all) state.expanded.delete(f);
          else state.expanded.add(f);
          renderFacets(facets);
          const again = document.querySelector(`fieldset[data-facet="${f}"] button[aria-expanded]`);
          if (again) again.focus();
        },
      }, el('span', { class: 'kern-label' },
        all ? t('facet.less') : t('facet.more', { n: values.length }))));
    }
    box.append(fs);
  }
}

function renderActive() {
  const box = clear(document.getElementById('active-filters'));
  const chips = [];
  for (const [f, values] of state.filters)
    for (const v of values)
      chips.push(el('li', {},
        el('button', {
          type: 'button', class: 'kern-btn kern-btn--secondary kern-btn--x-small',
          'aria-label': t('cat.remove', { value: `${t(`facet.${f}`)}: ${facetValueLabel(f, v)}` }),
          onclick: () => toggleFilter(f, v, false, true),
        },
        el('span', { class: 'kern-label' }, `${t(`facet.${f}`)}: ${facetValueLabel(f, v)}`),
        el('span', { class: 'kern-icon kern-icon--close kern-icon--small', 'aria-hidden': 'true' }))));
  if (!chips.length) return;
  box.append(el('div', { class: 'rl-active' },
    el('p', { class: 'kern-label', id: 'active-label' }, t('cat.active')),
    el('ul', { class: 'rl-chips', 'aria-labelledby': 'active-label' }, chips),
    el('a', {
      class: 'kern-link', href: location.pathname,
      onclick: (ev) => {
        ev.preventDefault();
        state.filters = new Map();
        writeUrl();
        search({ focusResults: true });
      },
    }, t('cat.filters.reset'))));
}

function resultItem(s) {
  const href = `/solution.html?slug=${encodeURIComponent(s.slug)}`;
  return el('li', { class: 'rl-cards__item' },
    el('article', { class: 'kern-card kern-card--small rl-result', 'data-slug': s.slug },
      el('div', { class: 'kern-card__container' },
        el('div', { class: 'kern-card__header' },
          el('h3', { class: 'kern-title' },
            el('a', { class: 'kern-link', href }, s.name)),
          el('p', { class: 'kern-subline' }, t('result.owner', { owner: orgName(orgs, s.owner) }))),
        el('div', { class: 'kern-card__body' },
          el('p', { class: 'kern-body' }, s.summary || '')),
        el('div', { class: 'kern-card__footer rl-badges' },
          maturityBadge(s.maturity),
          qualityBadges(s.completeness, s.freshness)))));
}

function renderLessons(lessons) {
  const box = clear(document.getElementById('lessons'));
  if (!lessons || !lessons.length) return;
  box.append(el('h3', { class: 'kern-heading-small' }, t('cat.lessons.title')),
    el('ul', { class: 'rl-lessons' }, lessons.map((l) =>
      el('li', {},
        el('a', {
          class: 'kern-link',
          href: `/solution.html?slug=${encodeURIComponent(l.solution)}#lessons`,
        }, l.title),
        ' – ', el('span', { class: 'kern-body kern-body--small' }, l.excerpt || '')))));
}

function renderMore() {
  const box = clear(document.getElementById('more'));
  if (!state.next) return;
  box.append(el('button', {
    type: 'button', class: 'kern-btn kern-btn--secondary', id: 'more-button',
    onclick: () => search({ append: true }),
  }, el('span', { class: 'kern-label' }, t('cat.results.more'))));
}

async function toggleFilter(facet, value, on, fromChip = false) {
  const set = state.filters.get(facet) || new Set();
  if (on) set.add(value);
  else set.delete(value);
  if (set.size) state.filters.set(facet, set);
  else state.filters.delete(facet);
  writeUrl();
  await search();
  // Keep the keyboard where it was: on the same checkbox after the redraw.
  const box = document.querySelector(
    `input[data-facet="${CSS.escape(facet)}"][data-value="${CSS.escape(value)}"]`);
  if (box && !fromChip) box.focus();
  else document.getElementById('results-title').focus();
}

async function search({ append = false, focusResults = false } = {}) {
  const p = query();
  p.set('limit', '20');
  if (append && state.next) p.set('cursor', state.next);
  const errorBox = clear(document.getElementById('error'));
  const list = document.getElementById('results');
  let d;
  try {
    d = await get(`/search?${p}`);
  } catch (e) {
    errorBox.append(alertBox('danger', describeError(e)));
    return;
  }
  const firstNew = list.children.length;
  if (!append) clear(list);
  for (const s of d.items) list.append(resultItem(s));
  state.next = d.next;
  const count = d.total === 1 ? t('cat.results.count1') : t('cat.results.count', { n: d.total });
  const text = state.q ? `${count} ${t('cat.results.for', { q: state.q })}` : count;
  document.getElementById('result-count').textContent = d.total === 0
    ? `${text}. ${t('cat.results.none')}` : text;
  if (!append) {
    renderFacets(d.facets || {});
    renderActive();
    renderLessons(d.lessons);
  } else {
    // Move to the first newly loaded result, so the keyboard continues there.
    const link = list.children[append ? firstNew : 0]?.querySelector('a');
    if (link) link.focus();
  }
  renderMore();
  if (focusResults) document.getElementById('results-title').focus();
  announce(text);
}

async function main() {
  await startPage('catalogue');
  orgs = await organisations();
  document.getElementById('results-title').setAttribute('tabindex', '-1');
  readUrl();
  document.getElementById('q').value = state.q;
  document.getElementById('search-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.q = document.getElementById('q').value.trim();
    writeUrl();
    search({ focusResults: false });
  });
  window.addEventListener('popstate', () => {
    readUrl();
    document.getElementById('q').value = state.q;
    search();
  });
  await Promise.all([renderEntry(), search()]);
  document.body.dataset.ready = 'true';
}

main();
