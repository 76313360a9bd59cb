'use strict';
// Percentiles from raw per-request latencies (nearest-rank), so p99 is a latency some request really had.

/** Nearest-rank percentile of an ascending array; p in (0, 100]. */
const percentile = (sortedAsc, p) => {
  if (sortedAsc.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sortedAsc.length);
  return sortedAsc[Math.min(sortedAsc.length, Math.max(1, rank)) - 1];
};

/** { count, p50, p99, max } in the unit of the input (ms everywhere in these benchmarks). */
const summarize = (latencies) => {
  const sorted = Float64Array.from(latencies).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
};

module.exports = { percentile, summarize };
