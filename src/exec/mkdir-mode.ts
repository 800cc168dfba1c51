// The one way both executors ask `mkdir -p` for a mode: `-m 700` applies to the last directory.

/** `['-m', '700']` for 0o700; nothing without a mode. */
export function modeArgs(mode: number | undefined): string[] {
  return mode === undefined ? [] : ['-m', mode.toString(8)];
}
