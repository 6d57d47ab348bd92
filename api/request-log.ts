import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { acceptRequestId, currentLogContext, runInLogContext, withLogContext, type LogContext } from '../platform/logging/log-context';
import type { Logger } from '../platform/logger';
import { routeTemplate } from '../platform/metrics/http-metrics';
import { workflowIdOf } from '../platform/orders/workflow-state';

/** Scrapes and probes, every few seconds: logged at debug only. */
const QUIET_PATHS = new Set(['/metrics', '/healthz', '/readyz']);

const ID_FIELDS = ['orderId', 'workflowId', 'bizId', 'scenario', 'refundId', 'campaignId'] as const;

/** The ids a request's path or answer names (strings only: a body's other fields never reach the logs). */
function idsIn(...sources: unknown[]): LogContext {
  const ids: LogContext = {};
  for (const source of sources) {
    if (!source || typeof source !== 'object') continue;
    for (const field of ID_FIELDS) {
      const v = (source as Record<string, unknown>)[field];
      if (typeof v === 'string' && v.length <= 128 && ids[field] === undefined) ids[field] = v;
    }
  }
  // An order's workflow id follows from its order id (`order-<orderId>`).
  if (ids.orderId && !ids.workflowId) ids.workflowId = workflowIdOf(ids.orderId);
  return ids;
}

/**
 * Every request gets a request id — the client's `X-Request-Id` when it is a plain token
 * (letters, digits, `._:-`, up to 128), else a fresh UUID — returned in `X-Request-Id` and
 * put in the log context with the ids the request touches (path parameters, and the
 * order, workflow and business line its answer names). One `request answered` line per
 * request closes it. Body parsing reads the stream outside the request's async context,
 * so `resumeRequestLogContext` re-enters it after express.json().
 */
export function requestLog(log: Logger): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const requestId = acceptRequestId(req.get('x-request-id'));
    res.setHeader('X-Request-Id', requestId);
    const started = performance.now();
    withLogContext({ requestId }, () => {
      const context = currentLogContext();
      res.locals.logContext = context;
      const json = res.json.bind(res);
      res.json = (body?: unknown) => {
        Object.assign(context, idsIn(req.params, body));
        return json(body);
      };
      res.once('finish', () =>
        runInLogContext(context, () => {
          const fields = { method: req.method, route: routeTemplate(req), status: res.statusCode, durationMs: Math.round(performance.now() - started) };
          if (res.statusCode >= 500) log.error(fields, 'request answered');
          else if (QUIET_PATHS.has(req.path)) log.debug(fields, 'request answered');
          else log.info(fields, 'request answered');
        }),
      );
      next();
    });
  };
}

export function resumeRequestLogContext(_req: Request, res: Response, next: NextFunction): void {
  const context = res.locals.logContext as LogContext | undefined;
  if (context) runInLogContext(context, next);
  else next();
}
