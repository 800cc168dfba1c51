// Prometheus remote-write 1.0: a protobuf WriteRequest, snappy block-compressed, POSTed with the
// spec's headers. Unlike the Pushgateway it keeps each sample's own timestamp, which is what lets
// a spooled outage back-fill exactly.
import protobuf from 'protobufjs';
import SnappyJS from 'snappyjs';
import { HttpStatusError } from '../errors.js';
import { httpRequest } from '../exec/http.js';

// prometheus/prompb/types.proto + remote.proto, the fields remote-write 1.0 needs.
const root = protobuf.parse(`
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
`).root;
const WriteRequest = root.lookupType('prometheus.WriteRequest');

export interface TimeSeries {
  /** Every label including __name__. */
  labels: Record<string, string>;
  samples: { value: number; timestampMs: number }[];
}

/** Error from the receiver that retrying cannot fix (4xx other than 429): the batch is dropped. */
export class RemoteWriteRejected extends Error {}

/** WriteRequest bytes (uncompressed); labels sorted by name as the spec requires. */
export function encodeWriteRequest(series: readonly TimeSeries[]): Uint8Array {
  const message = WriteRequest.fromObject({
    timeseries: series.map((s) => ({
      labels: Object.entries(s.labels)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([name, value]) => ({ name, value })),
      samples: s.samples.map((p) => ({ value: p.value, timestamp: p.timestampMs })),
    })),
  });
  return WriteRequest.encode(message).finish();
}

/** Inverse of encodeWriteRequest + snappy (tests and debugging). */
export function decodeWriteRequest(body: Uint8Array): TimeSeries[] {
  const decoded = WriteRequest.toObject(WriteRequest.decode(SnappyJS.uncompress(body)), { longs: Number, defaults: true }) as {
    timeseries: { labels: { name: string; value: string }[]; samples: { value: number; timestamp: number }[] }[];
  };
  return decoded.timeseries.map((t) => ({
    labels: Object.fromEntries(t.labels.map((l) => [l.name, l.value])),
    samples: t.samples.map((s) => ({ value: s.value, timestampMs: s.timestamp })),
  }));
}

/** The HTTP body: snappy(WriteRequest). */
export function remoteWriteBody(series: readonly TimeSeries[]): Uint8Array {
  return SnappyJS.compress(encodeWriteRequest(series));
}

export interface RemoteWriteSink {
  readonly name: 'remote_write';
  send(series: readonly TimeSeries[]): Promise<void>;
}

/** POST to a receiver such as Prometheus' /api/v1/write; 5xx, 429 and network errors throw (retry), other 4xx throw RemoteWriteRejected. */
export function createRemoteWriteSink(url: string, timeoutMs = 10_000): RemoteWriteSink {
  return {
    name: 'remote_write',
    async send(series) {
      if (series.length === 0) return;
      try {
        await httpRequest(url, {
          method: 'POST',
          body: remoteWriteBody(series),
          headers: { 'content-encoding': 'snappy', 'content-type': 'application/x-protobuf', 'x-prometheus-remote-write-version': '0.1.0', 'user-agent': 'aibench-telemetry' },
          timeoutMs,
          expectStatus: '2xx',
          label: 'remote-write',
        });
      } catch (error) {
        if (error instanceof HttpStatusError && error.status >= 400 && error.status < 500 && error.status !== 429) {
          throw new RemoteWriteRejected(error.message, { cause: error });
        }
        throw error;
      }
    },
  };
}
