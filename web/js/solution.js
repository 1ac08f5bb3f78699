// A solution's page: what it is and does, how mature and well kept its
// entry is, its releases and release plan, maintenance cycles, who is
// responsible, who uses it, which checks cover the current version, what
// adopters learned and said, and how long roll-ins typically take.

import { t, label, lang, fmtDate, fmtNumber, fmtPercent, parseDate } from './i18n.js';
import { get, getAll, organisations, orgName, currentSession, mayWrite, ApiError } from './api.js';
import { planEditor } from './planeditor.js';
import { cycleEditor } from './cycleeditor.js';
import { el, clear, badge, alertBox, table, param } from './dom.js';
import { startPage } from './page.js';
import { markdown, sanitize } from './markdown.js';
import { releaseTimeline, cycleChart, barChart, releaseDate } from './charts.js';
import { maturityBadge, qualityBadges } from './badges.js';

let orgs = null;

function section(id, titleKey, ...content) {
  return el('section', { class: 'rl-section', id, 'aria-labelledby': `${id}-title` },
    el('h2', { class: 'kern-heading-medium', id: `${id}-title` }, t(titleKey)),
    ...content);
}

function empty(key) {
  return el('p', { class: 'kern-body rl-empty' }, t(key));
}

function fact(key, ...value) {
  return el('div', { class: 'kern-description-list-item' },
    el('dt', { class: 'kern-description-list-item__key' }, t(key)),
    el('dd', { class: 'kern-description-list-item__value' }, ...value));
}

function link(href, text) {
  return href ? el('a', { class: 'kern-link', href, rel: 'noopener noreferrer' }, text || href) : '–';
}

function list(values) {
  if (!values || !values.length) return '–';
  return el('ul', { class: 'rl-plain' }, values.map((v) => el('li', {}, v)));
}

function header(s, overview) {
  const rating = s.rating && s.rating.count
    ? t(s.rating.count === 1 ? 'sol.rating.value1' : 'sol.rating.value',
      { avg: fmtNumber(s.rating.average, 1), n: s.rating.count })
    : t('sol.rating.none');
  const missing = s.completeness && s.completeness.missing && s.completeness.missing.length
    ? el('span', { class: 'rl-step__meta' },
      t('sol.missing', { fields: s.completeness.missing.join(', ') })) : null;
  return [
    el('h1', { class: 'kern-heading-x-large', id: 'solution-name' }, s.name),
    el('p', { class: 'kern-body kern-body--large rl-lead' }, s.summary || ''),
    el('div', { class: 'rl-badges' }, maturityBadge(s.maturity),
      qualityBadges(s.completeness, s.freshness)),
    el('dl', { class: 'kern-description-list rl-facts' },
      fact('sol.owner', orgName(orgs, s.owner)),
      fact('sol.maturity', label('maturity', s.maturity)),
      fact('sol.licence', `${s.licence || '–'} · ${s.open_source ? t('sol.opensource') : t('sol.proprietary')}`),
      overview.current_version
        ? fact('sol.current', `${overview.current_version.version} (${overview.current_version.cycle || '–'})`)
        : null,
      overview.next_release
        ? fact('sol.next', `${overview.next_release.version} – ${fmtDate(overview.next_release.planned_date)}`)
        : null,
      fact('sol.rating', rating),
      fact('sol.quality', `${fmtPercent(s.completeness ? s.completeness.percent : 0)}`, missing),
      s.homepage ? fact('sol.homepage', link(s.homepage)) : null,
      s.repository ? fact('sol.repository', link(s.repository)) : null,
      fact('sol.feed', el('a', { class: 'kern-link', href: feedUrl(s), type: 'application/atom+xml' },
        t('sol.feed.link')))),
    el('p', { class: 'kern-body kern-body--small rl-publiccode' },
      el('a', {
        class: 'kern-link kern-link--small',
        href: `/api/v1/solutions/${encodeURIComponent(s.slug)}/publiccode.yml`,
        download: 'publiccode.yml',
        type: 'application/yaml',
      }, t('sol.publiccode'))),
    calendarLink(s),
    subscribeLink(s),
  ];
}

// The solution's dates as an iCalendar feed, in the page's language; a
// calendar client subscribes to the link's address.
function calendarLink(s) {
  const href = `/api/v1/solutions/${encodeURIComponent(s.slug)}/calendar.ics`
    + (lang === 'en' ? '?lang=en' : '');
  return el('p', { class: 'kern-body rl-calendar' },
    el('a', { class: 'kern-link', href, type: 'text/calendar', 'data-calendar': 'solution' },
      t('sol.calendar')),
    ' ', el('span', { class: 'rl-step__meta' }, t('sol.calendar.hint')));
}

// For signed-in members: notifications about this solution, by e-mail,
// webhook or Matrix, ordered on the notifications page.
function subscribeLink(s) {
  if (!currentSession().signed_in) return null;
  return el('p', { class: 'kern-body' },
    el('a', {
      class: 'kern-link', href: `/subscriptions.html?solution=${encodeURIComponent(s.slug)}`,
      'data-subscribe': s.slug,
    }, t('sol.subscribe')));
}

// The solution's Atom feed of releases and lifecycle events, in the page's language.
function feedUrl(s) {
  return `/api/v1/solutions/${encodeURIComponent(s.slug)}/feed.atom${lang === 'en' ? '?lang=en' : ''}`;
}

// Lets browsers and feed readers discover the feed from the page.
function announceFeed(s) {
  document.head.append(el('link', {
    rel: 'alternate', type: 'application/atom+xml', href: feedUrl(s),
    title: t('sol.feed.title', { name: s.name }),
  }));
}

function pageNav(ids) {
  return el('nav', { class: 'rl-toc', 'aria-label': t('sol.toc') },
    el('ul', { class: 'rl-chips' }, ids.map(([id, key]) =>
      el('li', {}, el('a', { class: 'kern-link kern-link--small', href: `#${id}` }, t(key))))));
}

function description(s) {
  let body;
  if (s.description_html) body = sanitize(s.description_html, { headingLevel: 3 });
  else if (s.description) body = markdown(s.description);
  else body = empty('sol.rating.none');
  return section('description', 'sol.description', el('div', { class: 'rl-prose' }, body));
}

// Release notes inside a table cell: the paragraphs' content, inline.
function notes(r) {
  const nodes = r.notes_html ? sanitize(r.notes_html) : markdown(r.notes);
  return el('span', {}, nodes.flatMap((n, i) => [
    i ? ' ' : null, ...(n.tagName === 'P' ? [...n.childNodes] : [n])]).filter(Boolean));
}

// What a signed-in member can report about this solution: adopters
// their costs (for their own adoption) and feedback; adopters,
// onboarding teams and owners a lesson learned.
function yours(s, adoptionItems) {
  const who = currentSession();
  if (!who.signed_in) return null;
  const adopter = who.role === 'adopter' || who.role === 'admin';
  const member = adopter || who.role === 'onboarding' || who.role === 'owner';
  if (!member) return null;
  const q = `?slug=${encodeURIComponent(s.slug)}`;
  const adopted = adoptionItems.some((a) => a.organisation === who.organisation);
  const links = [
    adopter && adopted ? ['/costs.html', 'sol.yours.costs', 'costs'] : null,
    adopter ? ['/feedback.html', 'sol.yours.feedback', 'feedback'] : null,
    ['/lesson.html', 'sol.yours.lesson', 'lesson'],
  ].filter(Boolean);
  return el('section', { class: 'rl-yours', id: 'yours', 'aria-labelledby': 'yours-title' },
    el('h2', { class: 'kern-heading-small', id: 'yours-title' }, t('sol.yours')),
    el('p', { class: 'kern-body' }, t('sol.yours.lead')),
    el('ul', { class: 'rl-chips' }, links.map(([href, key, name]) => el('li', {},
      el('a', { class: 'kern-btn kern-btn--secondary', href: href + q, 'data-form': name },
        el('span', { class: 'kern-label' }, t(key)))))));
}

function profile(s) {
  const docs = (s.documentation || []).map((d) => link(d.url, d.title));
  const rows = [
    ['sol.problems', list(s.problems)],
    ['sol.processes', list(s.processes)],
    ['sol.target_groups', list(s.target_groups)],
    ['sol.standards', list(s.standards)],
    ['sol.interfaces', list(s.interfaces)],
    ['sol.prerequisites', list(s.prerequisites)],
    ['sol.categories', list(s.categories)],
    ['sol.usage_context', s.usage_context || '–'],
    ['sol.scenarios', list(s.scenarios)],
    ['sol.documentation', docs.length ? list(docs) : '–'],
  ];
  const transfer = (s.transfer_concept || []).length
    ? table(t('sol.transfer'),
      [t('sol.transfer.step'), t('sol.transfer.role'), t('sol.transfer.effort')],
      s.transfer_concept.map((st) => [st.step, st.role ? label('transfer', st.role) : '–', fmtNumber(st.effort_days, 2)]),
      { numeric: [2] })
    : null;
  return section('profile', 'sol.profile',
    el('dl', { class: 'kern-description-list' }, rows.map(([k, v]) => fact(k, v))),
    transfer);
}

// After an edit of the plan or of the cycles: both sections anew (the
// plan's cycle list and the cycles' latest versions depend on each other),
// then the message in the editor's status element, which takes the focus.
async function lifecycleChanged(s, message, statusId) {
  const enc = encodeURIComponent(s.slug);
  const [rel, cyc] = await Promise.all([
    getAll(`/solutions/${enc}/releases?limit=500`), getAll(`/solutions/${enc}/cycles?limit=500`)]);
  document.getElementById('releases').replaceWith(releases(rel, cyc, s));
  document.getElementById('cycles').replaceWith(cycles(cyc, s));
  const st = document.getElementById(statusId);
  st.append(alertBox('success', message));
  st.focus();
}

// The releases section; for the solution's owner with the plan editor.
function releases(items, cycleItems, s) {
  const editor = mayWrite(['owner'], s.owner)
    ? planEditor(s.slug, items, cycleItems, (message, statusId) => lifecycleChanged(s, message, statusId))
    : null;
  if (!items.length) return section('releases', 'sol.releases', empty('sol.releases.none'), editor);
  const sorted = [...items].sort((a, b) =>
    (parseDate(releaseDate(b)) || 0) - (parseDate(releaseDate(a)) || 0));
  const legend = el('ul', { class: 'rl-legend', 'aria-hidden': 'true' },
    ['released', 'planned', 'withdrawn'].map((k) =>
      el('li', {}, el('span', { class: `rl-swatch rl-swatch--${k}` }), label('release', k))),
    el('li', {}, el('span', { class: 'rl-swatch rl-swatch--today' }), t('legend.today')));
  return section('releases', 'sol.releases', legend, releaseTimeline(items),
    table(t('sol.releases.table'),
      [t('sol.release.version'), t('sol.release.cycle'), t('sol.release.status'),
        t('sol.release.date'), t('sol.release.notes')],
      sorted.map((r) => [
        r.version,
        r.cycle || '–',
        [label('release', r.status), r.overdue ? [' ', badge(t('sol.release.overdue'), 'danger')] : null],
        fmtDate(releaseDate(r)),
        r.notes || r.notes_html ? notes(r) : '–',
      ])), editor);
}

function cycles(items, s) {
  const editor = mayWrite(['owner'], s.owner)
    ? cycleEditor(s.slug, items, (message, statusId) => lifecycleChanged(s, message, statusId))
    : null;
  if (!items.length) return section('cycles', 'sol.cycles', empty('sol.cycles.none'), editor);
  const legend = el('ul', { class: 'rl-legend', 'aria-hidden': 'true' },
    el('li', {}, el('span', { class: 'rl-swatch rl-swatch--support' }), t('legend.support')),
    el('li', {}, el('span', { class: 'rl-swatch rl-swatch--security' }), t('legend.security')),
    items.some((c) => c.extended_support)
      ? el('li', {}, el('span', { class: 'rl-swatch rl-swatch--extended' }), t('legend.extended')) : null,
    el('li', {}, el('span', { class: 'rl-swatch rl-swatch--eol' }), t('legend.eol')),
    el('li', {}, el('span', { class: 'rl-swatch rl-swatch--today' }), t('legend.today')));
  const sorted = [...items].sort((a, b) => (b.release_date || '').localeCompare(a.release_date || ''));
  return section('cycles', 'sol.cycles', legend, cycleChart(items),
    table(t('sol.cycles.table'),
      [t('sol.cycle.name'), t('sol.cycle.released'), t('sol.cycle.support'), t('sol.cycle.eol'),
        t('sol.cycle.lts'), t('sol.cycle.latest'), t('sol.cycle.status')],
      sorted.map((c) => [c.name, fmtDate(c.release_date), fmtDate(c.support_until),
        [fmtDate(c.eol), c.extended_support ? ` (${t('sol.cycle.extended', { d: fmtDate(c.extended_support) })})` : ''],
        c.lts ? t('yes') : t('no'),
        c.latest ? `${c.latest} (${fmtDate(c.latest_date)})` : '–', label('support', c.support_status)])),
    editor);
}

async function responsibilities(items) {
  if (!items.length) return section('responsibilities', 'sol.resp', empty('sol.resp.none'));
  const ids = [...new Set(items.map((r) => r.contact).filter(Boolean))];
  const contacts = new Map();
  await Promise.all(ids.map(async (id) => {
    try {
      contacts.set(id, await get(`/contacts/${id}`));
    } catch {
      /* a contact we may not see */
    }
  }));
  const contactCell = (id) => {
    const c = contacts.get(id);
    if (!c) return '–';
    return el('span', {},
      c.name ? el('strong', {}, c.name) : null, c.name ? el('br') : null,
      c.role_title || '',
      c.email ? [el('br'), link(`mailto:${c.email}`, c.email)] : null,
      c.phone ? [el('br'), c.phone] : null);
  };
  return section('responsibilities', 'sol.resp',
    currentSession().signed_in ? null : el('p', { class: 'kern-hint' }, t('sol.resp.hidden')),
    table(t('sol.resp'),
      [t('sol.resp.role'), t('sol.resp.org'), t('sol.resp.contact'), t('sol.resp.since')],
      items.map((r) => [label('resp', r.role), orgName(orgs, r.organisation),
        contactCell(r.contact), fmtDate(r.since)]), { captionClass: 'kern-sr-only' }));
}

function adoptions(items) {
  if (!items.length) return section('adoptions', 'sol.adoptions', empty('sol.adoptions.none'));
  const n = (st) => items.filter((a) => a.status === st).length;
  const order = { live: 0, 'rolling-in': 1, evaluating: 2, stopped: 3 };
  const sorted = [...items].sort((a, b) => order[a.status] - order[b.status]
    || orgName(orgs, a.organisation).localeCompare(orgName(orgs, b.organisation)));
  const t1 = table(t('sol.adoptions'),
    [t('sol.adoption.org'), t('sol.adoption.status'), t('sol.adoption.version'), t('sol.adoption.since')],
    sorted.map((a) => [orgName(orgs, a.organisation), label('adoption', a.status),
      a.version || '–', fmtDate(a.since)]), { captionClass: 'kern-sr-only' });
  sorted.forEach((a, i) => {
    const row = t1.querySelectorAll('tbody tr')[i];
    row.dataset.org = a.organisation;
    row.dataset.status = a.status;
  });
  return section('adoptions', 'sol.adoptions',
    el('p', { class: 'kern-body' }, t('sol.adoptions.summary', {
      live: n('live'), rolling: n('rolling-in'), evaluating: n('evaluating'),
    })), t1);
}

function assessments(overview) {
  const items = overview.assessments_covering_current_version || [];
  const v = overview.current_version ? overview.current_version.version : '–';
  if (!items.length) return section('assessments', 'sol.assessments', empty('sol.assessments.none'));
  const scope = (a) => (a.scope === 'cycle' ? t('scope.cycle', { c: a.cycle })
    : a.scope === 'version' ? t('scope.version', { v: a.version }) : t('scope.solution'));
  return section('assessments', 'sol.assessments',
    el('p', { class: 'kern-body' }, t('sol.assessments.lead', { v })),
    items.map((a) => el('article', { class: 'rl-item' },
      el('h3', { class: 'kern-heading-small' }, `${label('kind', a.kind)}: ${label('result', a.result)}`),
      el('dl', { class: 'kern-description-list' },
        fact('sol.assessment.scope', scope(a)),
        fact('sol.assessment.by', orgName(orgs, a.performed_by), a.performer ? ` (${a.performer})` : ''),
        fact('sol.assessment.date', fmtDate(a.date)),
        a.valid_until ? fact('sol.assessment.valid', fmtDate(a.valid_until)) : null,
        a.conditions ? fact('sol.assessment.conditions', a.conditions) : null,
        a.document ? fact('sol.assessment.document', link(a.document)) : null),
      a.summary ? el('p', { class: 'kern-body' }, a.summary) : null)));
}

function lessons(items) {
  if (!items.length) return section('lessons', 'sol.lessons', empty('sol.lessons.none'));
  return section('lessons', 'sol.lessons', items.map((l) => el('article', { class: 'rl-item' },
    el('h3', { class: 'kern-heading-small' }, l.title),
    el('p', { class: 'rl-step__meta' }, t('sol.lesson.by', {
      org: orgName(orgs, l.organisation), category: label('lesson', l.category),
    })),
    el('div', { class: 'rl-prose' }, l.text_html ? sanitize(l.text_html) : markdown(l.text)),
    (l.tags || []).length ? el('div', { class: 'rl-badges' }, l.tags.map((tag) => badge(tag, 'info'))) : null)));
}

function feedback(items) {
  if (!items.length) return section('feedback', 'sol.feedback', empty('sol.feedback.none'));
  return section('feedback', 'sol.feedback', items.map((f) => el('article', { class: 'rl-item' },
    el('h3', { class: 'kern-heading-small' },
      el('span', { 'aria-hidden': 'true' }, '★'.repeat(f.rating) + '☆'.repeat(5 - f.rating), ' '),
      t('sol.feedback.rating', { r: f.rating })),
    el('p', { class: 'rl-step__meta' }, t('sol.feedback.meta', {
      org: orgName(orgs, f.organisation), v: f.version || '–',
    })),
    el('p', { class: 'kern-body' }, f.text || ''),
    f.answer ? el('div', { class: 'rl-answer' },
      el('p', { class: 'kern-label' }, t('sol.feedback.answer'), f.answered_at ? ` (${fmtDate(f.answered_at)})` : ''),
      el('p', { class: 'kern-body' }, f.answer)) : null)));
}

function stats(st) {
  if (!st || !st.rollins || !st.rollins.total) return section('rollin-stats', 'sol.stats', empty('sol.stats.none'));
  const d = st.days_to_golive || {};
  const e = st.effort || {};
  const byStatus = Object.entries(st.rollins.by_status || {})
    .map(([k, v]) => ({ key: k, label: label('rollin', k), value: v }));
  const blockers = st.blockers || [];
  return section('rollin-stats', 'sol.stats',
    el('dl', { class: 'kern-description-list' },
      fact('sol.stats.total', fmtNumber(st.rollins.total)),
      fact('sol.stats.days', d.count
        ? t('sol.stats.days.value', {
          median: fmtNumber(d.median, 0), p25: fmtNumber(d.p25, 0), p75: fmtNumber(d.p75, 0),
        })
        : t('sol.stats.days.none')),
      e.planned_days !== undefined ? fact('sol.stats.effort',
        t('sol.stats.effort.value', {
          planned: fmtNumber(e.planned_days, 1), actual: fmtNumber(e.actual_days, 1),
        }),
        e.ratio ? [el('br'), t('sol.stats.ratio', { r: fmtNumber(e.ratio, 2) })] : null) : null),
    el('div', { class: 'rl-grid-2' },
      el('div', {},
        el('h3', { class: 'kern-heading-small' }, t('sol.stats.bystatus')),
        barChart(t('sol.stats.chart'), byStatus),
        table(t('sol.stats.bystatus'), [t('sol.stats.status'), t('sol.stats.count')],
          byStatus.map((r) => [r.label, fmtNumber(r.value)]), { numeric: [1], captionClass: 'kern-sr-only' })),
      blockers.length ? el('div', {},
        el('h3', { class: 'kern-heading-small' }, t('sol.stats.blockers')),
        table(t('sol.stats.blockers'),
          [t('sol.stats.blockers.cat'), t('sol.stats.blockers.count'), t('sol.stats.blockers.open')],
          blockers.map((b) => [label('lesson', b.category), fmtNumber(b.count), fmtNumber(b.open)]),
          { numeric: [1, 2], captionClass: 'kern-sr-only' })) : null));
}

async function main() {
  await startPage('solution');
  const box = document.getElementById('solution');
  const slug = param('slug');
  if (!slug) {
    location.replace('/');
    return;
  }
  const enc = encodeURIComponent(slug);
  let s;
  try {
    [s, orgs] = await Promise.all([get(`/solutions/${enc}`), organisations()]);
  } catch (e) {
    clear(box).append(alertBox('danger',
      e instanceof ApiError && e.status === 404 ? t('sol.notfound') : e.describe()));
    document.body.dataset.ready = 'true';
    return;
  }
  document.title = `${s.name} – Rollin`;
  announceFeed(s);
  const safe = (p, fallback) => p.catch(() => fallback);
  const [overview, rel, cyc, resp, adop, st, les, fb] = await Promise.all([
    safe(get(`/solutions/${enc}/overview`), {}),
    safe(getAll(`/solutions/${enc}/releases?limit=500`), []),
    safe(getAll(`/solutions/${enc}/cycles?limit=500`), []),
    safe(getAll(`/solutions/${enc}/responsibilities?limit=500`), []),
    safe(getAll(`/solutions/${enc}/adoptions?limit=500`), []),
    safe(get(`/solutions/${enc}/rollin-stats`), null),
    safe(getAll(`/lessons?solution=${enc}&limit=500`), []),
    safe(getAll(`/feedback?solution=${enc}&limit=500`), []),
  ]);
  const sections = [
    ['description', 'sol.description'], ['profile', 'sol.profile'], ['releases', 'sol.releases'],
    ['cycles', 'sol.cycles'], ['responsibilities', 'sol.resp'], ['adoptions', 'sol.adoptions'],
    ['assessments', 'sol.assessments'], ['lessons', 'sol.lessons'], ['feedback', 'sol.feedback'],
    ['rollin-stats', 'sol.stats'],
  ];
  clear(box).append(
    ...header(s, overview),
    yours(s, adop) || '',
    pageNav(sections),
    description(s),
    profile(s),
    releases(rel, cyc, s),
    cycles(cyc, s),
    await responsibilities(resp),
    adoptions(adop),
    assessments(overview),
    lessons(les),
    feedback(fb),
    stats(st));
  if (location.hash) {
    const target = document.getElementById(location.hash.slice(1));
    if (target) target.scrollIntoView();
  }
  document.body.dataset.ready = 'true';
}

main();
