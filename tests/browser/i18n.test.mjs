// The two languages of the web UI say the same things: every text has
// both a German and an English version, and both fill the same
// placeholders, so that an English page never shows a German fallback
// and no translation drops a number or a name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { de } from '../../web/js/lang/de.js';
import { en } from '../../web/js/lang/en.js';

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('German and English have the same keys', () => {
  assert.deepEqual(Object.keys(en).filter((k) => !(k in de)), [], 'English only');
  assert.deepEqual(Object.keys(de).filter((k) => !(k in en)), [], 'German only');
});

test('every translation fills the same placeholders', () => {
  const differ = Object.keys(de).filter((k) => k in en)
    .filter((k) => placeholders(de[k]).join() !== placeholders(en[k]).join())
    .map((k) => `${k}: {${placeholders(de[k])}} vs {${placeholders(en[k])}}`);
  assert.deepEqual(differ, []);
});

test('no text is empty', () => {
  for (const [name, dict] of [['de', de], ['en', en]])
    for (const [k, v] of Object.entries(dict))
      assert.ok(typeof v === 'string' && v.trim() !== '', `${name} ${k} is empty`);
});
