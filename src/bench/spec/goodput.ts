// vLLM's --goodput format: `ttft:300,tpot:50,e2el:2000` (milliseconds) -> Slo.
import { UsageError } from '../../errors.js';
import type { Slo } from '../engine/types.js';

const KEYS = { ttft: 'ttftMs', tpot: 'tpotMs', e2el: 'e2elMs' } as const;
const NUMBER = /^(\d+(\.\d*)?|\.\d+)$/;

/** Parse SLOs given as key:ms pairs separated by commas or spaces (one string or vLLM-style several). */
export function parseGoodput(input: string | readonly string[]): Slo {
  const text = typeof input === 'string' ? input : input.join(' ');
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0) throw new UsageError(`goodput: expected key:ms pairs like ttft:300,tpot:50, got ${JSON.stringify(text)}`);
  const slo: Slo = {};
  for (const part of parts) {
    const colon = part.indexOf(':');
    const key = colon < 0 ? part : part.slice(0, colon);
    const raw = colon < 0 ? '' : part.slice(colon + 1);
    const field = Object.hasOwn(KEYS, key) ? KEYS[key as keyof typeof KEYS] : undefined;
    if (field === undefined) {
      throw new UsageError(`goodput: unknown SLO ${JSON.stringify(key)} in ${JSON.stringify(part)}; expected one of ttft, tpot, e2el`);
    }
    const value = NUMBER.test(raw) ? Number(raw) : Number.NaN;
    if (!(value > 0 && Number.isFinite(value))) {
      throw new UsageError(`goodput: expected ${key} as milliseconds > 0 (e.g. ${key}:300), got ${JSON.stringify(part)}`);
    }
    if (slo[field] !== undefined) throw new UsageError(`goodput: ${key} given twice in ${JSON.stringify(text)}`);
    slo[field] = value;
  }
  return slo;
}
