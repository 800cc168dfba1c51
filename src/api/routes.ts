// The route table: method + path pattern -> handler over the ControlCore. Handlers return a
// status and a JSON body; they throw AibenchError subclasses, which server.ts answers with their httpStatus.
// Lists are bare JSON arrays: the dashboards' service dropdown reads GET /api/services as one.
import type { IncomingMessage } from 'node:http';
import { readJsonBody } from './body.js';
import { errorMessage, RequestRefused, UsageError } from '../errors.js';
import { tierFromName, tierName, type TierName } from '../dispatch/tiers.js';
import type { ControlCore, RequestSource } from './control-core.js';
import { BenchmarkRequestSchema, parseBody, PATH_ID, ServiceRequestSchema } from './validation.js';

interface RouteContext {
  req: IncomingMessage;
  params: string[];
  core: ControlCore;
  bodyLimit: number;
}

interface RouteAnswer {
  status: number;
  body: unknown;
}

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  /** The label in metrics and logs. */
  route: string;
  pattern: RegExp;
  /** False only for /health and /metrics. */
  auth: boolean;
  handle(ctx: RouteContext): Promise<RouteAnswer>;
}

const ok = (body: unknown, status = 200): RouteAnswer => ({ status, body });
const SEG = '([^/]+)';

const ROUTES: readonly Route[] = [
  { method: 'GET', route: '/health', pattern: /^\/health$/, auth: false, handle: async () => ok({ status: 'ok' }) },
  { method: 'GET', route: '/api/services', pattern: /^\/api\/services$/, auth: true, handle: async ({ core }) => ok(await core.listServices()) },
  {
    method: 'POST', route: '/api/services', pattern: /^\/api\/services$/, auth: true,
    handle: async ({ core, req, bodyLimit }) => ok(await core.startService(parseBody(ServiceRequestSchema, await readJsonBody(req, bodyLimit)), sourceOf(req)), 202),
  },
  {
    method: 'GET', route: '/api/services/:id', pattern: new RegExp(`^/api/services/${SEG}$`), auth: true,
    handle: async ({ core, params }) => ok(await core.getService(id(params, 'service'))),
  },
  {
    // 202 while the job is being stopped (poll GET /api/services/:id until STOPPED); 200 when already stopped.
    method: 'DELETE', route: '/api/services/:id', pattern: new RegExp(`^/api/services/${SEG}$`), auth: true,
    handle: async ({ core, params }) => {
      const view = await core.stopService(id(params, 'service'));
      return ok(view, view.status === 'STOPPING' ? 202 : 200);
    },
  },
  {
    method: 'GET', route: '/api/services/:id/models', pattern: new RegExp(`^/api/services/${SEG}/models$`), auth: true,
    handle: async ({ core, params }) => ok(await core.serviceModels(id(params, 'service'))),
  },
  {
    method: 'GET', route: '/api/models', pattern: /^\/api\/models$/, auth: true,
    handle: async ({ core, req }) => ok(await core.modelCatalogue(clusterQuery(req))),
  },
  { method: 'GET', route: '/api/benchmarks', pattern: /^\/api\/benchmarks$/, auth: true, handle: async ({ core }) => ok(await core.listBenchmarks()) },
  {
    method: 'POST', route: '/api/benchmarks', pattern: /^\/api\/benchmarks$/, auth: true,
    handle: async ({ core, req, bodyLimit }) => ok(await core.startBenchmark(parseBody(BenchmarkRequestSchema, await readJsonBody(req, bodyLimit)), sourceOf(req)), 202),
  },
  {
    method: 'GET', route: '/api/benchmarks/:id', pattern: new RegExp(`^/api/benchmarks/${SEG}$`), auth: true,
    handle: async ({ core, params }) => ok(await core.getBenchmark(id(params, 'benchmark'))),
  },
  {
    method: 'DELETE', route: '/api/benchmarks/:id', pattern: new RegExp(`^/api/benchmarks/${SEG}$`), auth: true,
    handle: async ({ core, params }) => ok(await core.cancelBenchmark(id(params, 'benchmark'))),
  },
  { method: 'GET', route: '/api/queue', pattern: /^\/api\/queue$/, auth: true, handle: async ({ core }) => ok(core.queueState()) },
  {
    // Hold or release a tier (e.g. the nightly BACKGROUND bulk while a person works); names are case-insensitive.
    method: 'POST', route: '/api/queue/:tier/:action', pattern: new RegExp(`^/api/queue/${SEG}/(pause|resume)$`), auth: true,
    handle: async ({ core, params }) => {
      let tier: TierName;
      try {
        tier = tierName(tierFromName(decodeURIComponent(params[0] ?? ''))) as TierName;
      } catch (error) {
        throw new UsageError(errorMessage(error).replace(/^priority: /, 'tier: '));
      }
      return ok(params[1] === 'pause' ? await core.pauseTier(tier) : await core.resumeTier(tier));
    },
  },
];

// `?cluster=C`: a configured cluster's name (the default cluster when absent).
function clusterQuery(req: IncomingMessage): string | undefined {
  const value = new URLSearchParams((req.url ?? '').split('?')[1]?.split('#')[0] ?? '').get('cluster') ?? undefined;
  if (value !== undefined && !PATH_ID.test(value)) throw new RequestRefused(400, 'invalid query', { issues: [{ path: 'cluster', message: 'expected a configured cluster name (letters, digits, _ . -)' }] });
  return value;
}

// Browsers always send Origin on a cross-origin POST (the forms); tools usually do not.
const sourceOf = (req: IncomingMessage): RequestSource => (req.headers.origin === undefined ? 'tool' : 'browser');

// An id that cannot exist is a 404 without asking the core (and never reaches a path or a shell).
function id(params: string[], what: string): string {
  let value: string;
  try {
    value = decodeURIComponent(params[0] ?? '');
  } catch {
    value = '';
  }
  if (!PATH_ID.test(value)) throw new RequestRefused(404, `unknown ${what}`);
  return value;
}

type RouteMatch = { kind: 'found'; route: Route; params: string[] } | { kind: 'method'; allow: string[] } | { kind: 'none' };

/** Find the route for a method and path; `method` lists the allowed methods when only the method is wrong. */
export function matchRoute(method: string, path: string, routes: readonly Route[] = ROUTES): RouteMatch {
  const allow: string[] = [];
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m === null) continue;
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { kind: 'found', route, params: m.slice(1) };
    allow.push(route.method);
  }
  return allow.length > 0 ? { kind: 'method', allow } : { kind: 'none' };
}
