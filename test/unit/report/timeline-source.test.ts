// The send-time reconstruction checked on recorded runs: the last request must end when the run
// ended (duration_s), which it only does if every start was put back where it was.
import { describe, expect, it } from 'vitest';
import { requestTimes } from '../../../src/report/timeline-source.js';
import { fixture, fixtureRuns, withoutDetail } from '../../helpers/result-fixtures.js';

function lastEndMs(name: string, step = 0): { end: number; duration: number; maxInFlight: number } {
  const run = fixtureRuns(name)[step]!;
  const times = requestTimes(run)!;
  const ends = times.requests.map((r, i) => times.startMs[i]! + r.e2el_ms);
  let maxInFlight = 0;
  for (const t of times.startMs) maxInFlight = Math.max(maxInFlight, times.startMs.filter((s, i) => s <= t && ends[i]! > t).length);
  return { end: Math.max(...ends), duration: run.duration_s * 1000, maxInFlight };
}

describe('requestTimes', () => {
  it.each([['detailed/base.json', 0, 4], ['detailed/sweep.json', 0, 1], ['detailed/sweep.json', 2, 4]])('closed loop %s[%d]: ends at the run end, never more than the concurrency in flight', (name, step, concurrency) => {
    const { end, duration, maxInFlight } = lastEndMs(name, step);
    expect(Math.abs(end - duration)).toBeLessThan(0.02 * duration);
    expect(maxInFlight).toBe(concurrency);
  });

  it('rate mode: the seeded schedule plus send lag ends at the run end', () => {
    const { end, duration } = lastEndMs('detailed/rate.json');
    expect(Math.abs(end - duration)).toBeLessThan(0.02 * duration);
  });

  it('says the times are reconstructed, and has none without detail', () => {
    expect(requestTimes(fixture('detailed/base.json'))).toMatchObject({ source: 'reconstructed', note: 'send times reconstructed: 4 workers replayed in request order' });
    expect(requestTimes(withoutDetail(fixture('detailed/base.json')))).toBeUndefined();
  });
});
