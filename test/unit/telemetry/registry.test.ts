// Unit conversion (ratio, bytes, Hz), absent values removing series, energy integration.
import { describe, expect, it } from 'vitest';
import { GPU_METRICS, TELEMETRY_METRIC_NAMES } from '../../../src/common/metric-catalog.js';
import { createAgentRegistry } from '../../../src/telemetry/registry.js';
import type { GpuReading } from '../../../src/telemetry/nvidia-smi.js';
import type { GpuSample } from '../../../src/telemetry/sampler.js';

const gpu: GpuReading = { index: '0', uuid: 'GPU-a', name: 'NVIDIA H100 80GB HBM3', utilizationPercent: 45, memoryUtilizationPercent: 11, memoryUsedMiB: 1234, memoryTotalMiB: 81559, powerWatts: 300, temperatureCelsius: 59, smClockMHz: 1980 };
const sample = (t: number, g = gpu): GpuSample => ({ timestampMs: t, gpus: [g], processes: [{ gpuUuid: 'GPU-a', pid: '7', processName: 'vllm', usedMemoryMiB: 10 }] });
const value = async (reg: ReturnType<typeof createAgentRegistry>, name: string) => (await reg.snapshot()).filter((p) => p.name === name);

describe('agent registry', () => {
  it('converts to base units with the GPU labels', async () => {
    const reg = createAgentRegistry({ host: 'node1' });
    reg.observe(sample(1000));
    const labels = { gpu: '0', uuid: 'GPU-a', model_name: 'NVIDIA H100 80GB HBM3', host: 'node1' };
    expect(await value(reg, GPU_METRICS.utilization.name)).toEqual([{ name: GPU_METRICS.utilization.name, labels, value: 0.45 }]);
    expect((await value(reg, GPU_METRICS.memoryUsed.name))[0]!.value).toBe(1234 * 1048576);
    expect((await value(reg, GPU_METRICS.smClock.name))[0]!.value).toBe(1.98e9);
    expect((await value(reg, GPU_METRICS.power.name))[0]!.value).toBe(300);
    expect((await value(reg, 'aibench_gpu_process_memory_used_bytes'))[0]).toMatchObject({ labels: { gpu_uuid: 'GPU-a', pid: '7', process_name: 'vllm', host: 'node1' }, value: 10 * 1048576 });
  });

  it('removes the series of an absent value instead of writing 0', async () => {
    const reg = createAgentRegistry({ host: 'n' });
    reg.observe(sample(1000));
    reg.observe(sample(2000, { ...gpu, powerWatts: undefined, utilizationPercent: undefined }));
    expect(await value(reg, GPU_METRICS.utilization.name)).toEqual([]);
    expect(await value(reg, GPU_METRICS.power.name)).toEqual([]);
    expect(await reg.registry.metrics()).not.toMatch(/aibench_gpu_utilization_ratio\{/);
  });

  it('integrates energy from power x time, skipping unknown power and long gaps', async () => {
    const reg = createAgentRegistry({ host: 'n', energyMaxGapMs: 10_000 });
    reg.observe(sample(0));
    reg.observe(sample(5000)); // 300 W x 5 s
    reg.observe(sample(6000, { ...gpu, powerWatts: undefined }));
    reg.observe(sample(60_000)); // gap too long: nothing
    reg.observe(sample(61_000, { ...gpu, powerWatts: 100 })); // 100 J
    expect((await value(reg, GPU_METRICS.energy.name))[0]!.value).toBe(1600);
  });

  it('registers only names from the metric catalogue, in its own registry', async () => {
    const reg = createAgentRegistry({ host: 'n' });
    reg.observe(sample(0));
    reg.sent('pushgateway', true);
    reg.spool(10, 2);
    const names = (await reg.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.every((n) => TELEMETRY_METRIC_NAMES.includes(n))).toBe(true);
    expect(names.sort()).toEqual([...TELEMETRY_METRIC_NAMES].sort());
  });
});
