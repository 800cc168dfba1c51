// The simulator's prefix cache, at the level vLLM's automatic prefix caching works: prompt tokens in
// blocks of 16, each block named by a hash chained over every token before it, so a block is reused
// only when the whole prefix up to it is the same. A hit saves the prefill of those tokens. Only full
// blocks are cached and the last prompt token is always computed (as in vLLM). LRU over a fixed
// number of blocks. Pure state, no timers.

const BLOCK_SIZE = 16;

/** The chained hash of each full block of `ids` (53 bits from two 32-bit FNV-1a lanes). */
export function blockHashes(ids: readonly number[], blockSize = BLOCK_SIZE): number[] {
  const hashes: number[] = [];
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i + blockSize <= ids.length; i += blockSize) {
    for (let j = i; j < i + blockSize; j++) {
      const id = ids[j] as number;
      a = Math.imul(a ^ id, 0x01000193);
      b = Math.imul(b ^ (id + 0x9e3779b9), 0x85ebca6b) ^ (b >>> 13);
    }
    hashes.push((a >>> 0) * 2097152 + ((b >>> 0) >>> 11));
  }
  return hashes;
}

/** Cached blocks (LRU): how many leading prompt tokens are already computed, and remembering new ones. */
export class PrefixCache {
  readonly #blocks = new Map<number, true>();

  constructor(readonly capacityBlocks: number, readonly blockSize = BLOCK_SIZE) {}

  get size(): number {
    return this.#blocks.size;
  }

  /** Leading tokens of `ids` found cached (whole blocks, never the last token); then every full block is cached. */
  admit(ids: readonly number[]): number {
    const hashes = blockHashes(ids, this.blockSize);
    const usable = Math.floor(Math.max(0, ids.length - 1) / this.blockSize);
    let hits = 0;
    while (hits < usable && this.#blocks.has(hashes[hits] as number)) hits++;
    for (const hash of hashes) {
      this.#blocks.delete(hash);
      this.#blocks.set(hash, true);
    }
    while (this.#blocks.size > this.capacityBlocks) this.#blocks.delete(this.#blocks.keys().next().value as number);
    return hits * this.blockSize;
  }
}
