// Wait for a condition in a test without asserting on time: retry until the check yields a value
// or the (generous) deadline passes, then fail naming what never happened.

/** Call `fn` every 250 ms until it returns a value (errors count as "not yet"; the last one is named on failure). */
export async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await fn().catch((error: unknown) => void (last = error));
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Expected ${what} within ${timeoutMs} ms, got nothing${last === undefined ? '' : ` (last error: ${String(last)})`}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
