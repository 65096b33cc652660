// Runs a job per item with at most `limit` in flight (the probe worker probes 4 sources at a time,
// 07 §14.1). Every item is attempted; jobs must handle their own errors.

export async function forEachWithConcurrency<T>(
  items: readonly T[],
  limit: number,
  job: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await job(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
