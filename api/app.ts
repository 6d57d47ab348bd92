import express, { type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../platform/errors/app-error';
import { serviceUnavailable, unavailableDependency } from '../platform/errors/unavailable';
import type { Logger } from '../platform/logger';
import { authenticate } from './auth';
import { rejectUnstorableInput } from './input-guard';
import type { AppDeps } from './deps';
import { openApiDocument } from './openapi';
import { adminRoutes } from './routes/admin';
import { catalogRoutes } from './routes/catalog';
import { catalogueRoutes } from './routes/catalogue';
import { catalogueAdminRoutes } from './routes/catalogue-admin';
import { flashSaleRoutes } from './routes/flash-sales';
import { orderRoutes } from './routes/orders';
import { paymentRoutes } from './routes/payments';
import { refundRoutes } from './routes/refunds';
import { accountingRoutes } from './routes/accounting';
import { orderEditRoutes } from './routes/order-edits';
import { webhookRoutes } from './routes/webhooks';
import { buyerApi } from './buyer-auth';
import { buyerAccountRoutes } from './routes/buyer-accounts';
import { buyerCartRoutes } from './routes/buyer-cart';
import { buyerOrderRoutes } from './routes/buyer-orders';
import { buyerCheckoutRoutes } from './routes/buyer-checkout';
import { consoleRoutes } from './console';
import { dashboardRoutes } from './routes/dashboard';
import { orderSearchRoutes } from './routes/order-search';
import { principalRoutes } from './routes/principal';
import { httpMetrics, metricsHandler } from '../platform/metrics/http-metrics';
import { requestLog, resumeRequestLogContext } from './request-log';

export const BODY_LIMIT = '64kb';

/** How long /readyz waits for Temporal's answer: load balancers' probes give up after a few seconds. */
const READY_CHECK_DEADLINE_MS = 2_000;

/** The REST app: auth, the contract's routes, and one error handler that speaks the contract's error format. */
export function createApp(deps: AppDeps, log: Logger) {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(requestLog(log));
  app.use(httpMetrics());
  app.get('/metrics', metricsHandler());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = { database: false, temporal: false };
    // Why a dependency is not ready, in words an operator can act on (absent when ready).
    const reasons: Partial<Record<keyof typeof checks, string>> = {};
    const why = (err: unknown) => (err as Error)?.message?.split('\n')[0] || String(err);
    await Promise.all([
      deps.db.raw('select 1').then(() => (checks.database = true), (err) => (reasons.database = `PostgreSQL unreachable: ${why(err)}`)),
      // A probe answers within its deadline: an absent Temporal is not retried for a request's usual seconds.
      deps.temporal.connection
        .withDeadline(Date.now() + READY_CHECK_DEADLINE_MS, () => deps.temporal.workflowService.getSystemInfo({}))
        .then(() => (checks.temporal = true), (err) => (reasons.temporal = `Temporal unreachable: ${why(err)}`)),
    ]);
    const ready = checks.database && checks.temporal;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks, ...(ready ? {} : { reasons }) });
  });
  const openapi = openApiDocument();
  app.get('/v1/openapi.json', (_req, res) => {
    res.json(openapi);
  });

  // The console's pages and scripts are public; everything they show comes from the API with the signed-in key.
  app.use(consoleRoutes(log));

  app.use(express.json({ limit: BODY_LIMIT, strict: true, type: () => true }));
  app.use(resumeRequestLogContext);
  // The buyer API authenticates buyers (access tokens, guest cart tokens), not API keys.
  const buyers = buyerApi(deps);
  const buyerRouter = express.Router();
  buyerRouter.use(buyerAccountRoutes(deps, buyers), buyerCartRoutes(buyers), buyerOrderRoutes(deps, buyers), buyerCheckoutRoutes(deps, buyers));
  buyerRouter.use((req: Request, _res: Response, next: NextFunction) => next(new AppError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`)));
  app.use((req: Request, res: Response, next: NextFunction) => (req.path.startsWith('/v1/buyer/') ? buyerRouter(req, res, next) : next()));
  app.use(authenticate(deps.config.apiKeys));
  app.use(rejectUnstorableInput);
  // The flash-sale hot path first: under a burst, every route tried before it costs.
  app.use(flashSaleRoutes(deps));
  app.use(orderRoutes(deps), refundRoutes(deps), paymentRoutes(deps), adminRoutes(deps), catalogRoutes(deps));
  app.use(webhookRoutes(deps), accountingRoutes(deps), orderEditRoutes(deps));
  app.use(dashboardRoutes(deps), orderSearchRoutes(deps), principalRoutes(deps));
  app.use(catalogueRoutes(deps), catalogueAdminRoutes(deps));

  app.use((req: Request, _res: Response, next: NextFunction) => next(new AppError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`)));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const appError = toAppError(err);
    if (appError.status === 503) {
      res.set('Retry-After', '1');
      log.warn({ method: req.method, path: req.path, reason: appError.message }, 'request refused: a dependency is unreachable');
    } else if (appError.status >= 500) log.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(appError.status).json(appError.toBody());
  });
  return app;
}

function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const dependency = unavailableDependency(err);
  if (dependency) return serviceUnavailable(dependency);
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.too.large') return new AppError(413, 'PAYLOAD_TOO_LARGE', `the request body is larger than ${BODY_LIMIT}`);
  if (e?.type === 'entity.parse.failed') return new AppError(400, 'VALIDATION_FAILED', 'the request body is not valid JSON', [{ field: 'body', message: 'malformed JSON' }]);
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new AppError(400, 'VALIDATION_FAILED', 'unsupported body encoding');
  // The router's own refusals, e.g. a path parameter that is not valid percent-encoded UTF-8.
  if (err instanceof URIError && e.status === 400) return new AppError(400, 'VALIDATION_FAILED', 'the request path is not valid percent-encoded UTF-8', [{ field: 'path', message: 'malformed percent-encoding' }]);
  return new AppError(500, 'INTERNAL', 'something went wrong on our side; the request may be retried');
}
