// Pure: which replica of a service group the next request goes to. Round-robin takes them in
// turn; least-outstanding takes the one with the fewest requests in flight, ties broken in turn
// (so an idle group is still spread evenly rather than piled on the first replica).

export type Balance = 'round-robin' | 'least-outstanding';

interface ReplicaPicker {
  /** The replica index for the next request, given each replica's requests in flight. */
  pick(outstanding: readonly number[]): number;
}

/** A picker over `count` replicas. */
export function createPicker(count: number, balance: Balance = 'round-robin'): ReplicaPicker {
  let next = 0;
  return {
    pick(outstanding) {
      let chosen = next % count;
      if (balance === 'least-outstanding') {
        for (let k = 1; k < count; k++) {
          const i = (next + k) % count;
          if ((outstanding[i] ?? 0) < (outstanding[chosen] ?? 0)) chosen = i;
        }
      }
      next = (chosen + 1) % count;
      return chosen;
    },
  };
}
