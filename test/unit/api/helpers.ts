// A fake ControlCore (in memory) and a server on port 0 for API tests over real HTTP.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchmarkView, ControlCore, ServiceView } from '../../../src/api/control-core.js';
import { ConflictError, NotFoundError } from '../../../src/errors.js';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../../../src/api/server.js';
import type { TierName } from '../../../src/dispatch/tiers.js';

export const TOKEN = 'test-token-0123456789abcdef';

/** A 0600 token file holding `token`. */
export function tokenFile(token = TOKEN, mode = 0o600): string {
  const file = join(mkdtempSync(join(tmpdir(), 'aibench-api-')), 'token');
  writeFileSync(file, `${token}\n`);
  chmodSync(file, mode);
  return file;
}

export class FakeCore implements ControlCore {
  services = new Map<string, ServiceView>([['svc-1', { id: 'svc-1', status: 'READY', model: 'sim-model' }]]);
  benchmarks = new Map<string, BenchmarkView>();
  depth: Record<TierName, number> = { immediate: 0, interactive: 0, preload: 0, background: 0 };
  calls: string[] = [];

  async listServices() {
    return [...this.services.values()];
  }
  async getService(id: string) {
    const s = this.services.get(id);
    if (!s) throw new NotFoundError(`unknown service ${id}`);
    return s;
  }
  async startService(input: { model: string; name?: string }) {
    const id = input.name ?? `svc-${this.services.size + 1}`;
    const view = { id, status: 'PENDING', model: input.model };
    this.services.set(id, view);
    this.calls.push(`start ${id}`);
    return view;
  }
  async stopService(id: string) {
    const s = this.services.get(id);
    if (!s) throw new NotFoundError(`unknown service ${id}`);
    s.status = 'STOPPED';
    return s;
  }
  async serviceModels(id: string) {
    if (!this.services.has(id)) throw new NotFoundError(`unknown service ${id}`);
    return { models: ['sim-model'] };
  }
  async modelCatalogue(cluster: string | undefined) {
    this.calls.push(`models ${cluster ?? '(default)'}`);
    return { cluster: cluster ?? 'c', source: 'hf-cache' as const, cached: false, fetched_at: '2026-01-01T00:00:00.000Z', models: [{ id: 'org/m', complete: true }] };
  }
  async startBenchmark(input: BenchmarkView['request'], source: 'browser' | 'tool') {
    if (!this.services.has(input.service_id)) throw new NotFoundError(`unknown service ${input.service_id}`);
    if (input.service_id === 'boom') throw new Error('secret detail /etc/shadow');
    const id = `b${this.benchmarks.size + 1}`;
    const tier: TierName = input.run_now ? 'immediate' : source === 'browser' ? 'interactive' : 'background';
    this.benchmarks.set(id, { id, status: 'queued', tier, request: input, created_at: new Date().toISOString() });
    this.depth[tier] += 1;
    return { id, status: 'queued' as const, tier };
  }
  async getBenchmark(id: string) {
    const b = this.benchmarks.get(id);
    if (!b) throw new NotFoundError(`unknown benchmark ${id}`);
    return b;
  }
  async listBenchmarks() {
    return [...this.benchmarks.values()];
  }
  async cancelBenchmark(id: string) {
    const b = await this.getBenchmark(id);
    if (b.status !== 'queued' && b.status !== 'running') throw new ConflictError(`benchmark ${id} already ${b.status}`);
    b.status = 'cancelled';
    return b;
  }
  queueDepth() {
    return { ...this.depth };
  }
  paused: TierName[] = [];
  queueState() {
    return { depth: this.queueDepth(), paused: [...this.paused], waits: {} };
  }
  async pauseTier(tier: TierName) {
    if (!this.paused.includes(tier)) this.paused.push(tier);
    this.calls.push(`pause ${tier}`);
    return this.queueState();
  }
  async resumeTier(tier: TierName) {
    this.paused = this.paused.filter((t) => t !== tier);
    this.calls.push(`resume ${tier}`);
    return this.queueState();
  }
  async close() {}
}

/** Start a server on 127.0.0.1:0 with a token and the fake core (overridable). */
export async function startTestServer(options: Partial<ApiServerOptions> = {}): Promise<ApiServer & { core: FakeCore; logs: string[] }> {
  const core = (options.core as FakeCore | undefined) ?? new FakeCore();
  const logs: string[] = [];
  const server = await startApiServer({ listen: '127.0.0.1:0', tokenFile: tokenFile(), corsOrigins: ['https://grafana.example'], logWrite: (l) => logs.push(l), ...options, core });
  return { ...server, core, logs };
}

export const auth = { authorization: `Bearer ${TOKEN}` };
export const jsonAuth = { ...auth, 'content-type': 'application/json' };

/** Send raw bytes and collect everything the server writes until it closes the connection. */
export function rawExchange(url: string, bytes: string): Promise<string> {
  const { port, hostname } = new URL(url);
  return new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.on('data', (d) => (text += d.toString()));
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write(bytes);
  });
}
