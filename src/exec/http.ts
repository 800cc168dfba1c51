// The one HTTP client setup for control-plane calls (service probes, Pushgateway, remote-write,
// Prometheus API, bench --push): undici `request` with one timeout covering connect, headers and
// body, the caller's AbortSignal combined with it, the body always read so the socket is freed,
// credentials in the URL turned into Basic auth in one place, and errors that name the request by
// its credential-free URL (never the Authorization header). The load generator's pooled hot path
// (src/bench/client.ts) is deliberately not built on this.
import { getGlobalDispatcher, type Dispatcher } from 'undici';
import { HttpError, HttpStatusError } from '../errors.js';
import { scrubUrlCredentials } from '../common/url-credentials.js';

interface HttpRequestOptions {
  /** Default GET. */
  method?: Dispatcher.HttpMethod;
  /** Lower-case names preferred; an explicit `authorization` wins over URL credentials. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Whole-request budget (headers and body), default 10 s. */
  timeoutMs?: number;
  /** Aborts the request when it fires (combined with the timeout). */
  signal?: AbortSignal | undefined;
  /** When set, any other status throws HttpStatusError (after the body is read). */
  expectStatus?: '2xx' | number | readonly number[];
  /** What the request is called in error messages, before the URL; default the method. */
  label?: string;
}

interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text (already read; calling again is free). */
  text(): Promise<string>;
  /** The body parsed as JSON; an HttpError naming the URL when it is not JSON. */
  json(): Promise<unknown>;
}

/**
 * undici's `request(url, options)` on its global dispatcher, written against the Dispatcher API
 * so the bundle can leave out the rest of undici's index (fetch, WebSocket, caches, mocks: ~45 ms
 * of start-up; see scripts/build-bundle.js). A URL that does not parse throws as undici's would.
 */
export function requestUrl(url: string, options: Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & { method?: Dispatcher.HttpMethod }): Promise<Dispatcher.ResponseData> {
  const parsed = new URL(url);
  return getGlobalDispatcher().request({ ...options, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}`, method: options.method ?? 'GET' });
}

/** A URL safe to print: `user:pass@` removed (the last `@` of the authority, as URL parsing does). */
export function safeUrl(url: string): string {
  return scrubUrlCredentials(url);
}

const scrub = scrubUrlCredentials;

/**
 * The URL without credentials and, when it had some, the Basic `authorization` header they stand
 * for (percent-decoded). A URL without credentials (or one URL cannot parse) comes back unchanged.
 */
export function withUrlCredentials(url: string): { url: string; headers: Record<string, string> } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, headers: {} };
  }
  if (!parsed.username && !parsed.password) return { url, headers: {} };
  const basic = Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64');
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.href, headers: { authorization: `Basic ${basic}` } };
}

function statusExpected(status: number, expect: NonNullable<HttpRequestOptions['expectStatus']>): boolean {
  if (expect === '2xx') return status >= 200 && status < 300;
  if (typeof expect === 'number') return status === expect;
  return expect.includes(status);
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** One request; resolves with the status, headers and the fully read body; see HttpRequestOptions. */
export async function httpRequest(url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
  const method = options.method ?? 'GET';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const where = `${options.label ?? method} ${safeUrl(url)}`;
  const credentials = withUrlCredentials(url);
  const headers: Record<string, string> = { ...credentials.headers };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;

  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  let status: number;
  let responseHeaders: HttpResponse['headers'];
  let text: string;
  try {
    const res = await requestUrl(credentials.url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: options.body }),
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    status = res.statusCode;
    responseHeaders = res.headers;
    // Always read: an unread body keeps the connection busy. Control-plane answers are small.
    text = await res.body.text();
  } catch (error) {
    if (options.signal?.aborted && !timeout.aborted) throw new HttpError(`${where}: aborted`, 'E_HTTP_ABORTED', options.signal.reason);
    const code = (error as { code?: unknown }).code;
    if (timeout.aborted || (typeof code === 'string' && TIMEOUT_CODES.has(code))) {
      throw new HttpError(`${where}: no answer within ${timeoutMs} ms`, 'E_HTTP_TIMEOUT', error);
    }
    throw new HttpError(`${where}: ${scrub(error instanceof Error ? error.message : String(error))}`, 'E_HTTP_NETWORK', error);
  }

  if (options.expectStatus !== undefined && !statusExpected(status, options.expectStatus)) {
    const snippet = text.trim().slice(0, 200);
    const expected = typeof options.expectStatus === 'object' ? options.expectStatus.join('/') : String(options.expectStatus);
    throw new HttpStatusError(`${where}: expected ${expected}, got ${status} ${snippet}`.trimEnd(), status, snippet);
  }
  return {
    status,
    headers: responseHeaders,
    text: () => Promise.resolve(text),
    json: () => {
      try {
        return Promise.resolve(JSON.parse(text) as unknown);
      } catch (error) {
        return Promise.reject(new HttpError(`${where}: answered ${status} with a body that is not JSON: ${text.trim().slice(0, 200)}`, 'E_HTTP_BODY', error));
      }
    },
  };
}
