// A search for people: one row per measured step (its level, each SLO's value and whether it held),
// then the answer, its bracket and why the search stopped.
import type { SearchDocument } from '../bench/results/result-schema.js';
import { fmtNumber, renderTable } from './table.js';

const REASONS: Record<SearchDocument['stop_reason'], string> = {
  converged: 'the bracket is within the precision',
  max_steps: 'the step budget (max_steps) ran out',
  top_passes: 'the top of the range meets every SLO (the capacity may be higher)',
  bottom_fails: 'the bottom of the range misses an SLO',
  interrupted: 'interrupted',
  failed: 'a step measured nothing',
};

/** A level as people read it: whole numbers in flight, rates to two decimals. */
export function fmtLevel(doc: SearchDocument, value: number): string {
  return doc.search.over === 'concurrency' ? String(Math.round(value)) : fmtNumber(value);
}

/** The answer in one line: `answer: 23.4 req/s (passed 23.4, failed 24.5); stopped: ...`. */
export function searchSummary(doc: SearchDocument): string {
  const unit = doc.search.over === 'rate' ? ' req/s' : ' in flight';
  const bracket = [doc.bracket.passed === undefined ? '' : `met at ${fmtLevel(doc, doc.bracket.passed)}`, doc.bracket.failed === undefined ? '' : `missed at ${fmtLevel(doc, doc.bracket.failed)}`].filter(Boolean).join(', ');
  const answer = doc.answer === undefined ? 'no level meets every SLO' : `${fmtLevel(doc, doc.answer)}${unit}`;
  return `answer: ${answer}${bracket ? ` (${bracket})` : ''}; ${doc.steps.length} step(s); stopped: ${REASONS[doc.stop_reason]}`;
}

/** The step table and the summary line. */
export function renderSearchTable(doc: SearchDocument): string {
  const rules = doc.search.slo;
  const rows = doc.steps.map((s, i) => [
    i + 1, s.phase, fmtLevel(doc, s.value), ...s.slo.map((c) => `${c.value === undefined ? '-' : fmtNumber(c.value)} ${c.met ? 'ok' : 'MISS'}`), s.passed ? 'meets' : 'misses',
  ].map(String));
  const head = ['#', 'phase', doc.search.over === 'rate' ? 'rate (req/s)' : 'concurrency', ...rules, 'SLOs'];
  return `${renderTable(head, rows, { title: `search: highest ${doc.search.over} meeting ${rules.join(' and ')} (precision ${doc.search.precision_pct}%)` })}\n${searchSummary(doc)}`;
}
