/** The index of the p-th percentile, by nearest rank, in a sorted list of `count` values. */
function nearestRank(count: number, p: number): number {
  return Math.min(count - 1, Math.max(0, Math.ceil((p / 100) * count) - 1));
}

/** Percentile by nearest rank; the input need not be sorted. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[nearestRank(sorted.length, p)]!;
}

/** The item of median value (nearest rank: the lower middle of an even count); `items` must not be empty. */
export function medianBy<T>(items: T[], value: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => value(a) - value(b));
  return sorted[nearestRank(sorted.length, 50)]!;
}

export async function timed<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = process.hrtime.bigint();
  const result = await run();
  return { result, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
