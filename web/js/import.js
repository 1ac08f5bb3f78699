// Importing a file over the API: an owner's publiccode.yml, a spreadsheet
// of cost reports or roll-ins saved as CSV, an endoflife.date product
// file. The server runs the importer and answers with its report: how
// many records landed, and every rejected record with where it is in the
// file and why. Owners import for their own organisation; the server
// refuses other organisations' records and the report says so.

import { t, fmtNumber } from './i18n.js';
import { upload, get } from './api.js';
import { el, clear, alertBox, table } from './dom.js';
import { startPage, announce } from './page.js';
import { group, input, select, FormErrors, gate } from './forms.js';

// The importer a file's extension calls for, as `rollin import` decides.
const BY_EXTENSION = { yml: 'publiccode', yaml: 'publiccode', csv: 'csv-import', json: 'endoflife' };
const TYPES = { publiccode: 'application/yaml', 'csv-import': 'text/csv', endoflife: 'application/json' };

const FIELDS = { body: 'im-file', name: 'im-file', plugin: 'im-plugin' };

function extension(name) {
  const m = /\.([A-Za-z0-9]+)$/.exec(name || '');
  return m ? m[1].toLowerCase() : '';
}

function buildForm() {
  return el('form', { class: 'rl-form', id: 'import-form', novalidate: true },
    group('im-file', t('im.file'), input('im-file', 'file', {
      type: 'file', accept: '.yml,.yaml,.csv,.json', required: true,
    }), { hint: t('im.file.hint') }),
    group('im-plugin', t('im.plugin'), select('im-plugin', 'plugin', [
      ['', t('im.plugin.auto'), true],
      ['publiccode', t('im.plugin.publiccode')],
      ['csv-import', t('im.plugin.csv')],
      ['endoflife', t('im.plugin.endoflife')],
    ]), { hint: t('im.plugin.hint') }),
    el('button', { class: 'kern-btn kern-btn--primary', type: 'submit', id: 'im-submit' },
      el('span', { class: 'kern-label' }, t('im.submit'))));
}

// The report: counts, then every rejected record with its place and reason.
function showReport(box, report) {
  const { imported, updated, rejected } = report.counts;
  const kind = rejected === 0 ? 'success' : (imported + updated > 0 ? 'warning' : 'danger');
  const summary = t(rejected === 0 ? 'im.done' : 'im.done.rejected', { imported, updated, rejected });
  const node = el('section', {
    id: 'import-report', tabindex: '-1', 'aria-labelledby': 'import-report-title',
    'data-import': report.id,
  },
  el('h2', { class: 'kern-heading-medium', id: 'import-report-title' },
    t('im.report', { source: report.source })),
  alertBox(kind, summary),
  table(t('im.counts'), [t('im.col.what'), t('im.col.count')], [
    [t('im.imported'), String(imported)],
    [t('im.updated'), String(updated)],
    [t('im.rejected'), String(rejected)],
  ], { numeric: [1] }),
  rejected > 0
    ? table(t('im.rejected.table'), [t('im.col.where'), t('im.col.line'), t('im.col.reason')],
      report.rejected.map((r) => [r.where, r.line === undefined ? '–' : String(r.line), r.message]))
    : null);
  node.querySelectorAll('table')[0].id = 'import-counts';
  if (rejected > 0) node.querySelectorAll('table')[1].id = 'import-rejected';
  clear(box).append(node);
  node.focus();
  announce(summary);
}

// While the upload's answer is outstanding: how far the import has got,
// as GET /imports/running tells it. Returns a function that stops asking.
function watchProgress(box, source) {
  const text = el('p', { class: 'kern-body', id: 'im-progress-text' }, t('im.running'));
  const bar = el('progress', {
    id: 'im-progress', class: 'rl-progress', max: 1, 'aria-labelledby': 'im-progress-text',
  });
  clear(box).append(alertBox('info', text), bar);
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    try {
      const item = (await get('/imports/running')).items.find((i) => i.source === source);
      if (!stopped && item && item.total > 0) {
        bar.max = item.total;
        bar.value = item.done;
        text.textContent = t('im.progress', { done: fmtNumber(item.done), total: fmtNumber(item.total) });
      }
    } catch {
      /* the upload's own answer says what went wrong */
    }
    if (!stopped) setTimeout(tick, 300);
  };
  setTimeout(tick, 300);
  return () => { stopped = true; };
}

async function main() {
  await startPage('import');
  const box = document.getElementById('form-box');
  const reportBox = document.getElementById('report-box');
  if (!gate(box, ['owner'])) {
    document.body.dataset.ready = 'true';
    return;
  }
  const status = el('div', { id: 'im-status', tabindex: '-1' });
  const form = buildForm();
  box.append(status, form);
  const errors = new FormErrors(form, FIELDS, status);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    errors.clear();
    const file = form.querySelector('#im-file').files[0];
    if (!file) {
      errors.show('im-file', t('im.file.missing'));
      return;
    }
    const plugin = form.querySelector('#im-plugin').value || BY_EXTENSION[extension(file.name)];
    if (!plugin) {
      errors.show('im-plugin', t('im.plugin.missing'));
      return;
    }
    const button = form.querySelector('#im-submit');
    button.disabled = true;
    const stop = watchProgress(reportBox, file.name);
    let report;
    try {
      report = await upload(`/imports?plugin=${encodeURIComponent(plugin)}&name=${encodeURIComponent(file.name)}`,
        file, TYPES[plugin] || 'application/octet-stream');
    } catch (e) {
      clear(reportBox);
      errors.fail(e);
      return;
    } finally {
      stop();
      button.disabled = false;
    }
    showReport(reportBox, report);
  });
  document.body.dataset.ready = 'true';
}

main();
