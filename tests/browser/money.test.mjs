// The cost form's arithmetic (web/js/forms.js) against the server's: what
// the form shows while typing must be what the server saves. Amounts are
// read from German (or English) text into exact cents, and the derived
// figures agree with the server's to the cent for the demo's reports and
// for reports made here, rounding included.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './harness.mjs';
import { parseHundredths, deriveCosts } from '../../web/js/forms.js';

let server;

before(async () => {
  server = await startServer();
});

after(async () => {
  await server?.stop();
});

test('amounts typed the German or English way become exact cents', () => {
  const de = (s) => parseHundredths(s, 'de');
  assert.deepEqual(de('1.234,56'), { value: 123456n });
  assert.deepEqual(de('1234,5'), { value: 123450n });
  assert.deepEqual(de(' 12.000 € '), { value: 1200000n });
  assert.deepEqual(de('0,07'), { value: 7n });
  assert.deepEqual(de('90.071.992.547.409,93'), { value: 9007199254740993n }, 'beyond 2^53, still exact');
  assert.deepEqual(de(''), { empty: true });
  for (const bad of ['1,234', '1.23', '12.34,5', '-5', '1e3', '12,', ',5', 'zwölf'])
    assert.deepEqual(de(bad), { error: 'format' }, bad);
  assert.deepEqual(parseHundredths('1,234.56', 'en'), { value: 123456n });
  assert.deepEqual(parseHundredths('1.234,56', 'en'), { error: 'format' });
});

test('the figures shown while typing are the ones the server derives', async () => {
  const admin = server.token('admin', 'dataport');
  const local = (c) => deriveCosts({
    one_off: BigInt(c.one_off_cents ?? 0),
    operating: BigInt(c.operating_cents ?? 0),
    contributions: BigInt(c.contributions_cents ?? 0),
    licence: BigInt(c.licence_cents ?? 0),
    build_alone: BigInt(c.build_alone_cents ?? 0),
    effort_centidays: parseHundredths(String(c.own_effort_days ?? 0).replace('.', ','), 'de').value,
    day_rate: BigInt(c.derived.day_rate_cents),
  });
  const asNumbers = (d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, v === null ? null : Number(v)]));

  // Every report of the demo.
  const demo = (await server.api('/api/v1/cost-reports?limit=500', { token: admin })).json.items;
  assert.ok(demo.length >= 5);
  for (const c of demo)
    assert.deepEqual(asNumbers(local(c)), c.derived, `cost report ${c.id}`);

  // And new ones whose effort is priced to half a cent, that never pay
  // back, save nothing, or pay back at once.
  const adoption = (await server.api('/api/v1/solutions/wohngeld-online/adoptions?status=live&sort=id'))
    .json.items[0];
  const cases = [
    { own_effort_days: 12.5, day_rate_cents: 81235, one_off_cents: 1234567, build_alone_cents: 15000000 },
    { own_effort_days: 0.29, day_rate_cents: 33333, operating_cents: 999999, build_alone_cents: 999999 },
    { own_effort_days: 3.33, one_off_cents: 5, licence_cents: 7, build_alone_cents: 1 },
    { operating_cents: 100, build_alone_cents: 50000 },
    { own_effort_days: 1234.01, day_rate_cents: 99999, contributions_cents: 123, build_alone_cents: 987654321 },
  ];
  for (const body of cases) {
    const r = await server.api('/api/v1/cost-reports', {
      method: 'POST', token: admin,
      body: { adoption: adoption.id, period_start: '2026-01-01', period_end: '2026-12-31', ...body },
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    assert.deepEqual(asNumbers(local(r.json)), r.json.derived, JSON.stringify(body));
  }
});
