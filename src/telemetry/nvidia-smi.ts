// nvidia-smi's CSV output -> typed samples. Pure: no process is run here (sampler.ts does that).
// Values a driver cannot give ([N/A], [Not Supported], [Insufficient Permissions], any other
// bracketed text, empty fields) become undefined, never 0: a missing reading is not a zero one.

/** The --query-gpu fields, in the order the parser expects them. */
const GPU_QUERY_FIELDS = [
  'timestamp', 'index', 'uuid', 'name', 'utilization.gpu', 'utilization.memory',
  'memory.used', 'memory.total', 'power.draw', 'temperature.gpu', 'clocks.sm',
] as const;

/** The --query-compute-apps fields (gpu_uuid ties a process to its GPU). */
const COMPUTE_APPS_FIELDS = ['gpu_uuid', 'pid', 'process_name', 'used_memory'] as const;

/** nvidia-smi argv (without the binary) for the per-GPU query. */
export function gpuQueryArgs(): string[] {
  return [`--query-gpu=${GPU_QUERY_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
}

/** nvidia-smi argv (without the binary) for the per-process memory query. */
export function computeAppsArgs(): string[] {
  return [`--query-compute-apps=${COMPUTE_APPS_FIELDS.join(',')}`, '--format=csv,noheader,nounits'];
}

export interface GpuReading {
  index: string;
  uuid?: string | undefined;
  name?: string | undefined;
  utilizationPercent?: number | undefined;
  memoryUtilizationPercent?: number | undefined;
  memoryUsedMiB?: number | undefined;
  memoryTotalMiB?: number | undefined;
  powerWatts?: number | undefined;
  temperatureCelsius?: number | undefined;
  smClockMHz?: number | undefined;
}

export interface ProcessReading {
  gpuUuid: string;
  pid: string;
  processName: string;
  usedMemoryMiB?: number | undefined;
}

// A number, optionally followed by the unit nvidia-smi prints without `nounits`.
const NUMBER = /^(-?\d+(?:\.\d+)?)(?:\s*(%|MiB|GiB|KiB|W|MHz|C))?$/;

/** A field as text, or undefined when nvidia-smi says it has no value (N/A, [..], empty). */
export function textField(raw: string | undefined): string | undefined {
  const value = raw?.trim() ?? '';
  if (value === '' || /^n\/a$/i.test(value) || /^\[.*\]$/.test(value)) return undefined;
  return value;
}

/** A numeric field (units tolerated: `45 %`, `1234 MiB`, `300.5 W`, `1980 MHz`), else undefined. */
export function numberField(raw: string | undefined): number | undefined {
  const value = textField(raw);
  const match = value === undefined ? null : NUMBER.exec(value);
  if (!match) return undefined;
  const n = Number(match[1]);
  if (!Number.isFinite(n)) return undefined;
  if (match[2] === 'GiB') return n * 1024;
  if (match[2] === 'KiB') return n / 1024;
  return n;
}

// Data lines only: a header line (when `noheader` was not honoured) starts with the first field name.
function dataLines(stdout: string, firstField: string): string[][] {
  return stdout
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '' && !line.trim().startsWith(firstField))
    .map((line) => line.split(','));
}

/** Parse `--query-gpu=GPU_QUERY_FIELDS --format=csv,noheader,nounits` output: one reading per GPU. */
export function parseGpuCsv(stdout: string): GpuReading[] {
  const readings: GpuReading[] = [];
  for (const cells of dataLines(stdout, GPU_QUERY_FIELDS[0])) {
    // GPU names hold no commas in practice, but a wrong column count means the wrong query: skip.
    if (cells.length !== GPU_QUERY_FIELDS.length) continue;
    const [, index, uuid, name, util, memUtil, used, total, power, temp, sm] = cells;
    const gpuIndex = textField(index);
    if (gpuIndex === undefined) continue;
    readings.push({
      index: gpuIndex,
      uuid: textField(uuid),
      name: textField(name),
      utilizationPercent: numberField(util),
      memoryUtilizationPercent: numberField(memUtil),
      memoryUsedMiB: numberField(used),
      memoryTotalMiB: numberField(total),
      powerWatts: numberField(power),
      temperatureCelsius: numberField(temp),
      smClockMHz: numberField(sm),
    });
  }
  return readings;
}

/** Parse `--query-compute-apps=COMPUTE_APPS_FIELDS` output; process names may contain commas. */
export function parseComputeAppsCsv(stdout: string): ProcessReading[] {
  const readings: ProcessReading[] = [];
  for (const cells of dataLines(stdout, COMPUTE_APPS_FIELDS[0])) {
    if (cells.length < COMPUTE_APPS_FIELDS.length) continue;
    const gpuUuid = textField(cells[0]);
    const pid = textField(cells[1]);
    if (gpuUuid === undefined || pid === undefined) continue;
    const processName = cells.slice(2, -1).join(',').trim();
    readings.push({ gpuUuid, pid, processName, usedMemoryMiB: numberField(cells.at(-1)) });
  }
  return readings;
}
