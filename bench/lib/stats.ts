// Statistics for the benchmark harness: median, min-max summaries and geometric means.
// Pure functions over plain number arrays; no I/O.

/** Median, min and max of a sample set, plus how many samples it holds. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  count: number;
}

/** The median; for an even count, the mean of the two middle values. Throws on empty input. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty sample set");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Median with min-max spread, or null when there are no samples. */
export function summarize(values: readonly number[]): Summary | null {
  if (values.length === 0) return null;
  return {
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    count: values.length,
  };
}

/** Geometric mean of positive values; null for an empty list. Throws on a non-positive value. */
export function geometricMean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let logSum = 0;
  for (const value of values) {
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new Error(`geometric mean needs positive finite values, got ${value}`);
    }
    logSum += Math.log(value);
  }
  return Math.exp(logSum / values.length);
}
