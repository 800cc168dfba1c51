// The Prometheus HTTP API calls aibench makes (the dashboard checker, a run's GPU figures and
// PromQL assertions): an instant query's series or values
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

/** One series of an instant query's answer (a scalar answers as one series without labels). */
interface InstantSample {
  labels: Record<string, string>;
  value: number;
}

/** An instant query evaluated at `timeS` (epoch seconds): every series' value (NaN kept, for the caller to judge). */
export async function instantQuery(base: string, expr: string, timeS: number): Promise<InstantSample[]> {
  type Answer = { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> | [number, string] };
  const data = await getJson<Answer>(base, '/api/v1/query', new URLSearchParams({ query: expr, time: String(timeS) }));
  if (data.resultType === 'scalar') return [{ labels: {}, value: Number((data.result as [number, string])[1]) }];
  if (data.resultType !== 'vector') throw new Error(`expected an instant vector or a scalar, got a ${data.resultType}`);
  return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
}
