// The nvidia-smi CSV parser on output of the fake binary (values from real H100/H200/L40S captures)
// and on the absent-value spellings real drivers print.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { computeAppsArgs, gpuQueryArgs, numberField, parseComputeAppsCsv, parseGpuCsv, textField } from '../../../src/telemetry/nvidia-smi.js';

const FAKE = resolve(import.meta.dirname, '../../fixtures/bin/nvidia-smi');
const smi = (scenario: string, args: string[]) => execFileSync(FAKE, args, { env: { ...process.env, FAKE_NVIDIA_SMI_SCENARIO: scenario }, encoding: 'utf8' });
const withUnits = (args: string[]) => args.map((a) => (a.startsWith('--format=') ? '--format=csv' : a));

describe('parseGpuCsv', () => {
  it('reads every GPU of a two-H100 node (real load and idle values)', () => {
    const gpus = parseGpuCsv(smi('h100x2', gpuQueryArgs()));
    expect(gpus).toEqual([
      { index: '0', uuid: 'GPU-00000000-0000-0000-0000-000000000000', name: 'NVIDIA H100 80GB HBM3', utilizationPercent: 100, memoryUtilizationPercent: 11, memoryUsedMiB: 19818, memoryTotalMiB: 81559, powerWatts: 631.95, temperatureCelsius: 59, smClockMHz: 1980 },
      { index: '1', uuid: 'GPU-00000000-0000-0000-0000-000000000001', name: 'NVIDIA H100 80GB HBM3', utilizationPercent: 0, memoryUtilizationPercent: 0, memoryUsedMiB: 0, memoryTotalMiB: 81559, powerWatts: 69.85, temperatureCelsius: 41, smClockMHz: 345 },
    ]);
  });

  it.each(['h100x2', 'h200', 'l40s'])('gives the same readings when nounits/noheader were not honoured (%s)', (scenario) => {
    expect(parseGpuCsv(smi(scenario, withUnits(gpuQueryArgs())))).toEqual(parseGpuCsv(smi(scenario, gpuQueryArgs())));
  });

  it('H200 and L40S captures parse to their real values', () => {
    expect(parseGpuCsv(smi('h200', gpuQueryArgs()))[0]).toMatchObject({ name: 'NVIDIA H200', memoryTotalMiB: 143771, memoryUsedMiB: 32362, powerWatts: 627.4 });
    expect(parseGpuCsv(smi('l40s', gpuQueryArgs()))[0]).toMatchObject({ name: 'NVIDIA L40S', utilizationPercent: 9, smClockMHz: 2520 });
  });

  it('turns [N/A], N/A, [Not Supported], [Insufficient Permissions] into absent values, never 0', () => {
    const [gpu] = parseGpuCsv(smi('na', gpuQueryArgs()));
    expect(gpu).toMatchObject({ utilizationPercent: 100, memoryUsedMiB: 19818 });
    for (const key of ['memoryUtilizationPercent', 'powerWatts', 'temperatureCelsius', 'smClockMHz'] as const) expect(gpu![key]).toBeUndefined();
  });

  it('treats any bracketed text and empty fields as absent, and skips malformed lines', () => {
    const line = '2026/07/14 08:12:53.353, 3, , NVIDIA H100, [Requested functionality has been deprecated], , 12 MiB, [Unknown Error], 300.5 W, 45, 1980 MHz';
    expect(parseGpuCsv(`${line}\nnot, a, gpu line\n\n`)).toEqual([
      { index: '3', uuid: undefined, name: 'NVIDIA H100', utilizationPercent: undefined, memoryUtilizationPercent: undefined, memoryUsedMiB: 12, memoryTotalMiB: undefined, powerWatts: 300.5, temperatureCelsius: 45, smClockMHz: 1980 },
    ]);
  });

  it('field helpers', () => {
    expect(numberField('45 %')).toBe(45);
    expect(numberField('1 GiB')).toBe(1024);
    expect(numberField('0')).toBe(0);
    expect(numberField('Enabled')).toBeUndefined();
    expect(numberField('[N/A]')).toBeUndefined();
    expect(textField(' n/a ')).toBeUndefined();
  });
});

describe('parseComputeAppsCsv', () => {
  it('reads per-process memory from the real load capture, with or without units', () => {
    const apps = parseComputeAppsCsv(smi('h100x2', computeAppsArgs()));
    expect(apps).toHaveLength(3);
    expect(apps[2]).toEqual({ gpuUuid: 'GPU-00000000-0000-0000-0000-000000000000', pid: '11345', processName: './gpu_burn', usedMemoryMiB: 15690 });
    expect(parseComputeAppsCsv(smi('h100x2', withUnits(computeAppsArgs())))).toEqual(apps);
  });

  it('keeps commas inside process names and marks [N/A] memory absent', () => {
    expect(parseComputeAppsCsv('GPU-1, 42, python -c a,b, [N/A]\n')).toEqual([{ gpuUuid: 'GPU-1', pid: '42', processName: 'python -c a,b', usedMemoryMiB: undefined }]);
    expect(parseComputeAppsCsv(smi('na', computeAppsArgs())).every((a) => a.usedMemoryMiB === undefined)).toBe(true);
  });
});
