// The two Prometheus HTTP API calls the checker needs: an instant query's series count
// and a label's values for a selector, through the one HTTP helper (src/exec/http.ts).
import { httpRequest, safeUrl } from '../exec/http.js';
import { DashboardError } from '../errors.js';

interface ApiAnswer<T> { status: string; data?: T; error?: string }

async function getJson<T>(base: string, path: string, params: URLSearchParams): Promise<T> {
  const url = `${base.replace(/\/+$/, '')}${path}?${params.toString()}`;
  let answer: ApiAnswer<T>;
  try {
    // No expectStatus: Prometheus answers errors (400/422/503) with a JSON {status: "error"} body.
    const response = await httpRequest(url, { timeoutMs: 10_000 });
    answer = (await response.json()) as ApiAnswer<T>;
  } catch (error) {
    throw new DashboardError(`Prometheus at ${safeUrl(base)} could not be queried: ${(error as Error).message}`, { cause: error, hint: 'check --prometheus URL' });
  }
  if (answer.status !== 'success' || answer.data === undefined) throw new Error(answer.error ?? `Prometheus answered status ${answer.status}`);
  return answer.data;
}

/** Number of series an instant query returns now (throws the server's error for a bad query). */
export async function instantSeriesCount(base: string, expr: string): Promise<number> {
  const data = await getJson<{ resultType: string; result: unknown[] | unknown }>(base, '/api/v1/query', new URLSearchParams({ query: expr }));
  return Array.isArray(data.result) ? data.result.length : 1;
}

/** Values of `label` on series matching `selector` (all series when undefined), sorted. */
export async function labelValues(base: string, label: string, selector?: string): Promise<string[]> {
  const params = new URLSearchParams();
  if (selector !== undefined) params.append('match[]', selector);
  const values = await getJson<string[]>(base, `/api/v1/label/${encodeURIComponent(label)}/values`, params);
  return [...values].sort();
}
