// Building DOM nodes without innerHTML: text from the API always lands in
// text nodes, so nothing it contains can become markup.

// el('a', {href: '/', class: 'kern-link'}, 'text', childNode, [more])
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function')
      node.addEventListener(k.slice(2), v);
    else if (k === 'dataset')
      Object.assign(node.dataset, v);
    else if (v === true)
      node.setAttribute(k, '');
    else
      node.setAttribute(k, String(v));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {}))
    if (v !== undefined && v !== null && v !== false)
      node.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

// KERN badge: <span class="kern-badge kern-badge--info"><span class="kern-label">…</span></span>
export function badge(text, kind = 'info', attrs = {}) {
  return el('span', { class: `kern-badge kern-badge--${kind}`, ...attrs },
    el('span', { class: 'kern-label' }, text));
}

// KERN alert with a heading-less body; role="alert" for errors.
export function alertBox(kind, ...content) {
  return el('div', {
    class: `kern-alert kern-alert--${kind}`,
    role: kind === 'danger' ? 'alert' : 'status',
  }, el('div', { class: 'kern-alert__body' },
    el('p', { class: 'kern-body' }, ...content)));
}

// A KERN table with a caption; rows are arrays of cells (text or nodes).
// numeric: indexes of right-aligned columns; foot: a closing row (sums).
export function table(caption, headers, rows, { numeric = [], captionClass = '', foot = null } = {}) {
  const row = (r) => el('tr', { class: 'kern-table__row' }, r.map((c, i) =>
    i === 0
      ? el('th', { class: 'kern-table__header', scope: 'row' }, c)
      : el('td', {
        class: `kern-table__cell${numeric.includes(i) ? ' kern-table__cell--numeric' : ''}`,
      }, c)));
  return el('div', { class: 'kern-table-responsive' },
    el('table', { class: 'kern-table kern-table--small' },
      el('caption', { class: `kern-title ${captionClass}`.trim() }, caption),
      el('thead', { class: 'kern-table__head' },
        el('tr', { class: 'kern-table__row' }, headers.map((h, i) =>
          el('th', {
            class: `kern-table__header${numeric.includes(i) ? ' kern-table__header--numeric' : ''}`,
            scope: 'col',
          }, h)))),
      el('tbody', { class: 'kern-table__body' }, rows.map(row)),
      foot ? el('tfoot', { class: 'kern-table__footer' }, row(foot)) : null));
}

// Query parameter of the page's URL.
export function param(name) {
  return new URLSearchParams(location.search).get(name);
}
