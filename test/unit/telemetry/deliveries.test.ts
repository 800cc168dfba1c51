// The agent's delivery objects against a small real HTTP receiver on port 0 that answers from a
// script: backoff after a failure, the spool filling while the receiver is away and draining in
// order once it answers, refused batches dropped and counted, the final push and group deletion.
import { mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createPushDelivery } from '../../../src/telemetry/push-delivery.js';
import { createPushgatewaySink } from '../../../src/telemetry/pushgateway-sink.js';
import { decodeWriteRequest, createRemoteWriteSink } from '../../../src/telemetry/remote-write.js';
import { RemoteWriteDelivery, type SpoolRecord } from '../../../src/telemetry/remote-write-delivery.js';
import { SinkHealth } from '../../../src/telemetry/sink-health.js';
import { openSpool } from '../../../src/telemetry/spool.js';

interface Received {
  method: string;
  path: string;
  body: Buffer;
}

/** A receiver answering each request with the next scripted status (the last one repeats). */
async function receiver(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', path: req.url ?? '', body: Buffer.concat(chunks) });
      res.writeHead(statuses.length > 1 ? statuses.shift()! : statuses[0]!).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server };
}
const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A SinkHealth on a clock the test moves, with an exact 1 s first backoff. */
function health(sink = 'test') {
  const clock = { now: 0 };
  const sent: boolean[] = [];
  const log: string[] = [];
  const h = new SinkHealth(sink, { sent: (_s, ok) => sent.push(ok), log: (l) => log.push(l) }, { initialMs: 1000, maxMs: 4000, jitter: 0 }, () => clock.now);
  return { h, clock, sent, log };
}

describe('SinkHealth', () => {
  it.each([
    ['one failure backs off 1 s', [false], [[0, false], [999, false], [1000, true]]],
    ['two failures back off 2 s from the second', [false, false], [[1999, false], [2000, true]]],
    ['a success clears the backoff', [false, true], [[0, true]]],
  ] as const)('%s', (_name, outcomes, readyAt) => {
    const { h, clock, sent } = health();
    for (const ok of outcomes) (ok ? h.succeeded() : h.failed(new Error('down')));
    expect(sent).toEqual(outcomes);
    for (const [at, ready] of readyAt) {
      clock.now = at;
      expect(h.ready, `at ${at} ms`).toBe(ready);
    }
  });

  it('logs the first failure of a streak and the recovery, once each', () => {
    const { h, log } = health('pushgateway');
    h.failed(new Error('ECONNREFUSED'));
    h.failed(new Error('ECONNREFUSED'));
    h.succeeded();
    h.succeeded();
    expect(log).toEqual([expect.stringMatching(/^telemetry: pushgateway send failed: ECONNREFUSED; retrying with backoff \(next in 1000 ms\)$/), 'telemetry: pushgateway answers again']);
  });
});

describe('push delivery', () => {
  it('does not push while backing off; the final push ignores the backoff and the group is deleted', async () => {
    const gw = await receiver([503, 200]);
    const { h, clock } = health();
    const log: string[] = [];
    const push = createPushDelivery(createPushgatewaySink(gw.url, '/metrics/job/j', new Registry()), h, (l) => log.push(l));
    await push.tick(); // 503: back off
    await push.tick(); // still backing off: no request
    expect(gw.received.map((r) => r.method)).toEqual(['PUT']);
    clock.now = 1000;
    await push.tick();
    clock.now = 1001;
    h.failed(new Error('pretend')); // a fresh backoff that finish() must ignore
    await push.finish();
    expect(gw.received.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /metrics/job/j', 'PUT /metrics/job/j', 'PUT /metrics/job/j', 'DELETE /metrics/job/j']);
    expect(log).toContain('telemetry: Pushgateway group deleted');
  });
});

describe('remote-write delivery', () => {
  const record = (t: number): SpoolRecord => ({ t, c: { job: 'aibench_gpu', instance: 'n1' }, p: [['aibench_gpu_power_watts', { gpu: '0' }, t / 10]] });

  async function setup(statuses: number[]) {
    const rx = await receiver(statuses);
    const spool = await openSpool<SpoolRecord>({ dir: await mkdtemp(join(tmpdir(), 'aibench-rw-')), maxBytes: 1e6 });
    const { h, clock } = health('remote_write');
    const events: string[] = [];
    let dropped = 0;
    const delivery = new RemoteWriteDelivery({
      sink: createRemoteWriteSink(`${rx.url}/api/v1/write`), spool, spoolMaxBytes: 1e6, health: h, batch: 2,
      hooks: {
        log: (l) => events.push(l),
        spoolChanged: (_bytes, n) => void (dropped += n),
        spooled: (t) => events.push(`spooled ${t}`),
        drained: (n, bytes) => events.push(`drained ${n} -> ${bytes} bytes`),
      },
    });
    const timestamps = () => rx.received.map((r) => decodeWriteRequest(r.body).map((s) => s.samples[0]!.timestampMs));
    return { rx, spool, clock, events, delivery, timestamps, dropped: () => dropped };
  }

  it('spools while the receiver fails, then drains oldest first in batches and ends empty', async () => {
    const { spool, clock, events, delivery, timestamps } = await setup([503, 200]);
    const far = Date.now() + 60_000;
    await delivery.deliver(record(1000), far); // 503: spooled, backing off
    await delivery.deliver(record(2000), far); // backing off: spooled without a request
    await delivery.deliver(record(3000), far);
    expect(timestamps()).toEqual([[1000]]);
    expect(events.filter((e) => e.startsWith('spooled'))).toEqual(['spooled 1000', 'spooled 2000', 'spooled 3000']);
    clock.now = 1000;
    await delivery.drain(far);
    expect(timestamps()).toEqual([[1000], [1000, 2000], [3000]]); // batches of 2, in order
    expect(spool.empty).toBe(true);
    expect(events.at(-1)).toBe('drained 3 -> 0 bytes');
    await delivery.deliver(record(4000), far); // nothing waits: straight to the receiver
    expect(timestamps().at(-1)).toEqual([4000]);
  });

  it('drops and counts a batch the receiver refuses (4xx), and keeps going', async () => {
    const { spool, clock, events, delivery, timestamps, dropped } = await setup([503, 400, 200]);
    const far = Date.now() + 60_000;
    for (const t of [1000, 2000, 3000]) await delivery.deliver(record(t), far);
    clock.now = 1000;
    await delivery.drain(far);
    expect(timestamps()).toEqual([[1000], [1000, 2000], [3000]]);
    expect(dropped()).toBe(2);
    expect(events.filter((e) => /; dropping 2 spooled samples the receiver refuses$/.test(e))).toHaveLength(1);
    expect(spool.empty).toBe(true);
  });

  it('a clean stop drains despite the backoff; what cannot be sent stays on disk', async () => {
    const { spool, events, delivery } = await setup([503]);
    await delivery.deliver(record(1000), Date.now() + 60_000);
    await delivery.finish(200, '/spool/dir');
    expect(spool.empty).toBe(false);
    expect(events.at(-1)).toMatch(/spooled bytes kept in \/spool\/dir for the next start$/);
  });
});
