// Progress counts of a dispatcher: every task is in exactly one state, so the counts add up to the
// total and none can exceed it. Transitions are checked: a task never leaves a final state.

export type TaskState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface DispatchCounts {
  total: number;
  queued: number;
  running: number;
  done: number;
  failed: number;
  cancelled: number;
}

const NEXT: Record<TaskState, readonly TaskState[]> = {
  queued: ['running', 'cancelled'],
  running: ['done', 'failed', 'cancelled'],
  done: [],
  failed: [],
  cancelled: [],
};

/** Empty counts. */
export function emptyCounts(): DispatchCounts {
  return { total: 0, queued: 0, running: 0, done: 0, failed: 0, cancelled: 0 };
}

/** True when `to` may follow `from`. */
export function canTransition(from: TaskState, to: TaskState): boolean {
  return NEXT[from].includes(to);
}

/** Counts after one task moves (or, with from undefined, is added as queued). Pure. */
export function applyTransition(counts: DispatchCounts, from: TaskState | undefined, to: TaskState): DispatchCounts {
  const next = { ...counts };
  if (from === undefined) next.total += 1;
  else next[from] -= 1;
  next[to] += 1;
  return next;
}

/** finished = done + failed + cancelled. */
export function finishedCount(counts: DispatchCounts): number {
  return counts.done + counts.failed + counts.cancelled;
}
