// Language and formats. German is the default; English is one click away
// and remembered in localStorage. Dates, numbers and euro amounts go
// through Intl with the locale of the chosen language.

import { de } from './lang/de.js';
import { en } from './lang/en.js';

const STORE_KEY = 'rollin.lang';

const dicts = { de, en };

function stored() {
  try {
    return localStorage.getItem(STORE_KEY);
  } catch {
    return null;
  }
}

export const lang = stored() === 'en' ? 'en' : 'de';
export const locale = lang === 'en' ? 'en-GB' : 'de-DE';

export function setLang(l) {
  try {
    localStorage.setItem(STORE_KEY, l);
  } catch {
    /* private mode: the choice lasts this page only */
  }
}

// Text for key, with {name} placeholders filled from params.
export function t(key, params = {}) {
  let s = dicts[lang][key] ?? de[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, name) =>
    params[name] === undefined || params[name] === null ? m : String(params[name]));
}

// Label of an enumerated value ("maturity", "pilot"), or the value itself.
export function label(group, value) {
  const key = `${group}.${value}`;
  return dicts[lang][key] ?? de[key] ?? String(value);
}

const dateFmt = new Intl.DateTimeFormat(locale, {
  day: '2-digit', month: '2-digit', year: 'numeric', timeZone: 'UTC',
});
const yearFmt = new Intl.DateTimeFormat(locale, { year: 'numeric', timeZone: 'UTC' });
const euroFmt = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' });
const pctFmt = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });

// "2027-03-02" or a timestamp, shown as 02.03.2027 (de) / 02/03/2027 (en).
export function fmtDate(iso) {
  if (!iso) return '–';
  const d = parseDate(iso);
  return d ? dateFmt.format(d) : iso;
}

export function fmtYear(d) {
  return yearFmt.format(d);
}

export function fmtNumber(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return new Intl.NumberFormat(locale, {
    minimumFractionDigits: 0, maximumFractionDigits: digits,
  }).format(n);
}

// Integer cents (a number or a BigInt), formatted exactly: the amount
// goes to Intl as a decimal string, never through a float division.
export function fmtEuro(cents) {
  if (cents === null || cents === undefined) return '–';
  let c = typeof cents === 'bigint' ? cents : BigInt(Math.round(Number(cents)));
  const neg = c < 0n;
  if (neg) c = -c;
  const s = `${neg ? '-' : ''}${c / 100n}.${String(c % 100n).padStart(2, '0')}`;
  return euroFmt.format(s);
}

export function fmtPercent(p) {
  return pctFmt.format(p / 100);
}

// Dates in the API are calendar dates (UTC midnight) or UTC timestamps.
export function parseDate(iso) {
  if (!iso) return null;
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

// Fills every element marked data-i18n="key" (text) and
// data-i18n-attr="attr:key,attr:key" (attributes) below root.
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]'))
    el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(',')) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
  document.documentElement.lang = lang;
}
