// Markdown for solution descriptions, kept safe by construction: the text
// is never parsed as HTML. Blocks (paragraphs, bullet and numbered
// lists, headings) and inline marks (**strong**, *em*, `code`, links to
// http(s) and mailto) become DOM nodes whose text is set as text.
// And a sanitiser for the HTML the server renders from Markdown (lessons):
// only an allow-list of elements and attributes survives.

import { el } from './dom.js';

const INLINE = /(\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|`([^`]+)`|\[([^\]]+)\]\(([^)\s]+)\))/;

function safeHref(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : null;
}

export function inline(text) {
  const out = [];
  let rest = text;
  while (rest) {
    const m = INLINE.exec(rest);
    if (!m) {
      out.push(rest);
      break;
    }
    if (m.index) out.push(rest.slice(0, m.index));
    if (m[2] || m[3]) out.push(el('strong', {}, inline(m[2] || m[3])));
    else if (m[4] || m[5]) out.push(el('em', {}, inline(m[4] || m[5])));
    else if (m[6]) out.push(el('code', {}, m[6]));
    else if (m[7]) {
      const href = safeHref(m[8]);
      out.push(href ? el('a', { class: 'kern-link', href, rel: 'noopener noreferrer' }, inline(m[7])) : m[7]);
    }
    rest = rest.slice(m.index + m[0].length);
  }
  return out;
}

// headingLevel: the level a "# " heading in the text maps to.
export function markdown(text, { headingLevel = 3 } = {}) {
  const nodes = [];
  const lines = (text || '').replace(/\r\n?/g, '\n').split('\n');
  const marks = lines.map((l) => /^(#{1,6})\s/.exec(l)).filter(Boolean).map((m) => m[1].length);
  const top = marks.length ? Math.min(...marks) : 1;
  let para = [];
  let list = null;
  const flushPara = () => {
    if (para.length) nodes.push(el('p', { class: 'kern-body' }, inline(para.join(' '))));
    para = [];
  };
  const flushList = () => {
    if (list) nodes.push(list);
    list = null;
  };
  for (const raw of lines) {
    const line = raw.trimEnd();
    let m;
    if (!line.trim()) {
      flushPara();
      flushList();
    } else if ((m = /^\s*[-*+]\s+(.*)$/.exec(line))) {
      flushPara();
      if (!list || list.tagName !== 'UL') {
        flushList();
        list = el('ul', { class: 'kern-list kern-list--bullet' });
      }
      list.append(el('li', {}, inline(m[1])));
    } else if ((m = /^\s*\d+[.)]\s+(.*)$/.exec(line))) {
      flushPara();
      if (!list || list.tagName !== 'OL') {
        flushList();
        list = el('ol', { class: 'kern-list kern-list--number' });
      }
      list.append(el('li', {}, inline(m[1])));
    } else if ((m = /^(#{1,6})\s+(.*)$/.exec(line))) {
      flushPara();
      flushList();
      const level = Math.min(6, headingLevel + m[1].length - top);
      nodes.push(el(`h${level}`, { class: 'kern-heading-small' }, inline(m[2])));
    } else if (list && /^\s+\S/.test(raw)) {
      list.lastChild.append(' ', ...inline(line.trim()));
    } else {
      flushList();
      para.push(line.trim());
    }
  }
  flushPara();
  flushList();
  return nodes;
}

const ALLOWED = new Set(['P', 'UL', 'OL', 'LI', 'EM', 'STRONG', 'CODE', 'PRE', 'A',
  'BLOCKQUOTE', 'BR', 'HR', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'DEL', 'TABLE',
  'THEAD', 'TBODY', 'TR', 'TH', 'TD']);

// Server-rendered Markdown HTML reduced to the allow-list; headings are
// pushed down to headingLevel and below so the page outline stays right.
export function sanitize(html, { headingLevel = 4 } = {}) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html || ''; // a template's content is inert: nothing runs
  // The text's top heading level becomes headingLevel, whatever it was.
  const levels = [...tpl.content.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => Number(h.tagName[1]));
  const top = levels.length ? Math.min(...levels) : 1;
  const walk = (src) => {
    const out = [];
    for (const n of src.childNodes) {
      if (n.nodeType === Node.TEXT_NODE) {
        out.push(document.createTextNode(n.textContent));
      } else if (n.nodeType === Node.ELEMENT_NODE) {
        const kids = walk(n);
        if (!ALLOWED.has(n.tagName)) {
          if (!['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'TEMPLATE'].includes(n.tagName)) out.push(...kids);
          continue;
        }
        let tag = n.tagName.toLowerCase();
        if (/^h[1-6]$/.test(tag))
          tag = `h${Math.min(6, headingLevel + Number(tag[1]) - top)}`;
        const attrs = {};
        if (tag === 'a') {
          const href = safeHref(n.getAttribute('href') || '');
          if (!href) {
            out.push(...kids);
            continue;
          }
          Object.assign(attrs, { href, class: 'kern-link', rel: 'noopener noreferrer' });
        }
        if (tag === 'p') attrs.class = 'kern-body';
        if (tag === 'ul') attrs.class = 'kern-list kern-list--bullet';
        if (tag === 'ol') attrs.class = 'kern-list kern-list--number';
        out.push(el(tag, attrs, kids));
      }
    }
    return out;
  };
  return walk(tpl.content);
}
