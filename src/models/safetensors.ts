// Pure: a safetensors file starts with an 8-byte little-endian header length N, then N bytes of
// JSON: {"<tensor>": {"dtype": "BF16", "shape": [4096, 4096], "data_offsets": [start, end]}, ...,
// "__metadata__": {...}}. The header alone gives the parameter count, the dtype and the bytes
// of the weights, so nothing of the weights themselves is ever read.

/** Bytes per element of each safetensors dtype. */
export const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E4M3: 1, F8_E5M2: 1, F8_E8M0: 1, U16: 2, I16: 2, F16: 2, BF16: 2,
  U32: 4, I32: 4, F32: 4, U64: 8, I64: 8, F64: 8,
};

/** A header above this is refused (the format's own reference reader caps it at 100 MB). */
export const MAX_HEADER_BYTES = 100_000_000;

export interface TensorSummary {
  tensors: number;
  parameters: number;
  /** Bytes of tensor data (what the weights take in memory as stored). */
  bytes: number;
  /** Bytes per dtype, e.g. {BF16: 16060522496}. */
  bytesByDtype: Record<string, number>;
}

/** The header length from a file's first 8 bytes; undefined when out of range. */
export function headerLength(first8: Uint8Array): number | undefined {
  if (first8.length < 8) return undefined;
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  return n > 1n && n <= BigInt(MAX_HEADER_BYTES) ? Number(n) : undefined;
}

interface TensorEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

function isTensor(value: unknown): value is TensorEntry {
  const t = value as Partial<TensorEntry> | null;
  return typeof t === 'object' && t !== null && typeof t.dtype === 'string' && Array.isArray(t.shape) && t.shape.every((d) => Number.isInteger(d) && d >= 0)
    && Array.isArray(t.data_offsets) && t.data_offsets.length === 2 && t.data_offsets.every((o) => Number.isInteger(o) && o >= 0) && t.data_offsets[1] >= t.data_offsets[0];
}

/** Summarise one header's JSON text; throws an Error naming what is wrong. */
function summariseHeader(json: string): TensorSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('expected a JSON header, got text that is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('expected a JSON object header');
  const summary: TensorSummary = { tensors: 0, parameters: 0, bytes: 0, bytesByDtype: {} };
  for (const [name, value] of Object.entries(parsed)) {
    if (name === '__metadata__') continue;
    if (!isTensor(value)) throw new Error(`expected {dtype, shape, data_offsets} for tensor ${JSON.stringify(name)}`);
    const bytes = value.data_offsets[1] - value.data_offsets[0];
    summary.tensors++;
    summary.parameters += value.shape.reduce((a, b) => a * b, 1);
    summary.bytes += bytes;
    summary.bytesByDtype[value.dtype] = (summary.bytesByDtype[value.dtype] ?? 0) + bytes;
  }
  return summary;
}

/** Parse a file's first 8 + N bytes (the whole header). */
export function parseSafetensorsPrefix(prefix: Uint8Array): TensorSummary {
  const n = headerLength(prefix.subarray(0, 8));
  if (n === undefined) throw new Error('expected an 8-byte header length between 2 and 100 MB');
  if (prefix.length < 8 + n) throw new Error(`expected ${n} header bytes, got ${prefix.length - 8}`);
  return summariseHeader(new TextDecoder().decode(prefix.subarray(8, 8 + n)));
}

/** Several shards' summaries as one. */
export function mergeSummaries(parts: readonly TensorSummary[]): TensorSummary {
  const out: TensorSummary = { tensors: 0, parameters: 0, bytes: 0, bytesByDtype: {} };
  for (const p of parts) {
    out.tensors += p.tensors;
    out.parameters += p.parameters;
    out.bytes += p.bytes;
    for (const [dtype, bytes] of Object.entries(p.bytesByDtype)) out.bytesByDtype[dtype] = (out.bytesByDtype[dtype] ?? 0) + bytes;
  }
  return out;
}

/** The dtype holding most of the bytes (`BF16`), or undefined for an empty summary. */
export function mainDtype(summary: TensorSummary): string | undefined {
  return Object.entries(summary.bytesByDtype).sort((a, b) => b[1] - a[1])[0]?.[0];
}
