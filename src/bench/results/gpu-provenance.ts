// The service node's GPUs for a result's provenance, from what nvidia-smi printed there:
// `--query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`, then `--version`
// (for the CUDA version). Values the driver does not give stay absent, never invented.
import { numberField, textField } from '../../telemetry/nvidia-smi.js';
import type { ResultDocument } from './result-schema.js';

type GpuProvenance = NonNullable<ResultDocument['provenance']['gpu']>;

/** The GPU block, or undefined when the text names no GPU. */
export function parseGpuProvenance(text: string): GpuProvenance | undefined {
  const rows = text.split(/\r?\n/).filter((line) => line.includes(',') && !line.includes(':')).map((line) => line.split(',').map((f) => f.trim()));
  const names = rows.map((r) => textField(r[0])).filter((n): n is string => n !== undefined);
  if (names.length === 0) return undefined;
  const memory = numberField(rows[0]?.[1]);
  const driver = textField(rows[0]?.[2]) ?? textField(/^DRIVER version\s*:\s*(.+)$/m.exec(text)?.[1]);
  const cuda = textField(/^CUDA Version\s*:\s*(.+)$/m.exec(text)?.[1]);
  return {
    name: [...new Set(names)].join(' + '), count: names.length,
    ...(memory === undefined ? {} : { memory_total_mib: memory }),
    ...(driver === undefined ? {} : { driver_version: driver }),
    ...(cuda === undefined ? {} : { cuda_version: cuda }),
  };
}
