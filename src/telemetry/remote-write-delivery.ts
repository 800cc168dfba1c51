// Delivery by Prometheus remote-write: every sample at its own timestamp. A sample that cannot be
// sent goes to the on-disk spool, which drains oldest first (in batches) once the receiver
// answers again, so an outage is back-filled exactly. Series carry via="remote_write".
import { SINK_LABEL, SINK_NAMES } from '../common/metric-catalog.js';
import { RemoteWriteRejected, type RemoteWriteSink, type TimeSeries } from './remote-write.js';
import type { SinkHealth } from './sink-health.js';
import type { Spool, SpoolSegment } from './spool.js';

/** One spooled sample: its time, the grouping labels it was taken under, and [name, labels, value] points. */
export interface SpoolRecord {
  t: number;
  c: Record<string, string>;
  p: [string, Record<string, string>, number][];
}

/** What the agent's summary, gauges and events need to know about the spool. */
export interface SpoolHooks {
  log(line: string): void;
  /** Spool size and samples dropped since the last call (full spool, or refused by the receiver). */
  spoolChanged(bytes: number, dropped: number): void;
  spooled(timestampMs: number): void;
  drained(records: number, spoolBytes: number): void;
}

interface RemoteWriteDeliveryOptions {
  sink: RemoteWriteSink;
  spool: Spool<SpoolRecord>;
  /** The spool's size cap (for the message when it is full). */
  spoolMaxBytes: number;
  health: SinkHealth;
  hooks: SpoolHooks;
  /** Spool records per request while draining (default 60). */
  batch?: number;
}

/** Remote-write series for spool records (common labels job/instance/slurm_job_id/service_id and via added). */
export function recordsToSeries(records: readonly SpoolRecord[]): TimeSeries[] {
  return records.flatMap((r) =>
    r.p.map(([name, labels, value]) => ({ labels: { ...labels, ...r.c, [SINK_LABEL]: SINK_NAMES.remoteWrite, __name__: name }, samples: [{ value, timestampMs: r.t }] })),
  );
}

/** The remote-write side of the agent (never throws for receiver trouble). */
export class RemoteWriteDelivery {
  // A partly delivered segment is not re-sent in this run: how far into which segment we got.
  private readonly sentInSegment = { name: '', count: 0 };

  private readonly sink: RemoteWriteSink;
  private readonly spool: Spool<SpoolRecord>;
  private readonly health: SinkHealth;
  private readonly hooks: SpoolHooks;

  constructor(private readonly options: RemoteWriteDeliveryOptions) {
    ({ sink: this.sink, spool: this.spool, health: this.health, hooks: this.hooks } = options);
  }

  /** Send one new sample (straight away when nothing older waits), else spool it; then drain. */
  async deliver(record: SpoolRecord, deadline: number): Promise<void> {
    if (this.spool.empty && this.health.ready) {
      try {
        await this.sink.send(recordsToSeries([record]));
        return this.health.succeeded();
      } catch (error) {
        if (error instanceof RemoteWriteRejected) return this.hooks.log(`telemetry: ${error.message}`);
        this.health.failed(error);
      }
    }
    const lost = await this.spool.append([record]);
    this.noteSpool(lost);
    if (lost > 0) this.hooks.log(`telemetry: spool full (${this.options.spoolMaxBytes} bytes): dropped ${lost} oldest samples`);
    this.hooks.spooled(record.t);
    await this.drain(deadline);
  }

  /** Deliver the spool oldest first until it is empty, a send fails, or the deadline passes. */
  async drain(deadline: number): Promise<void> {
    while (!this.spool.empty && Date.now() < deadline && this.health.ready) {
      const segment = await this.spool.oldest();
      if (!segment) break;
      if (!(await this.sendSegment(segment, deadline))) return;
      await this.spool.remove(segment.name);
      this.noteSpool(0);
      this.hooks.drained(segment.records.length, this.spool.bytes);
    }
  }

  /** A clean stop: drain for at most `ms` whatever the backoff says; what is left stays on disk. */
  async finish(ms: number, spoolDir: string): Promise<void> {
    if (this.spool.empty) return;
    this.health.retryNow();
    await this.drain(Date.now() + ms);
    if (!this.spool.empty) this.hooks.log(`telemetry: ${this.spool.bytes} spooled bytes kept in ${spoolDir} for the next start`);
  }

  // Send a segment in batches from where this run left it; true once all of it is delivered.
  private async sendSegment(segment: SpoolSegment<SpoolRecord>, deadline: number): Promise<boolean> {
    let done = this.sentInSegment.name === segment.name ? this.sentInSegment.count : 0;
    while (done < segment.records.length && Date.now() < deadline) {
      const records = segment.records.slice(done, done + (this.options.batch ?? 60));
      try {
        await this.sink.send(recordsToSeries(records));
        this.health.succeeded();
      } catch (error) {
        if (!(error instanceof RemoteWriteRejected)) {
          this.health.failed(error);
          return false;
        }
        this.hooks.log(`telemetry: ${error.message}; dropping ${records.length} spooled samples the receiver refuses`);
        this.noteSpool(records.length);
      }
      done += records.length;
      Object.assign(this.sentInSegment, { name: segment.name, count: done });
    }
    return done >= segment.records.length;
  }

  private noteSpool(dropped: number): void {
    this.hooks.spoolChanged(this.spool.bytes, dropped);
  }
}
