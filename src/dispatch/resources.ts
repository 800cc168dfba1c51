// Per-resource limits: `slurm:<cluster>` (submissions in flight), `service:<id>` (one benchmark at a
// time). A task holds all its resources while it runs and none while it waits.

/** Limits by exact key, or by `prefix:*` for every key with that prefix; unlisted keys are unlimited. */
export type ResourceLimits = Readonly<Record<string, number>>;

export class ResourcePool {
  readonly #limits: ResourceLimits;
  readonly #held = new Map<string, number>();

  constructor(limits: ResourceLimits = {}) {
    for (const [key, limit] of Object.entries(limits)) {
      if (!(Number.isInteger(limit) && limit >= 1)) throw new TypeError(`resource limit ${key}: expected an integer >= 1, got ${limit}`);
    }
    this.#limits = limits;
  }

  /** The limit that applies to a key (exact, then `prefix:*`), Infinity when none does. */
  limitOf(key: string): number {
    const exact = this.#limits[key];
    if (exact !== undefined) return exact;
    const colon = key.indexOf(':');
    const wildcard = colon === -1 ? undefined : this.#limits[`${key.slice(0, colon)}:*`];
    return wildcard ?? Number.POSITIVE_INFINITY;
  }

  /** How many holders a key has now. */
  inUse(key: string): number {
    return this.#held.get(key) ?? 0;
  }

  /** True when every key has a free unit. */
  available(keys: readonly string[]): boolean {
    return keys.every((key) => this.inUse(key) < this.limitOf(key));
  }

  /** Take one unit of each key; the caller checked available() first. */
  acquire(keys: readonly string[]): void {
    for (const key of keys) this.#held.set(key, this.inUse(key) + 1);
  }

  /** Give back one unit of each key. */
  release(keys: readonly string[]): void {
    for (const key of keys) {
      const left = this.inUse(key) - 1;
      if (left <= 0) this.#held.delete(key);
      else this.#held.set(key, left);
    }
  }
}
