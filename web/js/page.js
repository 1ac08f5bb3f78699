// What every page shares: the header with the KERN Kopfzeile, the main
// navigation (showing only what the signed-in role may use), the
// language switch, the footer, and a polite live region for messages.

import { t, label, lang, setLang, applyI18n } from './i18n.js';
import { get, loadSession, signOut, currentSession } from './api.js';
import { el, svg, clear } from './dom.js';

function flag() {
  return svg('svg', {
    xmlns: 'http://www.w3.org/2000/svg', viewBox: '0 0 24 16', width: 24, height: 16,
    'aria-hidden': 'true', focusable: 'false',
  },
  svg('path', { fill: '#000', d: 'M0 0h24v5.333H0z' }),
  svg('path', { fill: '#D00', d: 'M0 5.333h24v5.334H0z' }),
  svg('path', { fill: '#FFCE00', d: 'M0 10.667h24V16H0z' }));
}

function navLink(href, key, active, name) {
  return el('li', { class: 'rl-nav__item' },
    el('a', {
      class: 'kern-link rl-nav__link',
      href,
      'aria-current': active === name ? 'page' : null,
    }, t(key)));
}

function renderHeader(active) {
  const s = currentSession();
  const header = document.getElementById('site-header');
  clear(header);
  const items = [navLink('/', 'nav.catalogue', active, 'catalogue'),
    navLink('/reports.html', 'nav.reports', active, 'reports')];
  if (s.signed_in && (s.role === 'onboarding' || s.role === 'admin'))
    items.push(navLink('/board.html', 'nav.board', active, 'board'));
  if (s.signed_in && (s.role === 'adopter' || s.role === 'admin'))
    items.push(navLink('/costs.html', 'nav.costs', active, 'costs'));
  if (s.signed_in && (s.role === 'owner' || s.role === 'admin'))
    items.push(navLink('/import.html', 'nav.import', active, 'import'));
  if (s.signed_in && s.role === 'admin')
    items.push(navLink('/accounts.html', 'nav.accounts', active, 'accounts'),
      navLink('/deliveries.html', 'nav.deliveries', active, 'deliveries'));
  if (s.signed_in)
    items.push(navLink('/subscriptions.html', 'nav.subscriptions', active, 'subscriptions'));
  // Who is signed in, their own settings and the language: beside the
  // brand, apart from the pages.
  const account = [];
  if (s.signed_in) {
    account.push(el('li', { class: 'rl-nav__item rl-nav__who', 'data-testid': 'who' },
      t('nav.signedin', { role: label('role', s.role), org: s.organisation_name || s.organisation })));
    if (s.username) account.push(navLink('/password.html', 'nav.password', active, 'password'));
    account.push(el('li', { class: 'rl-nav__item' },
      el('button', {
        type: 'button', class: 'kern-btn kern-btn--tertiary kern-btn--x-small',
        onclick: async () => {
          try {
            await signOut();
          } finally {
            location.href = '/signin.html?signedout=1';
          }
        },
      }, el('span', { class: 'kern-label' }, t('nav.signout')))));
  } else {
    account.push(navLink(`/signin.html?next=${encodeURIComponent(location.pathname + location.search)}`,
      'nav.signin', active, 'signin'));
  }
  const other = t('lang.switch.code');
  account.push(el('li', { class: 'rl-nav__item' },
    el('button', {
      type: 'button', class: 'kern-btn kern-btn--secondary kern-btn--x-small',
      lang: other, 'data-testid': 'lang-switch',
      onclick: () => {
        setLang(other);
        location.reload();
      },
    }, el('span', { class: 'kern-label' }, t('lang.switch')))));

  header.append(
    el('div', { class: 'kern-kopfzeile' },
      el('div', { class: 'kern-container' },
        el('div', { class: 'kern-kopfzeile__content' },
          el('span', { class: 'kern-kopfzeile__flagge' }, flag()),
          el('span', { class: 'kern-kopfzeile__label' }, t('site.kopfzeile'))))),
    el('div', { class: 'kern-container rl-header__bar' },
      el('a', { class: 'rl-brand', href: '/' },
        el('span', { class: 'rl-brand__name' }, t('site.name')),
        el('span', { class: 'rl-brand__tagline' }, t('site.tagline'))),
      el('ul', { class: 'rl-nav__list rl-account', 'aria-label': t('nav.account') }, account)),
    el('div', { class: 'kern-container rl-header__pages' },
      el('nav', { 'aria-label': t('nav.label'), class: 'rl-nav' },
        el('ul', { class: 'rl-nav__list' }, items))));
}

function renderFooter() {
  const footer = document.getElementById('site-footer');
  clear(footer);
  footer.append(el('div', { class: 'kern-container rl-footer__inner' },
    el('p', { class: 'kern-body kern-body--small' }, t('footer.text')),
    el('p', { class: 'kern-body kern-body--small' },
      el('a', { class: 'kern-link kern-link--small', href: '/api/v1' }, t('footer.api')))));
}

// Starts a page: texts, session, header and footer. Returns the session.
export async function startPage(active) {
  applyI18n();
  document.documentElement.lang = lang;
  const s = await loadSession();
  if (s.signed_in && s.organisation) {
    try {
      s.organisation_name = (await get(`/organisations/${encodeURIComponent(s.organisation)}`)).name;
    } catch {
      /* the slug will do */
    }
  }
  renderHeader(active);
  renderFooter();
  return s;
}

// Says msg to screen-reader users without moving focus.
export function announce(msg) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  // A fresh text node after a tick is announced even if msg repeats.
  setTimeout(() => { live.textContent = msg; }, 50);
}
