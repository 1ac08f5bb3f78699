// A lesson learned: what other administrations should know before they
// roll out a solution. Members of any organisation that took part
// (adopters, onboarding teams, owners) write them; the text is Markdown,
// which the server renders safely for the solution page.

import { t, label } from './i18n.js';
import { getAll, post, currentSession } from './api.js';
import { el, param } from './dom.js';
import { startPage, announce } from './page.js';
import {
  group, input, textarea, select, FormErrors, formData, solutionSelect, backLink, done,
} from './forms.js';

const CATEGORIES = ['technical', 'organisational', 'legal', 'procurement', 'data-protection', 'operations'];

const FIELDS = {
  solution: 'ls-solution', category: 'ls-category', title: 'ls-title', text: 'ls-text', tags: 'ls-tags',
};

function buildForm(solutions, slug) {
  return el('form', { class: 'rl-form', id: 'lesson-form', novalidate: true },
    group('ls-solution', t('form.solution'), solutionSelect('ls-solution', solutions, slug)),
    group('ls-category', t('ls.category'), select('ls-category', 'category', [
      ['', t('form.choose'), true], ...CATEGORIES.map((c) => [c, label('lesson', c)])], { required: true })),
    group('ls-title', t('ls.title'), input('ls-title', 'title', { required: true, maxlength: 200 }),
      { hint: t('ls.title.hint') }),
    group('ls-text', t('ls.text'), textarea('ls-text', 'text', { required: true, rows: 8 }),
      { hint: t('ls.text.hint') }),
    group('ls-tags', t('ls.tags'), input('ls-tags', 'tags', { autocomplete: 'off' }),
      { hint: t('ls.tags.hint'), optional: true }),
    el('button', { class: 'kern-btn kern-btn--primary', type: 'submit', id: 'ls-submit' },
      el('span', { class: 'kern-label' }, t('ls.submit'))));
}

async function main() {
  await startPage('lesson');
  const box = document.getElementById('form-box');
  const slug = param('slug');
  backLink(slug);
  const solutions = await formData(box, ['adopter', 'onboarding', 'owner'],
    () => getAll('/solutions?limit=500'));
  if (!solutions) return;
  const status = el('div', { id: 'ls-status', tabindex: '-1' });
  const form = buildForm(solutions, slug);
  box.append(status, form);
  const errors = new FormErrors(form, FIELDS, status);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const val = (id) => form.querySelector(`#${id}`).value.trim();
    const problems = [];
    if (!val('ls-solution')) problems.push(['ls-solution', t('form.solution.missing')]);
    if (!val('ls-category')) problems.push(['ls-category', t('ls.category.missing')]);
    if (!val('ls-title')) problems.push(['ls-title', t('form.missing')]);
    if (!val('ls-text')) problems.push(['ls-text', t('form.missing')]);
    if (problems.length) {
      problems.forEach(([g, m], i) => errors.show(g, m, { focus: i === 0 }));
      return;
    }
    const body = {
      solution: val('ls-solution'),
      organisation: currentSession().organisation,
      category: val('ls-category'),
      title: val('ls-title'),
      text: form.querySelector('#ls-text').value,
    };
    const tags = val('ls-tags').split(',').map((x) => x.trim()).filter(Boolean);
    if (tags.length) body.tags = tags;
    const button = form.querySelector('#ls-submit');
    button.disabled = true;
    let saved;
    try {
      saved = await post('/lessons', body);
    } catch (e) {
      button.disabled = false;
      errors.fail(e);
      return;
    }
    const node = done(box, t('ls.saved'), [
      [`/solution.html?slug=${encodeURIComponent(body.solution)}#lessons`, t('ls.see'), 'primary'],
    ]);
    node.dataset.lesson = saved.id;
    announce(t('ls.saved'));
  });
  document.body.dataset.ready = 'true';
}

main();
