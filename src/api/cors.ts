// CORS for the dashboards: only configured origins get Access-Control-* headers; a preflight from
// one is answered 204 with the methods and headers the API accepts; every answer varies by Origin.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { UsageError } from '../errors.js';

export const ALLOW_METHODS = 'GET, POST, DELETE, OPTIONS';
const ALLOW_HEADERS = 'Authorization, Content-Type';
const MAX_AGE_S = 600;

/** `https://grafana.example/` -> `https://grafana.example`; UsageError for anything but an http(s) origin. */
export function normalizeOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`cors-origin: expected an origin like https://grafana.example, got ${JSON.stringify(value)}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname.replace(/\/$/, '') !== '' || url.search !== '' || url.username !== '') {
    throw new UsageError(`cors-origin: expected scheme://host[:port] without a path, got ${JSON.stringify(value)}`);
  }
  return url.origin;
}

type CorsOutcome = 'none' | 'allowed' | 'forbidden' | 'preflight';

/**
 * Set the CORS headers for this request and say what it is: no Origin (`none`), an allowed origin
 * (`allowed`, or `preflight` when the caller should answer 204 now), or another origin (`forbidden`).
 */
export function applyCors(req: IncomingMessage, res: ServerResponse, allowed: ReadonlySet<string>): CorsOutcome {
  res.setHeader('Vary', 'Origin');
  const origin = req.headers.origin;
  if (origin === undefined) return 'none';
  if (!allowed.has(origin)) return 'forbidden';
  res.setHeader('Access-Control-Allow-Origin', origin);
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
    res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
    res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
    res.setHeader('Access-Control-Max-Age', String(MAX_AGE_S));
    return 'preflight';
  }
  return 'allowed';
}
