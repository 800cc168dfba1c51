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
interface SeriesPoint {
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

interface AgentRegistryOptions {
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
function gpuLabels(g: GpuReading, host: string): Record<(typeof GPU_LABELS)[number], string> {
  return { gpu: g.index, uuid: g.uuid ?? '', model_name: g.name ?? '', host };
}

/** A fresh registry holding exactly the telemetry metrics of the catalogue. */
export function createAgentRegistry(options: AgentRegistryOptions): AgentRegistry {
  const registry = new Registry();
  const gpus = new GpuSeries(registry, options.host, options.energyMaxGapMs ?? 60_000);
  const health = healthMetrics(registry);
  return {
    registry,
    observe(sample) {
      health.samples.inc();
      gpus.observe(sample);
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

// The agent's own health counters (AGENT_METRICS).
function healthMetrics(registry: Registry) {
  const registers = [registry];
  const counter = (m: { name: string; help: string }, labelNames: string[] = []) => new Counter({ name: m.name, help: m.help, labelNames, registers });
  return {
    samples: counter(AGENT_METRICS.samples),
    sampleErrors: counter(AGENT_METRICS.sampleErrors),
    sendsOk: counter(AGENT_METRICS.sendsOk, ['sink']),
    sendsFailed: counter(AGENT_METRICS.sendsFailed, ['sink']),
    spoolBytes: new Gauge({ name: AGENT_METRICS.spoolBytes.name, help: AGENT_METRICS.spoolBytes.help, registers }),
    spoolDropped: counter(AGENT_METRICS.spoolDropped),
  };
}

type SeenGpu = { labels: Record<string, string>; timestampMs: number };

// Per-GPU gauges, the energy counter and per-process memory, set from one sample at a time.
class GpuSeries {
  private readonly gauges: Map<GaugeKey, Gauge<string>>;
  private readonly energy: Counter<string>;
  private readonly procMem: Gauge<string>;
  private previous = new Map<string, SeenGpu>();

  constructor(registry: Registry, private readonly host: string, private readonly maxGapMs: number) {
    const registers = [registry];
    const labelNames = [...GPU_LABELS];
    this.gauges = new Map(GAUGE_SOURCES.map(([key]) => [key, new Gauge({ name: GPU_METRICS[key].name, help: GPU_METRICS[key].help, labelNames, registers })]));
    this.energy = new Counter({ name: GPU_METRICS.energy.name, help: GPU_METRICS.energy.help, labelNames, registers });
    this.procMem = new Gauge({ name: GPU_PROCESS_METRICS.memoryUsed.name, help: GPU_PROCESS_METRICS.memoryUsed.help, labelNames: [...GPU_PROCESS_LABELS], registers });
  }

  observe(sample: GpuSample): void {
    const current = new Map<string, SeenGpu>();
    for (const gpu of sample.gpus) {
      const labels = gpuLabels(gpu, this.host);
      const key = JSON.stringify(labels);
      current.set(key, { labels, timestampMs: sample.timestampMs });
      for (const [gaugeKey, read] of GAUGE_SOURCES) {
        const value = read(gpu);
        if (value === undefined) this.gauges.get(gaugeKey)!.remove(labels);
        else this.gauges.get(gaugeKey)!.set(labels, value);
      }
      this.energy.inc(labels, this.joules(gpu, this.previous.get(key), sample.timestampMs));
    }
    // A GPU that vanished (reset, MIG change) leaves no stale series behind.
    for (const [key, { labels }] of this.previous) {
      if (current.has(key)) continue;
      for (const gauge of this.gauges.values()) gauge.remove(labels);
      this.energy.remove(labels);
    }
    this.previous = current;
    this.procMem.reset();
    for (const p of sample.processes) {
      if (p.usedMemoryMiB === undefined) continue;
      this.procMem.set({ gpu_uuid: p.gpuUuid, pid: p.pid, process_name: p.processName, host: this.host }, p.usedMemoryMiB * MIB);
    }
  }

  // Power x time since the previous sample; an unknown power or a long gap adds nothing (no guessing).
  private joules(gpu: GpuReading, last: SeenGpu | undefined, now: number): number {
    const gapMs = last === undefined ? undefined : now - last.timestampMs;
    return gpu.powerWatts !== undefined && gapMs !== undefined && gapMs > 0 && gapMs <= this.maxGapMs ? (gpu.powerWatts * gapMs) / 1000 : 0;
  }
}
