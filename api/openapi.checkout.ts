import { z } from 'zod';
import { linksTo, type AddOperation } from './openapi';
import * as c from './schemas.checkout';

/** Checkout of a cart and its pay order in the OpenAPI document, with their success answers. */
export function addCheckoutPaths(add: AddOperation, idempotencyKey: z.ZodObject) {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const security = [{ buyerToken: [] }];
  const errors = [403, 404, 409, 413, 422];
  add({
    operationId: 'checkoutCart',
    method: 'post',
    path: '/v1/buyer/checkouts',
    summary: 'Check out my cart: one order per business line (and merchant), all under one pay order; a line that cannot be ordered cancels the others',
    security,
    request: { headers: idempotencyKey, body: json(c.checkoutBody) },
    ok: { status: 201, description: 'the pay order and its orders, PENDING_PAYMENT', schema: c.checkoutView, links: linksTo(['getPayOrder', 'payPayOrder'], { payOrderId: '$response.body#/payOrder/payOrderId' }) },
    errors,
  });
  add({
    operationId: 'getPayOrder',
    method: 'get',
    path: '/v1/buyer/pay-orders/{payOrderId}',
    summary: 'One of my pay orders: amount, tender split (cash, coins, vouchers) and its orders',
    security,
    request: { params: c.payOrderIdParam },
    ok: { description: 'the pay order', schema: c.payOrderView },
    errors,
  });
  add({
    operationId: 'payPayOrder',
    method: 'post',
    path: '/v1/buyer/pay-orders/{payOrderId}/payments',
    summary: 'Pay every order of my pay order awaiting payment at once: one freeze of the balance for the total',
    security,
    request: { params: c.payOrderIdParam, headers: idempotencyKey, body: json(c.payOrderPaymentBody) },
    ok: { description: 'the pay order, PAID', schema: c.payOrderView },
    errors,
  });
}
