import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { httpRequestDuration, httpRequests, metricsRegistry } from './instruments';

/**
 * Counts and times every request by its route template (`/v1/orders/:orderId`, not the
 * path: one series per route, not per order). A request no route matched counts as `unmatched`.
 */
export function httpMetrics(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = httpRequestDuration.startTimer();
    res.once('finish', () => {
      const route = routeTemplate(req);
      const labels = { method: req.method, route, status: String(res.statusCode) };
      httpRequests.inc(labels);
      stop(labels);
    });
    next();
  };
}

/** The route template a request matched (`/v1/orders/:orderId`), or `unmatched`. */
export function routeTemplate(req: Request): string {
  return req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
}

/** GET /metrics in the Prometheus text format; `extra` appends another exporter's text (Temporal's SDK metrics). */
export function metricsHandler(extra?: () => Promise<string>): RequestHandler {
  return async (_req, res, next) => {
    try {
      const own = await metricsRegistry.metrics();
      const more = extra ? await extra() : '';
      res.type(metricsRegistry.contentType).send(more ? `${own}\n${more}` : own);
    } catch (err) {
      next(err);
    }
  };
}
