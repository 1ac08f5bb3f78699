// The roll-in board for onboarding teams: one column per status, a card
// per roll-in with its progress, overdue steps, open blockers and the
// status changes the server allows next (next_states). Only the team
// that runs a roll-in (or an administrator) sees the buttons; the server
// checks every change anyway.

import { t, label, fmtDate } from './i18n.js';
import { getAll, patch, organisations, orgName, currentSession, describeError } from './api.js';
import { el, clear, badge, alertBox } from './dom.js';
import { startPage, announce } from './page.js';

const STATES = ['planned', 'preparing', 'integrating', 'pilot', 'live', 'on-hold', 'aborted'];
const MINE_KEY = 'rollin.board.mine';

let orgs = null;
let solutions = new Map();
let rollins = [];
const details = new Map(); // roll-in id -> {steps, blockers}
const openSteps = new Set(); // roll-ins whose checklist is unfolded

function mayWrite(r) {
  const s = currentSession();
  return s.signed_in && (s.role === 'admin'
    || (s.role === 'onboarding' && s.organisation === r.onboarding_team));
}

function onlyMine() {
  const s = currentSession();
  if (s.role !== 'onboarding') return false;
  return sessionStorage.getItem(MINE_KEY) !== 'false';
}

function solutionName(slug) {
  return (solutions.get(slug) && solutions.get(slug).name) || slug;
}

async function loadDetails(r) {
  const [steps, blockers] = await Promise.all([
    getAll(`/rollins/${r.id}/steps?limit=500&sort=position`).catch(() => []),
    getAll(`/rollins/${r.id}/blockers?limit=500`).catch(() => []),
  ]);
  details.set(r.id, { steps, blockers });
}

async function load() {
  rollins = await getAll('/rollins?limit=500');
  await Promise.all(rollins.map(loadDetails));
}

function stepItem(r, step) {
  const writable = mayWrite(r);
  const id = `step-${r.id}-${step.id}`;
  const meta = el('span', { class: 'rl-step__meta' },
    step.done
      ? `${t('board.step.done')}${step.actual_date ? ` ${fmtDate(step.actual_date)}` : ''}`
      : (step.planned_date ? t('board.step.due', { date: fmtDate(step.planned_date) }) : ''),
    step.owner ? ` · ${t('board.step.owner', { owner: step.owner })}` : '');
  const overdue = step.overdue ? badge(t('board.step.overdue'), 'danger', { 'data-overdue': 'true' }) : null;
  let head;
  if (writable) {
    head = el('div', { class: 'kern-form-check' },
      el('input', {
        class: 'kern-form-check__checkbox', type: 'checkbox', id,
        checked: !!step.done, 'data-step': step.id,
        onchange: (ev) => toggleStep(r, step, ev.target.checked),
      }),
      el('label', { class: 'kern-label', for: id }, step.step));
  } else {
    head = el('span', {}, el('span', { 'aria-hidden': 'true' }, step.done ? '☑ ' : '☐ '),
      el('span', { class: 'kern-sr-only' }, step.done ? `${t('board.step.done')}: ` : ''), step.step);
  }
  return el('li', {
    class: step.overdue ? 'rl-step--overdue' : null,
    'data-step-id': step.id, 'data-overdue': step.overdue ? 'true' : 'false',
  }, head, meta, overdue ? [' ', overdue] : null);
}

function card(r) {
  const d = details.get(r.id) || { steps: [], blockers: [] };
  const p = r.progress || {};
  const open = d.blockers.filter((b) => !b.resolved_on);
  const headingId = `rollin-${r.id}-title`;
  const writable = mayWrite(r);
  const checklist = el('details', {
    class: 'rl-alt', 'data-rollin': r.id, open: openSteps.has(r.id),
    ontoggle: (ev) => {
      if (ev.target.open) openSteps.add(r.id);
      else openSteps.delete(r.id);
    },
  },
  el('summary', {}, t('board.steps', { done: p.done ?? 0, steps: p.steps ?? d.steps.length }),
    p.overdue ? ` · ${t('board.overdue', { n: p.overdue })}` : ''),
  el('ol', { class: 'rl-steps' }, d.steps.map((s) => stepItem(r, s))));
  const moves = writable && (r.next_states || []).length
    ? el('div', {},
      el('p', { class: 'kern-label kern-label--small', id: `rollin-${r.id}-moves` }, t('board.move')),
      el('div', { class: 'rl-moves', role: 'group', 'aria-labelledby': `rollin-${r.id}-moves` },
        r.next_states.map((st) => el('button', {
          type: 'button', class: 'kern-btn kern-btn--secondary kern-btn--x-small',
          'data-move': st,
          'aria-label': t('board.move.label', { name: `${solutionName(r.solution)} (${orgName(orgs, r.adopter)})`, state: label('rollin', st) }),
          onclick: () => move(r, st),
        }, el('span', { class: 'kern-label' }, label('rollin', st))))))
    : null;
  return el('li', {},
    el('article', {
      class: 'rl-rollin', 'data-rollin': r.id, 'data-status': r.status,
      'data-solution': r.solution, 'data-adopter': r.adopter, 'aria-labelledby': headingId,
    },
    el('h3', { id: headingId },
      el('a', { class: 'kern-link', href: `/solution.html?slug=${encodeURIComponent(r.solution)}` },
        solutionName(r.solution))),
    el('p', { class: 'kern-body kern-body--small' }, orgName(orgs, r.adopter)),
    el('dl', {},
      el('dt', {}, t('board.team')), el('dd', {}, orgName(orgs, r.onboarding_team)),
      r.actual_golive
        ? [el('dt', {}, t('board.golive')), el('dd', {}, fmtDate(r.actual_golive))]
        : [el('dt', {}, t('board.target')), el('dd', {}, fmtDate(r.target_golive))]),
    el('p', { class: 'kern-body kern-body--small' },
      t('board.progress', { done: p.done ?? 0, steps: p.steps ?? 0 }),
      p.overdue ? [' ', badge(t('board.overdue', { n: p.overdue }), 'danger')] : null),
    open.length ? el('div', { class: 'rl-open-blockers' },
      el('h4', { class: 'kern-label' }, t('board.blockers.open', { n: open.length })),
      el('ul', { class: 'rl-blockers' }, open.map((b) => el('li', {},
        b.title, b.raised_on ? el('span', { class: 'rl-step__meta' },
          `${label('lesson', b.category)} · ${fmtDate(b.raised_on)}`) : null)))) : null,
    checklist,
    el('div', { class: 'rl-card-error', id: `rollin-${r.id}-error` }),
    moves));
}

function render() {
  const box = clear(document.getElementById('board'));
  const mine = onlyMine();
  const s = currentSession();
  const shown = rollins.filter((r) => !mine || r.onboarding_team === s.organisation);
  const columns = el('div', { class: 'rl-board' });
  for (const st of STATES) {
    const cards = shown.filter((r) => r.status === st)
      .sort((a, b) => (a.target_golive || '').localeCompare(b.target_golive || ''));
    const hid = `column-${st}-title`;
    columns.append(el('section', { class: 'rl-column', 'data-column': st, 'aria-labelledby': hid },
      el('h2', { class: 'kern-heading-small', id: hid }, label('rollin', st), ' ',
        el('span', { class: 'rl-count' }, `(${cards.length})`)),
      cards.length
        ? el('ul', { class: 'rl-column__cards' }, cards.map(card))
        : el('p', { class: 'kern-body kern-body--small' }, t('board.empty'))));
  }
  box.append(columns);
}

function renderControls() {
  const s = currentSession();
  const box = clear(document.getElementById('board-controls'));
  if (s.role !== 'onboarding') return;
  box.append(el('div', { class: 'kern-form-check' },
    el('input', {
      class: 'kern-form-check__checkbox', type: 'checkbox', id: 'only-mine', checked: onlyMine(),
      onchange: (ev) => {
        sessionStorage.setItem(MINE_KEY, ev.target.checked ? 'true' : 'false');
        render();
      },
    }),
    el('label', { class: 'kern-label', for: 'only-mine' }, t('board.mine'))));
}

function cardError(r, e) {
  const box = document.getElementById(`rollin-${r.id}-error`);
  if (box) clear(box).append(alertBox('danger', describeError(e)));
}

async function refresh(focusSelector) {
  await load();
  render();
  if (focusSelector) {
    const target = document.querySelector(focusSelector);
    if (target) target.focus();
  }
}

async function move(r, state) {
  try {
    await patch(`/rollins/${r.id}`, { status: state }, r.rev);
  } catch (e) {
    if (e.code === 'stale') await refresh();
    cardError(r, e);
    return;
  }
  await refresh(`article[data-rollin="${r.id}"] h3 a`);
  announce(t('board.moved', { name: solutionName(r.solution), state: label('rollin', state) }));
}

async function toggleStep(r, step, done) {
  try {
    await patch(`/rollins/${r.id}/steps/${step.id}`, { done }, step.rev);
  } catch (e) {
    cardError(r, e);
    const box = document.getElementById(`step-${r.id}-${step.id}`);
    if (box) box.checked = !done;
    return;
  }
  openSteps.add(r.id);
  await refresh(`#step-${r.id}-${step.id}`);
  announce(t('board.step.saved', { step: step.step }));
}

async function main() {
  const s = await startPage('board');
  const message = document.getElementById('message');
  if (!s.signed_in) {
    message.append(alertBox('info', t('board.signin'), ' ',
      el('a', { class: 'kern-link', href: '/signin.html?next=%2Fboard.html' }, t('board.signin.link'))));
    document.body.dataset.ready = 'true';
    return;
  }
  try {
    const [o, sols] = await Promise.all([organisations(), getAll('/solutions?limit=500')]);
    orgs = o;
    solutions = new Map(sols.map((x) => [x.slug, x]));
    await load();
  } catch (e) {
    message.append(alertBox('danger', describeError(e)));
    document.body.dataset.ready = 'true';
    return;
  }
  renderControls();
  render();
  document.body.dataset.ready = 'true';
}

main();

