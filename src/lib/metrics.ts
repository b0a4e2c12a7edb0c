import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

let histogram: IntervalHistogram | undefined;

/** Process metrics for operators (and the benchmark): event-loop delay since the last read, memory. */
export function readMetrics(reset: boolean) {
  if (!histogram) {
    histogram = monitorEventLoopDelay({ resolution: 10 });
    histogram.enable();
  }
  const mem = process.memoryUsage();
  const out = {
    eventLoopDelayMs: {
      max: histogram.max / 1e6,
      p99: histogram.percentile(99) / 1e6,
      mean: Number.isNaN(histogram.mean) ? 0 : histogram.mean / 1e6,
    },
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    uptimeSeconds: process.uptime(),
  };
  if (reset) histogram.reset();
  return out;
}
