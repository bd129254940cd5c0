// Medians of repeated measurements.

/** The median, the mean of the two middle values for an even count. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The upper of the two middle values for an even count (always one of the measurements). */
export function upperMedian(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1];
}
