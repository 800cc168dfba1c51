// Wait for a condition in a test without asserting on time: retry until the check yields a value
// or the (generous) deadline passes, then fail naming what never happened.

/** Call `fn` every 250 ms until it returns a value (errors count as "not yet"). */
export async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Expected ${what} within ${timeoutMs} ms, got nothing`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
