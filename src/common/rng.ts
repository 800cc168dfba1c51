// Seeded pseudo-random numbers (ground floor: the simulator, load arrivals, datasets and retry
// jitter all draw from it): the same seed gives the same sequence on every platform.

/**
 * mulberry32: a tiny, fast 32-bit PRNG, good enough for jitter, error injection and load
 * generation (not for cryptography). Returns a function yielding floats in [0, 1).
 */
export function createRng(seed: number): () => number {
  let state = hashSeed(seed);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Fold any finite number (including fractions and values past 2^32) into a 32-bit state,
// so seeds 1 and 1.5 or 1 and 2^32 + 1 do not collapse into the same stream.
function hashSeed(seed: number): number {
  if (!Number.isFinite(seed)) throw new RangeError(`Expected a finite seed, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const frac = Math.floor((seed - Math.floor(seed)) * 4294967296) >>> 0;
  let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ hi, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ frac, 0x27d4eb2f);
  return (h ^ (h >>> 15)) | 0;
}
