import { timingSafeEqual } from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Request, RequestHandler } from 'express';
import { notFound } from './errors.ts';

/**
 * Prometheus metrics (prom-client): the process's own (event-loop delay, memory, GC, handles), request
 * rate and latency by route pattern, and whatever the features register (store figures, live streams,
 * FAQ searches and misses). Features get the registry through their context and make their own
 * counters and gauges with `registers: [metrics.registry]`.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const requests = new Histogram({
    name: 'onramp_http_request_duration_seconds',
    help: 'Time to answer a request, by method, route pattern and status class.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  return {
    registry,
    /** Records one answered request (called by the request log when the answer is sent). */
    observeRequest(method: string, route: string, status: number, seconds: number) {
      requests.observe({ method, route, status: `${Math.floor(status / 100)}xx` }, seconds);
    },
    counter: (name: string, help: string) => new Counter({ name, help, registers: [registry] }),
    gauge: (name: string, help: string, collect: () => number) =>
      new Gauge({ name, help, registers: [registry], collect() { this.set(collect()); } }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * GET /metrics for the scraper: from an allowed address (METRICS_ALLOW, loopback by default; the
 * address as Express reads it, so behind a proxy set TRUST_PROXY), or with `Authorization: Bearer
 * METRICS_TOKEN`. Anyone else gets 404, as if there were nothing here.
 */
export function metricsEndpoint(metrics: Metrics, access: { allow: string[]; token?: string }): RequestHandler {
  const tokenOk = (req: Request) => {
    if (!access.token) return false;
    const sent = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1] ?? '';
    const a = Buffer.from(sent);
    const b = Buffer.from(access.token);
    return a.length === b.length && timingSafeEqual(a, b);
  };
  const addressOk = (req: Request) => {
    const ip = (req.ip ?? '').replace(/^::ffff:/, '');
    return access.allow.includes(ip);
  };
  return async (req, res, next) => {
    if (!addressOk(req) && !tokenOk(req)) return next(notFound('We could not find that page.'));
    res.set('Content-Type', metrics.registry.contentType).set('Cache-Control', 'no-store');
    res.send(await metrics.registry.metrics());
  };
}
