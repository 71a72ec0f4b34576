/** The value at fraction `p` (0–1) of `values` in order; NaN when there are none. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

/**
 * Where fraction `p` (0–1) of counts by bucket falls: the bucket's upper
 * bound (`bounds`; the last count is everything above the last bound, given
 * as Infinity); NaN when nothing was counted.
 */
export function bucketPercentile(bounds: readonly number[], counts: readonly number[], p: number): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return NaN;
  let below = 0;
  for (const [bucket, count] of counts.entries()) {
    below += count;
    if (below >= Math.ceil(p * total)) return bounds[bucket] ?? Infinity;
  }
  return Infinity;
}
