/**
 * Runs `task` over `items`, at most `limit` at once, in order. After a failure no further item is
 * started, and the first error is thrown only once every task already started has settled: a
 * caller that cleans up on failure (a reconciliation run dropping its staging) must not do so
 * while another task is still writing.
 */
export async function eachBounded<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}
