// The remote-write body decodes (snappyjs + protobufjs) back to what was encoded, timestamps kept.
import protobuf from 'protobufjs';
import SnappyJS from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { recordsToSeries, type SpoolRecord } from '../../../src/telemetry/remote-write-delivery.js';
import { decodeWriteRequest, encodeWriteRequest, remoteWriteBody, type TimeSeries } from '../../../src/telemetry/remote-write.js';

describe('remote-write encoding', () => {
  const series: TimeSeries[] = [
    { labels: { __name__: 'aibench_gpu_utilization_ratio', uuid: 'GPU-a', gpu: '0', host: 'n1' }, samples: [{ value: 0.45, timestampMs: 1_752_480_000_123 }] },
    { labels: { __name__: 'aibench_gpu_energy_joules_total', gpu: '1' }, samples: [{ value: 1e6, timestampMs: 1_752_480_001_000 }, { value: 1.5e6, timestampMs: 1_752_480_002_000 }] },
  ];

  it('round-trips labels, values and millisecond timestamps', () => {
    expect(decodeWriteRequest(remoteWriteBody(series))).toEqual(series);
  });

  it('sorts labels by name and decodes with an independent schema (wire format check)', () => {
    const raw = SnappyJS.uncompress(remoteWriteBody(series));
    expect(raw).toEqual(encodeWriteRequest(series));
    const r = new protobuf.Reader(raw);
    // field 1 (timeseries), wire type 2; inside it field 1 (label) whose first field is the name.
    expect(r.uint32()).toBe((1 << 3) | 2);
    r.uint32();
    expect(r.uint32()).toBe((1 << 3) | 2);
    r.uint32();
    expect(r.uint32()).toBe((1 << 3) | 2);
    expect(r.string()).toBe('__name__');
    expect(Object.keys(decodeWriteRequest(remoteWriteBody(series))[0]!.labels)).toEqual(['__name__', 'gpu', 'host', 'uuid']);
  });

  it('turns spool records into series with the common labels and via="remote_write" at the record time', () => {
    const record: SpoolRecord = { t: 5, c: { job: 'aibench_gpu', slurm_job_id: '7' }, p: [['m', { gpu: '0' }, 1]] };
    expect(recordsToSeries([record])).toEqual([{ labels: { gpu: '0', job: 'aibench_gpu', slurm_job_id: '7', via: 'remote_write', __name__: 'm' }, samples: [{ value: 1, timestampMs: 5 }] }]);
  });
});
