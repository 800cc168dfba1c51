// The four dispatch tiers (p-queue priorities: higher runs first) and their names in suite files.
import { UsageError } from '../errors.js';

export const Tier = {
  /** A person is waiting right now. */
  IMMEDIATE: 3,
  /** A person is watching. */
  INTERACTIVE: 2,
  /** Preparing something soon needed (starting a service ahead of its benchmarks). */
  PRELOAD: 1,
  /** Bulk and nightly work. */
  BACKGROUND: 0,
} as const;
export type TierValue = (typeof Tier)[keyof typeof Tier];
export type TierName = Lowercase<keyof typeof Tier>;

export const TIER_NAMES = ['immediate', 'interactive', 'preload', 'background'] as const satisfies readonly TierName[];

/** The highest tier: aging never lifts a task above it. */
export const MAX_TIER: TierValue = Tier.IMMEDIATE;

/** `background` / `BACKGROUND` -> 0; UsageError listing the valid names otherwise. */
export function tierFromName(name: string): TierValue {
  const key = name.toUpperCase() as keyof typeof Tier;
  if (key in Tier) return Tier[key];
  throw new UsageError(`priority: expected one of ${TIER_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
}

/** 0 -> `background` (for progress lines and summaries). */
export function tierName(tier: number): TierName | `tier ${number}` {
  const found = TIER_NAMES.find((name) => Tier[name.toUpperCase() as keyof typeof Tier] === tier);
  return found ?? `tier ${tier}`;
}
