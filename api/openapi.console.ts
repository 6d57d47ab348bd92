import { z } from 'zod';
import type { AddOperation } from './openapi';
import { linksTo } from './openapi';
import * as c from './schemas.console';
import * as out from './schemas.responses';
import * as con from './schemas.responses.console';

/** The operators' console's endpoints in the OpenAPI document. */
export function registerConsolePaths(add: AddOperation) {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const thresholdParams = z.object({ bizId: z.string(), metric: z.enum(['payConversion', 'cancelRate']) });
  const thresholdLinks = (from: string) => linksTo(['setAlertThreshold', 'removeAlertThreshold'], { bizId: `$response.body#${from}/bizId`, metric: `$response.body#${from}/metric` });
  const errors = [403, 404, 409, 413, 422];
  add({
    operationId: 'getDashboard',
    method: 'get',
    path: '/v1/dashboard',
    summary: 'Orders created, paid, cancelled, closed, refunded and GMV over a period (whole hours), per business line, scenario, channel and buyer region, with a time series; a business key sees its own lines',
    request: { query: c.dashboardQuery },
    ok: { description: 'totals, the breakdown per dimension (largest first) and the series', schema: con.dashboardView },
    errors,
  });
  add({ operationId: 'getCallerKey', method: 'get', path: '/v1/me', summary: 'The calling key: its id, role and (business keys) lines', ok: { description: 'the key', schema: con.callerView }, errors });
  add({
    operationId: 'getIdentityRules',
    method: 'get',
    path: '/v1/identities/rules',
    summary: 'The business identity resolution rules, in the order they are tried (the first match wins)',
    ok: { description: 'the rules', schema: con.identityRules },
    errors,
  });
  add({
    operationId: 'getAlerts',
    method: 'get',
    path: '/v1/alerts',
    summary: "Every line's thresholds evaluated over their window now: which fire",
    ok: { description: 'each threshold with its measure now', schema: con.alerts, links: thresholdLinks('/items/0') },
    errors,
  });
  add({
    operationId: 'listAlertThresholds',
    method: 'get',
    path: '/v1/alerts/thresholds',
    summary: 'The alert thresholds per business line',
    ok: { description: 'the thresholds', schema: con.thresholds, links: thresholdLinks('/items/0') },
    errors,
  });
  add({
    operationId: 'setAlertThreshold',
    method: 'put',
    path: '/v1/admin/thresholds/{bizId}/{metric}',
    summary: "Set a line's alert threshold: payConversion alerts below it, cancelRate above it (operator)",
    request: { params: thresholdParams, body: json(c.thresholdBody) },
    ok: { description: 'the stored threshold', schema: con.thresholdView, links: thresholdLinks('') },
    errors,
  });
  add({
    operationId: 'removeAlertThreshold',
    method: 'delete',
    path: '/v1/admin/thresholds/{bizId}/{metric}',
    summary: "Remove a line's alert threshold (operator)",
    request: { params: thresholdParams },
    ok: { status: 204, description: 'removed (404 if there was none)' },
    errors,
  });
  add({
    operationId: 'searchOrders',
    method: 'get',
    path: '/v1/search/orders',
    summary: 'Search orders by id, user, line, scenario, each status dimension and creation time; newest first, cursor-paged',
    request: { query: c.orderSearchQuery },
    ok: { description: 'a page of orders; nextCursor fetches the next', schema: out.orderPage, links: linksTo(['getOrderDetails', 'getOrder'], { orderId: '$response.body#/items/0/orderId' }) },
    errors,
  });
  add({
    operationId: 'getOrderDetails',
    method: 'get',
    path: '/v1/orders/{orderId}/details',
    summary: "One order with all it touched: item snapshots, refunds, shipments, its ledger entries, webhook deliveries and the link to its workflow in Temporal's UI",
    request: { params: z.object({ orderId: z.string() }) },
    ok: { description: 'the order and all it touched', schema: con.orderDetails },
    errors,
  });
}
