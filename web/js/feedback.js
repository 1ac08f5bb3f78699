// An adopter rates a solution (1 to 5, radio buttons), says why, and
// names the version it runs. The owner can answer on the solution page.

import { t } from './i18n.js';
import { getAll, post, currentSession } from './api.js';
import { el, clear, param } from './dom.js';
import { startPage, announce } from './page.js';
import { releaseDate } from './charts.js';
import {
  group, fieldset, textarea, select, FormErrors, formData, solutionSelect, backLink, done,
} from './forms.js';

const FIELDS = {
  solution: 'fb-solution', rating: 'fb-rating', text: 'fb-text', version: 'fb-version',
};

// The released versions of a solution, newest first.
async function versions(slug) {
  if (!slug) return [];
  const items = await getAll(`/solutions/${encodeURIComponent(slug)}/releases?status=released&limit=500`)
    .catch(() => []);
  return items.sort((a, b) => (releaseDate(b) || '').localeCompare(releaseDate(a) || ''))
    .map((r) => r.version);
}

async function fillVersions(form, slug) {
  const sel = form.querySelector('#fb-version');
  const list = await versions(slug);
  clear(sel).append(
    el('option', { value: '', selected: !list.length }, t('fb.version.none')),
    ...list.map((v, i) => el('option', { value: v, selected: i === 0 }, v)));
}

function buildForm(solutions, slug) {
  const radios = [1, 2, 3, 4, 5].map((n) => el('div', { class: 'kern-form-check' },
    el('input', {
      class: 'kern-form-check__radio', type: 'radio', name: 'rating', id: `fb-rating-${n}`,
      value: String(n),
    }),
    el('label', { class: 'kern-label', for: `fb-rating-${n}` }, t(`fb.rating.${n}`))));
  return el('form', { class: 'rl-form', id: 'feedback-form', novalidate: true },
    group('fb-solution', t('form.solution'), solutionSelect('fb-solution', solutions, slug)),
    fieldset('fb-rating', t('fb.rating'), radios, { hint: t('fb.rating.hint') }),
    group('fb-text', t('fb.text'), textarea('fb-text', 'text', { rows: 5 }),
      { hint: t('fb.text.hint'), optional: true }),
    group('fb-version', t('fb.version'),
      select('fb-version', 'version', [['', t('fb.version.none'), true]]), { optional: true }),
    el('button', { class: 'kern-btn kern-btn--primary', type: 'submit', id: 'fb-submit' },
      el('span', { class: 'kern-label' }, t('fb.submit'))));
}

async function main() {
  const s = await startPage('feedback');
  const box = document.getElementById('form-box');
  const slug = param('slug');
  backLink(slug);
  const solutions = await formData(box, ['adopter'], () => getAll('/solutions?limit=500'));
  if (!solutions) return;
  const status = el('div', { id: 'fb-status', tabindex: '-1' });
  const form = buildForm(solutions, slug);
  box.append(status, form);
  const errors = new FormErrors(form, FIELDS, status);
  await fillVersions(form, form.querySelector('#fb-solution').value);
  form.querySelector('#fb-solution').addEventListener('change', (ev) => fillVersions(form, ev.target.value));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const solution = form.querySelector('#fb-solution').value;
    const rating = form.querySelector('input[name="rating"]:checked');
    const problems = [];
    if (!solution) problems.push(['fb-solution', t('form.solution.missing')]);
    if (!rating) problems.push(['fb-rating', t('fb.rating.missing')]);
    if (problems.length) {
      problems.forEach(([g, m], i) => errors.show(g, m, { focus: i === 0 }));
      return;
    }
    const body = { solution, organisation: currentSession().organisation, rating: Number(rating.value) };
    const text = form.querySelector('#fb-text').value.trim();
    const version = form.querySelector('#fb-version').value;
    if (text) body.text = text;
    if (version) body.version = version;
    const button = form.querySelector('#fb-submit');
    button.disabled = true;
    let saved;
    try {
      saved = await post('/feedback', body);
    } catch (e) {
      button.disabled = false;
      errors.fail(e);
      return;
    }
    const node = done(box, t('fb.saved'), [
      [`/solution.html?slug=${encodeURIComponent(solution)}#feedback`, t('fb.see'), 'primary'],
    ]);
    node.dataset.feedback = saved.id;
    announce(t('fb.saved'));
  });
  document.body.dataset.ready = 'true';
}

main();
