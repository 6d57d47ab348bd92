import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import * as c from './schemas.checkout';

/** Checkout of a cart and its pay order in the OpenAPI document, with their success answers. */
export function addCheckoutPaths(registry: OpenAPIRegistry, errors: Record<number, object>, idempotencyKey: z.ZodObject) {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const security = [{ buyerToken: [] }];
  registry.registerPath({
    operationId: 'checkoutCart',
    method: 'post',
    path: '/v1/buyer/checkouts',
    summary: 'Check out my cart: one order per business line (and merchant), all under one pay order; a line that cannot be ordered cancels the others',
    security,
    request: { headers: idempotencyKey, body: json(c.checkoutBody) },
    responses: {
      201: {
        description: 'the pay order and its orders, PENDING_PAYMENT',
        ...json(c.checkoutView),
        links: Object.fromEntries(['getPayOrder', 'payPayOrder'].map((operationId) => [operationId, { operationId, parameters: { payOrderId: '$response.body#/payOrder/payOrderId' } }])),
      },
      ...errors,
    },
  });
  registry.registerPath({
    operationId: 'getPayOrder',
    method: 'get',
    path: '/v1/buyer/pay-orders/{payOrderId}',
    summary: 'One of my pay orders: amount, tender split (cash, coins, vouchers) and its orders',
    security,
    request: { params: c.payOrderIdParam },
    responses: { 200: { description: 'the pay order', ...json(c.payOrderView) }, ...errors },
  });
  registry.registerPath({
    operationId: 'payPayOrder',
    method: 'post',
    path: '/v1/buyer/pay-orders/{payOrderId}/payments',
    summary: 'Pay every order of my pay order awaiting payment at once: one freeze of the balance for the total',
    security,
    request: { params: c.payOrderIdParam, headers: idempotencyKey, body: json(c.payOrderPaymentBody) },
    responses: { 200: { description: 'the pay order, PAID', ...json(c.payOrderView) }, ...errors },
  });
}
