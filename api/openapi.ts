import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as s from './schemas';
import * as g from './schemas.guarantees';
import * as b from './schemas.buyers';
import { registerConsolePaths } from './openapi.console';
import { addCataloguePaths } from './openapi.catalogue';

/** The OpenAPI document, generated from the very schemas that validate requests. */
export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'buyerToken', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'a buyer access token from /v1/buyer/sessions' });
  registry.registerComponent('securitySchemes', 'guestCart', { type: 'apiKey', in: 'header', name: 'x-guest-cart-token', description: 'a guest cart token from /v1/buyer/guest-carts' });
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const errors = {
    400: { description: 'VALIDATION_FAILED', ...json(s.errorBody) },
    401: { description: 'UNAUTHENTICATED', ...json(s.errorBody) },
    404: { description: 'NOT_FOUND', ...json(s.errorBody) },
    409: { description: 'INVALID_STATE / VERSION_CONFLICT / IDEMPOTENCY_KEY_REUSED', ...json(s.errorBody) },
    422: { description: 'a business rule refused the request', ...json(s.errorBody) },
  };
  const idempotencyKey = z.object({ 'Idempotency-Key': z.string().min(1).max(64) });
  const orderId = z.object({ orderId: z.string() });
  const refundId = z.object({ refundId: z.string() });
  const add = (method: 'get' | 'post' | 'put' | 'delete', path: string, summary: string, extra: Record<string, unknown> = {}) =>
    registry.registerPath({ method, path, summary, security: [{ bearer: [] }], responses: { 200: { description: 'OK' }, ...errors }, ...extra });

  add('post', '/v1/orders', 'Create an order; returns once the create saga has settled', {
    request: { headers: idempotencyKey, body: json(s.createOrderBody) },
    responses: { 201: { description: 'PENDING_PAYMENT order' }, ...errors },
  });
  add('get', '/v1/orders', 'List orders, newest first', { request: { query: s.listOrdersQuery } });
  add('get', '/v1/orders/{orderId}', 'An order', { request: { params: orderId } });
  add('get', '/v1/orders/{orderId}/history', 'What happened to an order', { request: { params: orderId } });
  add('post', '/v1/orders/{orderId}/payments', 'Pay an order', { request: { params: orderId, body: json(s.payBody) } });
  add('post', '/v1/orders/{orderId}/cancel', 'Cancel before shipment', { request: { params: orderId, body: json(s.cancelBody) } });
  add('post', '/v1/orders/{orderId}/fulfilment-events', 'Warehouse/store/supplier event', { request: { params: orderId, body: json(s.fulfilmentBody) } });
  add('post', '/v1/orders/{orderId}/receipt', 'Buyer confirms receipt', { request: { params: orderId, body: json(s.receiptBody) } });
  add('post', '/v1/orders/{orderId}/refunds', 'Request a refund', {
    request: { params: orderId, headers: idempotencyKey, body: json(s.refundBody) },
    responses: { 201: { description: 'REQUESTED refund' }, ...errors },
  });
  add('get', '/v1/refunds/{refundId}', 'A refund', { request: { params: refundId } });
  add('post', '/v1/refunds/{refundId}/approve', 'Approve a refund (runs the refund flow)', { request: { params: refundId } });
  add('post', '/v1/refunds/{refundId}/reject', 'Reject a refund', { request: { params: refundId } });
  add('post', '/v1/payments/notifications', "A payment channel's callback", { request: { body: json(s.notificationBody) } });
  add('get', '/v1/accounts/{userId}', 'A buyer account', { request: { params: z.object({ userId: z.string() }) } });
  add('get', '/v1/accounts/{userId}/ledger', "A buyer account's ledger", { request: { params: z.object({ userId: z.string() }) } });
  add('get', '/v1/skus/{skuId}', 'A SKU with its stock', { request: { params: z.object({ skuId: z.string() }) } });
  add('get', '/v1/identities', 'Configured business identities');
  add('get', '/v1/capabilities', 'The capability map');
  add('post', '/v1/admin/users', 'Upsert a user (operator)', { request: { body: json(s.adminUserBody) } });
  add('post', '/v1/admin/skus', 'Upsert a SKU (operator)', { request: { body: json(s.adminSkuBody) } });
  add('post', '/v1/admin/coupons', 'Upsert a coupon (operator)', { request: { body: json(s.adminCouponBody) } });
  add('post', '/v1/orders/{orderId}/tracking', 'Change the tracking number, carrying the version read (409 VERSION_CONFLICT if it moved)', { request: { params: orderId, body: json(g.trackingBody) } });
  add('post', '/v1/admin/webhooks', "Upsert a business line's webhook endpoint (operator)", { request: { body: json(g.webhookEndpointBody) } });
  add('get', '/v1/admin/webhooks', 'Webhook endpoints (operator)');
  add('get', '/v1/webhooks/deliveries', 'Webhook deliveries, newest first, with every attempt', { request: { query: g.deliveriesQuery } });
  add('get', '/v1/webhooks/deliveries/{deliveryId}', 'A webhook delivery with every attempt', { request: { params: z.object({ deliveryId: z.string() }) } });
  add('post', '/v1/webhooks/deliveries/{deliveryId}/resend', 'Send a FAILED or CANCELLED delivery again, with a fresh retry budget (409 otherwise)', { request: { params: z.object({ deliveryId: z.string() }), body: json(g.resendBody) } });
  add('get', '/v1/admin/accounting/daily', 'The per-line daily accounting journal (operator)', { request: { query: g.accountingDailyQuery } });
  add('get', '/v1/admin/accounting/check', 'The accounting journal checked against the ledger (operator)');
  add('get', '/v1/admin/reconciliation', 'Balances against their ledgers, money conservation (operator)');
  const campaignId = z.object({ campaignId: z.string() });
  add('post', '/v1/admin/flash-sales', 'Create (or, before it starts, change) a flash-sale campaign (operator)', { request: { body: json(s.flashSaleBody) } });
  add('get', '/v1/flash-sales/{campaignId}', 'A flash-sale campaign: stock, reserved, sold, remaining', { request: { params: campaignId } });
  add('post', '/v1/flash-sales/{campaignId}/orders', 'Try to buy in a flash sale; winners get their order', {
    request: { params: campaignId, headers: idempotencyKey, body: json(s.flashSaleOrderBody) },
    responses: {
      201: { description: 'won: the order, PENDING_PAYMENT, scenario flash-sale' },
      ...errors,
      409: { description: 'SOLD_OUT / NOT_STARTED / ENDED / IDEMPOTENCY_KEY_REUSED', ...json(s.errorBody) },
      422: { description: 'LIMIT_EXCEEDED / USER_NOT_FOUND', ...json(s.errorBody) },
      429: { description: 'RATE_LIMITED', ...json(s.errorBody) },
    },
  });
  registerConsolePaths(add, json);

  buyerPaths(registry, json, errors, idempotencyKey);
  addCataloguePaths((method, path, summary, extra) => add(method, path, summary, extra), s.errorBody, errors);

  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: 'Order platform', version: '1.0.0', description: 'The order middle platform (订单中台) REST contract, v1.' },
    servers: [{ url: '/' }],
  });
}

/** The buyer API (/v1/buyer/…): buyer access tokens instead of API keys; docs/buyers.md describes it. */
function buyerPaths(registry: OpenAPIRegistry, json: (schema: z.ZodType) => object, errors: Record<number, object>, idempotencyKey: z.ZodObject) {
  const asBuyer = [{ buyerToken: [] }];
  const asBuyerOrGuest = [{ buyerToken: [] }, { guestCart: [] }];
  const limited = { 429: { description: 'RATE_LIMITED / ACCOUNT_LOCKED (details carry retryAfterSeconds)', ...json(s.errorBody) } };
  const add = (method: 'get' | 'post' | 'patch' | 'delete', path: string, summary: string, security: object[], extra: Record<string, unknown> = {}) =>
    registry.registerPath({ method, path, summary, security: security as never, responses: { 200: { description: 'OK' }, ...errors, ...limited }, ...extra });
  const orderId = z.object({ orderId: z.string() });
  const skuId = z.object({ skuId: z.string() });
  add('post', '/v1/buyer/verification-codes', 'Send an SMS code (the same answer whether or not the phone has an account)', [], {
    request: { body: json(b.verificationCodeBody) },
    responses: { 202: { description: 'sent (or, for a phone the purpose does not fit, an SMS saying so)' }, ...errors, ...limited },
  });
  add('post', '/v1/buyer/registrations', 'Register with phone, code, password and nickname; logs in (and merges a guest cart)', [], {
    request: { body: json(b.registrationBody) },
    responses: { 201: { description: '{buyer, session, cart}' }, ...errors, ...limited },
  });
  add('post', '/v1/buyer/sessions', 'Log in by password (phone or username) or by code; merges a guest cart', [], { request: { body: json(b.loginBody) } });
  add('post', '/v1/buyer/sessions/refresh', 'Rotate a refresh token (a reused one ends its session family)', [], { request: { body: json(b.refreshBody) } });
  add('post', '/v1/buyer/sessions/logout', 'End this session (its family)', asBuyer, { request: { body: json(b.logoutBody) } });
  add('post', '/v1/buyer/password-resets', 'Set a new password by code (ends every session)', [], { request: { body: json(b.passwordResetBody) } });
  add('get', '/v1/buyer/me', 'My account with its balance', asBuyer);
  add('post', '/v1/buyer/guest-carts', 'A guest cart token, for a cart before login', [], { responses: { 201: { description: '{guestCartToken, expiresAt}' }, ...errors } });
  add('get', '/v1/buyer/cart', 'The cart, each line re-checked (price, stock, line) with what changed', asBuyerOrGuest);
  add('post', '/v1/buyer/cart/items', 'Add a quantity of a SKU', asBuyerOrGuest, { request: { body: json(b.cartItemBody) } });
  add('patch', '/v1/buyer/cart/items/{skuId}', "Change a line's quantity", asBuyerOrGuest, { request: { params: skuId, body: json(b.cartQuantityBody) } });
  add('delete', '/v1/buyer/cart/items/{skuId}', 'Remove a line', asBuyerOrGuest, { request: { params: skuId } });
  add('post', '/v1/buyer/orders', 'Order from a line open to buyers (as POST /v1/orders, for me)', asBuyer, {
    request: { headers: idempotencyKey, body: json(b.buyerOrderBody) },
    responses: { 201: { description: 'PENDING_PAYMENT order' }, ...errors },
  });
  add('get', '/v1/buyer/orders', 'My orders, newest first', asBuyer, { request: { query: b.buyerOrdersQuery } });
  add('get', '/v1/buyer/orders/{orderId}', 'One of my orders', asBuyer, { request: { params: orderId } });
  add('post', '/v1/buyer/orders/{orderId}/payments', 'Pay my order', asBuyer, { request: { params: orderId, body: json(s.payBody) } });
  add('post', '/v1/buyer/orders/{orderId}/cancel', 'Cancel my order before shipment', asBuyer, { request: { params: orderId, body: json(s.cancelBody) } });
  add('post', '/v1/buyer/orders/{orderId}/receipt', 'Confirm receipt of my order', asBuyer, { request: { params: orderId, body: json(s.receiptBody) } });
  add('post', '/v1/buyer/orders/{orderId}/refunds', 'Request a refund of my order', asBuyer, {
    request: { params: orderId, headers: idempotencyKey, body: json(s.refundBody) },
    responses: { 201: { description: 'REQUESTED refund' }, ...errors },
  });
  add('get', '/v1/buyer/refunds/{refundId}', 'One of my refunds', asBuyer, { request: { params: z.object({ refundId: z.string() }) } });
}
