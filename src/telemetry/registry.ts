// The agent's own prom-client Registry (never the default one): GPU gauges from samples, with
// units converted to Prometheus base units (% -> ratio, MiB -> bytes, MHz -> Hz), an energy
// counter integrated from power draw, and the agent's health counters. A value nvidia-smi did not
// give removes its series instead of setting 0.
import { Counter, Gauge, Registry } from 'prom-client';
import { AGENT_METRICS, GPU_LABELS, GPU_METRICS, GPU_PROCESS_LABELS, GPU_PROCESS_METRICS } from '../common/metric-catalog.js';
import type { GpuReading } from './nvidia-smi.js';
import type { GpuSample } from './sampler.js';

const MIB = 1024 * 1024;

/** One series value at one moment: what remote-write sends and the spool stores. */
export interface SeriesPoint {
  name: string;
  labels: Record<string, string>;
  value: number;
}

type GaugeKey = Exclude<keyof typeof GPU_METRICS, 'energy'>;

// Which reading feeds which gauge, and the factor to base units.
const GAUGE_SOURCES: ReadonlyArray<[GaugeKey, (g: GpuReading) => number | undefined]> = [
  ['utilization', (g) => scale(g.utilizationPercent, 0.01)],
  ['memoryUtilization', (g) => scale(g.memoryUtilizationPercent, 0.01)],
  ['memoryUsed', (g) => scale(g.memoryUsedMiB, MIB)],
  ['memoryTotal', (g) => scale(g.memoryTotalMiB, MIB)],
  ['power', (g) => g.powerWatts],
  ['temperature', (g) => g.temperatureCelsius],
  ['smClock', (g) => scale(g.smClockMHz, 1e6)],
];

function scale(value: number | undefined, factor: number): number | undefined {
  return value === undefined ? undefined : value * factor;
}

export interface AgentRegistryOptions {
  host: string;
  /** Longest gap between two samples that is still integrated into the energy counter. */
  energyMaxGapMs?: number;
}

export interface AgentRegistry {
  readonly registry: Registry;
  /** Set every GPU series from a sample (and integrate energy since the previous one). */
  observe(sample: GpuSample): void;
  sampleFailed(): void;
  sent(sink: string, ok: boolean): void;
  spool(bytes: number, droppedSinceLast: number): void;
  /** Every series' current value (GPU and health), for remote-write and the spool. */
  snapshot(): Promise<SeriesPoint[]>;
}

/** Labels of one GPU's series (metric-catalog.ts GPU_LABELS). */
export function gpuLabels(g: GpuReading, host: string): Record<(typeof GPU_LABELS)[number], string> {
  return { gpu: g.index, uuid: g.uuid ?? '', model_name: g.name ?? '', host };
}

/** A fresh registry holding exactly the telemetry metrics of the catalogue. */
export function createAgentRegistry(options: AgentRegistryOptions): AgentRegistry {
  const registry = new Registry();
  const registers = [registry];
  const labelNames = [...GPU_LABELS];
  const gauges = new Map<GaugeKey, Gauge<string>>(GAUGE_SOURCES.map(([key]) => [key, new Gauge({ name: GPU_METRICS[key].name, help: GPU_METRICS[key].help, labelNames, registers })]));
  const energy = new Counter({ name: GPU_METRICS.energy.name, help: GPU_METRICS.energy.help, labelNames, registers });
  const procMem = new Gauge({ name: GPU_PROCESS_METRICS.memoryUsed.name, help: GPU_PROCESS_METRICS.memoryUsed.help, labelNames: [...GPU_PROCESS_LABELS], registers });
  const health = {
    samples: new Counter({ name: AGENT_METRICS.samples.name, help: AGENT_METRICS.samples.help, registers }),
    sampleErrors: new Counter({ name: AGENT_METRICS.sampleErrors.name, help: AGENT_METRICS.sampleErrors.help, registers }),
    sendsOk: new Counter({ name: AGENT_METRICS.sendsOk.name, help: AGENT_METRICS.sendsOk.help, labelNames: ['sink'], registers }),
    sendsFailed: new Counter({ name: AGENT_METRICS.sendsFailed.name, help: AGENT_METRICS.sendsFailed.help, labelNames: ['sink'], registers }),
    spoolBytes: new Gauge({ name: AGENT_METRICS.spoolBytes.name, help: AGENT_METRICS.spoolBytes.help, registers }),
    spoolDropped: new Counter({ name: AGENT_METRICS.spoolDropped.name, help: AGENT_METRICS.spoolDropped.help, registers }),
  };
  const maxGapMs = options.energyMaxGapMs ?? 60_000;
  let previous = new Map<string, { labels: Record<string, string>; timestampMs: number }>();

  return {
    registry,
    observe(sample) {
      health.samples.inc();
      const current = new Map<string, { labels: Record<string, string>; timestampMs: number }>();
      for (const gpu of sample.gpus) {
        const labels = gpuLabels(gpu, options.host);
        const key = JSON.stringify(labels);
        current.set(key, { labels, timestampMs: sample.timestampMs });
        for (const [gaugeKey, read] of GAUGE_SOURCES) {
          const value = read(gpu);
          if (value === undefined) gauges.get(gaugeKey)!.remove(labels);
          else gauges.get(gaugeKey)!.set(labels, value);
        }
        const last = previous.get(key);
        const gapMs = last === undefined ? undefined : sample.timestampMs - last.timestampMs;
        // Power x time since the previous sample; an unknown power or a long gap adds nothing (no guessing).
        const joules = gpu.powerWatts !== undefined && gapMs !== undefined && gapMs > 0 && gapMs <= maxGapMs ? (gpu.powerWatts * gapMs) / 1000 : 0;
        energy.inc(labels, joules);
      }
      // A GPU that vanished (reset, MIG change) leaves no stale series behind.
      for (const [key, { labels }] of previous) {
        if (current.has(key)) continue;
        for (const gauge of gauges.values()) gauge.remove(labels);
        energy.remove(labels);
      }
      previous = current;
      procMem.reset();
      for (const p of sample.processes) {
        if (p.usedMemoryMiB === undefined) continue;
        procMem.set({ gpu_uuid: p.gpuUuid, pid: p.pid, process_name: p.processName, host: options.host }, p.usedMemoryMiB * MIB);
      }
    },
    sampleFailed: () => health.sampleErrors.inc(),
    sent: (sink, ok) => (ok ? health.sendsOk : health.sendsFailed).inc({ sink }),
    spool(bytes, dropped) {
      health.spoolBytes.set(bytes);
      health.spoolDropped.inc(dropped);
    },
    async snapshot() {
      const metrics = await registry.getMetricsAsJSON();
      return metrics.flatMap((m) =>
        m.values.map((v) => ({ name: m.name, labels: Object.fromEntries(Object.entries(v.labels).map(([k, l]) => [k, String(l)])), value: v.value })),
      );
    },
  };
}
