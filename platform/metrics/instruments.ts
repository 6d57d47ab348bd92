import { collectDefaultMetrics, Counter, Histogram, register } from 'prom-client';

/**
 * The process's business and platform metrics, in prom-client's default registry
 * (served at /metrics by servers and, with METRICS_PORT, by workers). Counters count
 * what committed: a change inside a transaction is counted when the transaction commits.
 */
collectDefaultMetrics();

export const metricsRegistry = register;

export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by route template and status',
  labelNames: ['method', 'route', 'status'] as const,
});

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request latency, by route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const orderTransitions = new Counter({
  name: 'order_transitions_total',
  help: 'Committed changes of an order status field (status, payment_status, fulfillment_status, refund_status), by business line and scenario',
  labelNames: ['biz_id', 'scenario', 'field', 'from', 'to'] as const,
});

export const orderAmounts = new Counter({
  name: 'order_amount_fen_total',
  help: 'Money of committed order changes in fen, by business line, scenario and kind: paid (what an order that became PAID was paid) and refunded (what its refunded amount grew by)',
  labelNames: ['biz_id', 'scenario', 'kind'] as const,
});

export const abilityRuns = new Counter({
  name: 'ability_runs_total',
  help: 'Ability activities run, by business line, ability, phase (action or compensation) and outcome (ok, refused, fault)',
  labelNames: ['biz_id', 'ability', 'phase', 'outcome'] as const,
});

export const fenceOutcomes = new Counter({
  name: 'tcc_fence_outcomes_total',
  help: 'TCC fence decisions that committed, by phase and outcome (applied, DUPLICATE, EMPTY_ROLLBACK, HANGING_TRY_REFUSED)',
  labelNames: ['phase', 'outcome'] as const,
});

/** Runs `count` once the transaction commits (nothing if it rolls back). */
export function onCommit(trx: { executionPromise?: Promise<unknown> }, count: () => void): void {
  if (!trx.executionPromise) return count();
  trx.executionPromise.then(count, () => undefined);
}

export const flashSaleAttempts = new Counter({
  name: 'flash_sale_attempts_total',
  help: 'Flash-sale order attempts answered, by business line, the hot-path layer that decided (campaign, rate_limit, sold_out_flag, limit_memory, database, replay) and result (admitted, replayed, or the refusal code)',
  labelNames: ['biz_id', 'layer', 'result'] as const,
});

export const webhookDeliveries = new Counter({
  name: 'webhook_deliveries_total',
  help: 'Webhook dispatch decisions, by business line and result: delivered (2xx), retry (failed, tried again later), failed (given up), cancelled (no enabled endpoint)',
  labelNames: ['biz_id', 'result'] as const,
});

export const staleFreezesReleased = new Counter({
  name: 'stale_freezes_released_total',
  help: 'Stale TCC freezes (payment money, points in escrow) the scanner released, by branch',
  labelNames: ['branch'] as const,
});

export const orphanedOrdersClosed = new Counter({
  name: 'orphaned_orders_closed_total',
  help: 'Overdue unpaid orders whose workflow was gone, closed by the orphan scanner',
  labelNames: ['biz_id', 'scenario'] as const,
});
