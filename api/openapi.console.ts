import { z } from 'zod';
import * as c from './schemas.console';

type Add = (method: 'get' | 'post' | 'put' | 'delete', path: string, summary: string, extra?: Record<string, unknown>) => void;
type Json = (schema: z.ZodType) => { content: { 'application/json': { schema: z.ZodType } } };

/** The operators' console's endpoints in the OpenAPI document. */
export function registerConsolePaths(add: Add, json: Json, errors: Record<number, unknown>) {
  const thresholdParams = z.object({ bizId: z.string(), metric: z.enum(['payConversion', 'cancelRate']) });
  add('get', '/v1/dashboard', 'Orders created, paid, cancelled, closed, refunded and GMV over a period (whole hours), per business line, scenario, channel and buyer region, with a time series; a business key sees its own lines', {
    request: { query: c.dashboardQuery },
  });
  add('get', '/v1/me', 'The calling key: its id, role and (business keys) lines');
  add('get', '/v1/identities/rules', 'The business identity resolution rules, in the order they are tried (the first match wins)');
  add('get', '/v1/alerts', "Every line's thresholds evaluated over their window now: which fire");
  add('get', '/v1/alerts/thresholds', 'The alert thresholds per business line');
  add('put', '/v1/admin/thresholds/{bizId}/{metric}', "Set a line's alert threshold: payConversion alerts below it, cancelRate above it (operator)", {
    request: { params: thresholdParams, body: json(c.thresholdBody) },
  });
  add('delete', '/v1/admin/thresholds/{bizId}/{metric}', "Remove a line's alert threshold (operator)", {
    request: { params: thresholdParams },
    responses: { 204: { description: 'removed (404 if there was none)' }, ...errors },
  });
  add('get', '/v1/search/orders', 'Search orders by id, user, line, scenario, each status dimension and creation time; newest first, cursor-paged', {
    request: { query: c.orderSearchQuery },
  });
  add('get', '/v1/orders/{orderId}/details', "One order with all it touched: item snapshots, refunds, shipments, its ledger entries, webhook deliveries and the link to its workflow in Temporal's UI", {
    request: { params: z.object({ orderId: z.string() }) },
  });
}
