// Deliveries, for admins: how far each notifier (webhook, e-mail, Lua
// notifiers) has got through the event log, and the dead letters, the
// events a notifier gave up on. A dead letter is sent again, or discarded
// after a second, confirming click. The server checks every action again:
// only an admin may retry or discard.

import { t, fmtDate, fmtNumber } from './i18n.js';
import { get, getAll, post, del, describeError } from './api.js';
import { el, clear, alertBox, table, badge } from './dom.js';
import { startPage, announce } from './page.js';
import { formData } from './forms.js';

const DEAD_PAGES = 5; // 500 dead letters at most on the page

function statusTable(items) {
  if (items.length === 0)
    return el('p', { class: 'kern-body', id: 'status-none' }, t('dl.status.none'));
  const node = table(t('dl.status.table'),
    [t('dl.col.notifier'), t('dl.col.running'), t('dl.col.behind'), t('dl.col.pending'),
      t('dl.col.retrying'), t('dl.col.dead'), t('dl.col.delivered')],
    items.map((s) => [
      s.subscriber,
      s.running ? t('dl.running') : t('dl.stopped'),
      fmtNumber(Math.max(0, (s.last_event_id || 0) - (s.cursor || 0))),
      fmtNumber(s.pending), fmtNumber(s.retrying),
      s.dead > 0 ? badge(fmtNumber(s.dead), 'danger') : fmtNumber(s.dead),
      fmtNumber(s.delivered),
    ]), { numeric: [2, 3, 4, 5, 6] });
  node.querySelector('table').id = 'status-table';
  return node;
}

function button(kind, text, attrs) {
  return el('button', { type: 'button', class: `kern-btn kern-btn--${kind} kern-btn--x-small`, ...attrs },
    el('span', { class: 'kern-label' }, text));
}

// The buttons of one dead letter: retry, discard; discarding asks again.
function actions(d, act) {
  const box = el('div', { class: 'rl-actions', 'data-actions': d.id });
  const name = `${t('dl.letter')} ${d.id}`;
  const normal = () => clear(box).append(
    button('secondary', t('dl.retry'), {
      'data-retry': d.id, 'aria-label': `${t('dl.retry')}: ${name}`, onclick: () => act('retry', d),
    }),
    button('tertiary', t('dl.discard'), {
      'data-discard': d.id, 'aria-label': `${t('dl.discard')}: ${name}`,
      onclick: () => {
        clear(box).append(
          button('primary', t('dl.discard.confirm'), {
            'data-confirm': d.id, 'aria-label': `${t('dl.discard.confirm')}: ${name}`,
            onclick: () => act('discard', d),
          }),
          button('secondary', t('dl.cancel'), {
            'aria-label': `${t('dl.cancel')}: ${name}`,
            onclick: () => {
              normal();
              box.querySelector('[data-discard]').focus();
            },
          }));
        box.querySelector('[data-confirm]').focus();
      },
    }));
  normal();
  return box;
}

function deadTable(items, act) {
  if (items.length === 0)
    return el('p', { class: 'kern-body', id: 'dead-none' }, t('dl.dead.none'));
  const node = table(t('dl.dead.table', { n: items.length }),
    [t('dl.col.id'), t('dl.col.notifier'), t('dl.col.event'), t('dl.col.subject'),
      t('dl.col.attempts'), t('dl.col.error'), t('dl.col.when'), t('dl.col.actions')],
    items.map((d) => [
      String(d.id), d.subscriber, d.event_type || '–', d.subject || '–',
      fmtNumber(d.attempts), d.last_error || '–', fmtDate(d.updated_at), actions(d, act),
    ]), { numeric: [4] });
  node.querySelector('table').id = 'dead-table';
  return node;
}

async function load() {
  const [status, dead] = await Promise.all([
    get('/deliveries/status'),
    getAll('/deliveries?state=dead&limit=100', DEAD_PAGES),
  ]);
  return { status: status.items, dead };
}

async function main() {
  await startPage('deliveries');
  const statusBox = document.getElementById('status-box');
  const deadBox = document.getElementById('dead-box');
  const data = await formData(statusBox, ['admin'], load);
  if (!data) return;
  const message = el('div', { id: 'dl-message', tabindex: '-1' });
  const statusPart = el('div');
  const deadPart = el('div');

  const draw = ({ status, dead }) => {
    clear(statusPart).append(statusTable(status));
    clear(deadPart).append(deadTable(dead, act));
  };

  async function act(what, d) {
    clear(message);
    try {
      if (what === 'retry') await post(`/deliveries/${d.id}/retry`);
      else await del(`/deliveries/${d.id}`);
      draw(await load());
    } catch (e) {
      message.append(alertBox('danger', describeError(e)));
      message.focus();
      return;
    }
    const msg = t(what === 'retry' ? 'dl.retried' : 'dl.discarded', { id: d.id });
    message.append(alertBox('success', msg));
    announce(msg);
    // The row is gone: the next one's first button, or the message.
    (deadPart.querySelector('[data-retry]') || message).focus();
  }

  statusBox.append(el('h2', { class: 'kern-heading-medium' }, t('dl.status.title')), statusPart);
  deadBox.append(el('h2', { class: 'kern-heading-medium' }, t('dl.dead.title')),
    el('p', { class: 'kern-body' }, t('dl.dead.lead')), message, deadPart);
  draw(data);
  document.body.dataset.ready = 'true';
}

main();
