// Charts drawn as SVG: the release timeline, the maintenance cycles with
// support and end-of-life bands (like endoflife.date's tables, drawn),
// and simple horizontal bars. Each chart is an image with a title and a
// description; the page puts a table with the same facts next to it.

import { t, fmtDate, fmtYear, parseDate, label } from './i18n.js';
import { svg } from './dom.js';

const DAY = 86400000;
const COLOURS = {
  released: '#0b4fa8',
  planned: '#0b4fa8',
  withdrawn: '#6b6f80',
  support: '#1b7f4a',
  security: '#f2b705',
  eol: '#d9dce3',
  extended: '#9c7ad1',
  today: '#bd0f09',
  axis: '#131525',
  bar: '#0b4fa8',
};

let chartSeq = 0;

function frame(width, height, title, desc) {
  const id = `chart-${++chartSeq}`;
  return svg('svg', {
    class: 'rl-chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-labelledby': `${id}-title ${id}-desc`, xmlns: 'http://www.w3.org/2000/svg',
  },
  svg('title', { id: `${id}-title` }, title),
  svg('desc', { id: `${id}-desc` }, desc));
}

function scale(d0, d1, x0, x1) {
  const k = (x1 - x0) / Math.max(1, d1 - d0);
  return (d) => x0 + (d - d0) * k;
}

function yearTicks(g, d0, d1, x, yTop, yBottom) {
  const first = new Date(Date.UTC(new Date(d0).getUTCFullYear() + 1, 0, 1));
  for (let y = first; y.getTime() < d1; y = new Date(Date.UTC(y.getUTCFullYear() + 1, 0, 1))) {
    const xx = x(y.getTime());
    g.append(svg('line', {
      x1: xx, x2: xx, y1: yTop, y2: yBottom, stroke: '#8a8fa3', 'stroke-width': 1,
      'stroke-dasharray': '2 3',
    }));
    g.append(svg('text', { x: xx + 3, y: yBottom + 16 }, fmtYear(y)));
  }
}

function todayLine(g, x, today, yTop, yBottom) {
  const xx = x(today);
  g.append(svg('line', {
    x1: xx, x2: xx, y1: yTop, y2: yBottom, stroke: COLOURS.today, 'stroke-width': 2,
    'stroke-dasharray': '5 3',
  }));
  g.append(svg('text', { x: xx + 4, y: yTop + 10, 'font-weight': 600 }, t('legend.today')));
}

export function releaseDate(r) {
  return r.status === 'planned' ? (r.planned_date || r.date) : (r.date || r.planned_date);
}

// Releases on a time axis: filled circles for published versions,
// dashed rings for planned ones, grey squares for withdrawn ones.
export function releaseTimeline(releases, today = Date.now()) {
  const items = releases
    .map((r) => ({ ...r, when: parseDate(releaseDate(r)) }))
    .filter((r) => r.when)
    .sort((a, b) => a.when - b.when);
  const W = 900;
  const levels = 4;
  const H = 70 + levels * 24 + 30;
  const axisY = H - 40;
  const times = items.map((r) => r.when.getTime());
  const d0 = Math.min(...times, today) - 45 * DAY;
  const d1 = Math.max(...times, today) + 90 * DAY;
  const x = scale(d0, d1, 20, W - 70);
  const first = items[0];
  const last = items[items.length - 1];
  const planned = items.filter((r) => r.status === 'planned').length;
  const desc = items.length
    ? `${items.length} Releases, ${fmtDate(releaseDate(first))} – ${fmtDate(releaseDate(last))}; `
      + `${label('release', 'planned')}: ${planned}. ${t('sol.releases.table')}.`
    : t('sol.releases.none');
  const s = frame(W, H, t('sol.releases.chart'), desc);
  const g = svg('g');
  s.append(g);
  g.append(svg('line', {
    x1: 10, x2: W - 10, y1: axisY, y2: axisY, stroke: COLOURS.axis, 'stroke-width': 2,
  }));
  yearTicks(g, d0, d1, x, 10, axisY);
  todayLine(g, x, today, 10, axisY);
  items.forEach((r, i) => {
    const xx = x(r.when.getTime());
    const ly = axisY - 26 - (i % levels) * 24;
    g.append(svg('line', {
      x1: xx, x2: xx, y1: axisY, y2: ly + 4, stroke: '#8a8fa3', 'stroke-width': 1,
    }));
    const mark = svg('g', { 'data-version': r.version, 'data-status': r.status });
    if (r.status === 'withdrawn')
      mark.append(svg('rect', {
        x: xx - 6, y: axisY - 6, width: 12, height: 12, fill: COLOURS.withdrawn,
        stroke: COLOURS.axis,
      }));
    else if (r.status === 'planned')
      mark.append(svg('circle', {
        cx: xx, cy: axisY, r: 7, fill: '#fff', stroke: COLOURS.planned, 'stroke-width': 2.5,
        'stroke-dasharray': '3 2',
      }));
    else
      mark.append(svg('circle', {
        cx: xx, cy: axisY, r: 7, fill: COLOURS.released, stroke: '#fff', 'stroke-width': 1.5,
      }));
    mark.append(svg('text', {
      x: xx + 4, y: ly, 'font-weight': r.status === 'planned' ? 400 : 600,
      'font-style': r.status === 'planned' ? 'italic' : 'normal',
      'text-decoration': r.status === 'withdrawn' ? 'line-through' : 'none',
    }, r.version));
    g.append(mark);
  });
  return s;
}

// One row per cycle: active support (green), security updates only
// (yellow) until end of life, then grey; the red line is today.
export function cycleChart(cycles, today = Date.now()) {
  const rows = cycles
    .map((c) => ({
      ...c,
      start: parseDate(c.release_date),
      support: parseDate(c.support_until),
      eolDate: parseDate(c.eol),
      extended: parseDate(c.extended_support),
    }))
    .filter((c) => c.start)
    .sort((a, b) => b.start - a.start);
  const W = 900;
  const rowH = 34;
  const top = 24;
  const H = top + rows.length * rowH + 36;
  const left = 110;
  const times = rows.flatMap((c) => [c.start, c.support, c.eolDate, c.extended].filter(Boolean).map((d) => d.getTime()));
  const d0 = Math.min(...times, today) - 60 * DAY;
  const d1 = Math.max(...times, today) + 120 * DAY;
  const x = scale(d0, d1, left, W - 20);
  const desc = rows.map((c) => `${c.name}: ${fmtDate(c.release_date)} – `
    + `${t('sol.cycle.support')} ${fmtDate(c.support_until)}, ${t('sol.cycle.eol')} ${fmtDate(c.eol)}`
    + (c.extended ? ` (${t('sol.cycle.extended', { d: fmtDate(c.extended_support) })})` : '')).join('; ');
  const s = frame(W, H, t('sol.cycles.chart'), desc || t('sol.cycles.none'));
  const g = svg('g');
  s.append(g);
  const bottom = top + rows.length * rowH;
  yearTicks(g, d0, d1, x, top - 10, bottom);
  rows.forEach((c, i) => {
    const y = top + i * rowH + 6;
    const h = rowH - 12;
    const row = svg('g', { 'data-cycle': c.name });
    row.append(svg('text', { x: 8, y: y + h / 2 + 4, 'font-weight': 600 },
      c.lts ? `${c.name} (LTS)` : c.name));
    const supportEnd = c.support || c.eolDate || new Date(d1);
    const eolEnd = c.eolDate || new Date(d1);
    const seg = (from, to, fill, kind) => {
      const x1 = x(from.getTime());
      const x2 = x(Math.max(from.getTime(), to.getTime()));
      if (x2 - x1 < 0.5) return;
      row.append(svg('rect', {
        x: x1, y, width: x2 - x1, height: h, fill, stroke: COLOURS.axis, 'stroke-width': 1,
        'data-band': kind,
      }));
    };
    seg(c.start, supportEnd, COLOURS.support, 'support');
    if (c.support) seg(c.support, eolEnd, COLOURS.security, 'security');
    if (c.eolDate && c.extended) seg(c.eolDate, c.extended, COLOURS.extended, 'extended');
    if (c.eolDate) seg(c.extended || c.eolDate, new Date(d1), COLOURS.eol, 'eol');
    g.append(row);
  });
  g.append(svg('line', {
    x1: left, x2: W - 20, y1: bottom, y2: bottom, stroke: COLOURS.axis, 'stroke-width': 1.5,
  }));
  todayLine(g, x, today, top - 14, bottom);
  return s;
}

// Horizontal bars: [{label, value}].
export function barChart(title, rows, { unit = '' } = {}) {
  const W = 600;
  const rowH = 26;
  const left = 150;
  const H = rows.length * rowH + 10;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const s = frame(W, H, title, rows.map((r) => `${r.label}: ${r.value}${unit}`).join('; '));
  rows.forEach((r, i) => {
    const y = 5 + i * rowH;
    const w = ((W - left - 60) * r.value) / max;
    s.append(svg('text', { x: 0, y: y + 16 }, r.label));
    if (w > 0)
      s.append(svg('rect', { x: left, y: y + 3, width: w, height: rowH - 8, fill: COLOURS.bar }));
    s.append(svg('text', { x: left + w + 6, y: y + 16 }, `${r.value}${unit}`));
  });
  return s;
}

// Long labels are cut for the drawing; the table beside it has them whole.
function cut(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

// Horizontal bars for amounts that may be negative: [{key, label, value,
// text}], value a number on one scale, text what is written beside it.
export function amountBars(title, rows) {
  const W = 900;
  const rowH = 30;
  const left = 320;
  const right = 140;
  const H = rows.length * rowH + 10;
  const values = rows.map((r) => r.value);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values, 1);
  const x = scale(lo, hi, left, W - right);
  const s = frame(W, H, title, rows.map((r) => `${r.label}: ${r.text}`).join('; '));
  s.append(svg('line', { x1: x(0), x2: x(0), y1: 0, y2: H, stroke: COLOURS.axis, 'stroke-width': 1 }));
  rows.forEach((r, i) => {
    const y = 5 + i * rowH;
    const x1 = Math.min(x(0), x(r.value));
    const w = Math.abs(x(r.value) - x(0));
    const g = svg('g', { 'data-bar': r.key, 'data-value': r.value });
    g.append(svg('text', { x: 0, y: y + 17 }, cut(r.label, 44)));
    if (w > 0)
      g.append(svg('rect', {
        x: x1, y: y + 3, width: w, height: rowH - 9, fill: r.value < 0 ? COLOURS.today : COLOURS.bar,
      }));
    g.append(svg('text', { x: Math.max(x(0), x(r.value)) + 6, y: y + 17 }, r.text));
    s.append(g);
  });
  return s;
}

// Vertical columns over time (years): [{key, label, value, text}].
export function columnChart(title, rows) {
  const W = 900;
  const H = 280;
  const top = 28;
  const values = rows.map((r) => r.value);
  const lo = Math.min(0, ...values);
  const bottom = H - (lo < 0 ? 56 : 34);
  const hi = Math.max(0, ...values, 1);
  const y = (v) => bottom - ((v - lo) * (bottom - top)) / (hi - lo); // larger values higher up
  const slot = (W - 40) / Math.max(1, rows.length);
  const barW = Math.min(120, slot * 0.6);
  const s = frame(W, H, title, rows.map((r) => `${r.label}: ${r.text}`).join('; '));
  s.append(svg('line', { x1: 20, x2: W - 20, y1: y(0), y2: y(0), stroke: COLOURS.axis, 'stroke-width': 1.5 }));
  rows.forEach((r, i) => {
    const cx = 20 + slot * i + slot / 2;
    const y1 = Math.min(y(0), y(r.value));
    const h = Math.abs(y(r.value) - y(0));
    const g = svg('g', { 'data-bar': r.key, 'data-value': r.value });
    if (h > 0)
      g.append(svg('rect', {
        x: cx - barW / 2, y: y1, width: barW, height: h, fill: r.value < 0 ? COLOURS.today : COLOURS.bar,
      }));
    g.append(svg('text', {
      x: cx, y: r.value < 0 ? y(r.value) + 16 : y(r.value) - 8, 'text-anchor': 'middle', 'font-weight': 600,
    }, r.text));
    g.append(svg('text', { x: cx, y: H - 12, 'text-anchor': 'middle' }, r.label));
    s.append(g);
  });
  return s;
}
