// Badges shared by the catalogue and the solution page: maturity, and
// the quality signals completeness and freshness.

import { t, label, fmtPercent } from './i18n.js';
import { badge } from './dom.js';

function maturityKind(m) {
  return { production: 'success', widespread: 'success', pilot: 'info',
    development: 'info', concept: 'warning', retired: 'danger' }[m] || 'info';
}

export function maturityBadge(m) {
  return badge(t('result.maturity', { m: label('maturity', m) }), maturityKind(m),
    { 'data-maturity': m });
}

// completeness: a percentage or {percent}; freshness: {days, stale}.
export function qualityBadges(completeness, freshness) {
  const pct = typeof completeness === 'object' && completeness ? completeness.percent : completeness;
  const days = freshness ? freshness.days : null;
  let fresh;
  if (freshness && freshness.stale) fresh = badge(t('quality.stale', { n: days }), 'warning');
  else if (days === 0) fresh = badge(t('quality.fresh.today'), 'success');
  else if (days === 1) fresh = badge(t('quality.fresh.one'), 'success');
  else fresh = badge(t('quality.fresh', { n: days }), 'success');
  return [
    badge(t('quality.completeness', { p: fmtPercent(pct || 0) }), pct >= 100 ? 'success' : 'warning'),
    fresh,
  ];
}
