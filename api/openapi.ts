import { OpenAPIRegistry, OpenApiGeneratorV3, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { withRequestIdHeader } from './openapi-request-id';
import { z } from 'zod';
import * as s from './schemas';
import * as g from './schemas.guarantees';
import * as b from './schemas.buyers';
import { addCheckoutPaths } from './openapi.checkout';
import { registerConsolePaths } from './openapi.console';
import { addCataloguePaths } from './openapi.catalogue';
import * as out from './schemas.responses';
import * as outBuyer from './schemas.responses.buyers';

export type LinksObject = NonNullable<ResponseConfig['links']>;

export interface Operation {
  operationId: string;
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  request?: RouteConfig['request'];
  /** Who may call it; API keys unless said otherwise. */
  security?: RouteConfig['security'];
  /** The success status and what it answers. */
  ok: { status?: 200 | 201 | 202 | 204; description: string; /** None only for 204. */ schema?: z.ZodType; links?: LinksObject };
  /** Error statuses besides 400, 401 and 500, which every operation may answer. */
  errors: number[];
  /** Error answers with a meaning of their own (which codes a 422 or 429 carries here). */
  moreErrors?: Record<number, ResponseConfig>;
}
export type AddOperation = (op: Operation) => void;

const ERROR_MEANING: Record<number, string> = {
  400: 'VALIDATION_FAILED: details name each bad field',
  401: 'UNAUTHENTICATED: no key or an unknown key',
  403: 'FORBIDDEN: the role may not do this (operator set-up, another line)',
  404: "NOT_FOUND: no such resource, or another business line's (existence is not leaked)",
  409: 'INVALID_STATE / VERSION_CONFLICT / IDEMPOTENCY_KEY_REUSED / SOLD_OUT / NOT_STARTED / ENDED',
  413: 'PAYLOAD_TOO_LARGE: the body is over 64 kB',
  422: 'a business rule refused the request (INSUFFICIENT_STOCK, INSUFFICIENT_BALANCE, LIMIT_EXCEEDED, …)',
  429: 'RATE_LIMITED',
  500: 'INTERNAL: a fault on our side; no stack trace, no SQL; the request may be retried',
};

/**
 * The OpenAPI document, generated from the very schemas that validate requests and
 * describe answers. Creating operations carry OpenAPI links to the operations that use
 * the ids they return, so a generated client (or a fuzzer) can walk from a created order
 * to paying, cancelling, fulfilling and refunding it.
 */
export function openApiDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  registry.registerComponent('securitySchemes', 'buyerToken', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'a buyer access token from /v1/buyer/sessions' });
  registry.registerComponent('securitySchemes', 'guestCart', { type: 'apiKey', in: 'header', name: 'x-guest-cart-token', description: 'a guest cart token from /v1/buyer/guest-carts' });
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const errors = (...statuses: number[]) =>
    Object.fromEntries([400, 401, ...statuses, 500].sort((a, b) => a - b).map((st) => [st, { description: ERROR_MEANING[st], ...json(s.errorBody) }]));
  const idempotencyKey = z.object({ 'Idempotency-Key': z.string().min(1).max(64) });
  const pathId = z.string();
  const orderId = z.object({ orderId: pathId });
  const refundId = z.object({ refundId: pathId });
  const userId = z.object({ userId: pathId });
  const campaignId = z.object({ campaignId: pathId });
  const deliveryId = z.object({ deliveryId: pathId });
  const add: AddOperation = (op) =>
    registry.registerPath({
      operationId: op.operationId,
      method: op.method,
      path: op.path,
      summary: op.summary,
      security: op.security ?? [{ bearer: [] }],
      request: op.request,
      responses: {
        [op.ok.status ?? 200]: { description: op.ok.description, ...(op.ok.schema ? json(op.ok.schema) : {}), ...(op.ok.links ? { links: op.ok.links } : {}) },
        ...errors(...op.errors),
        ...op.moreErrors,
      },
    });

  // Links: from an answer carrying an id to the operations that take it.
  const byOrderId = (...targets: string[]) => linksTo(targets, { orderId: '$response.body#/orderId' });
  const orderLinks: LinksObject = {
    ...byOrderId('getOrder', 'getOrderHistory', 'getOrderDetails', 'payOrder', 'cancelOrder', 'postFulfilmentEvent', 'confirmReceipt', 'changeTracking', 'getOrderShipments', 'payOrderBalance'),
    requestRefund: {
      operationId: 'requestRefund',
      parameters: { orderId: '$response.body#/orderId' },
      requestBody: { items: [{ orderItemId: '$response.body#/items/0/orderItemId', quantity: 1 }], reason: 'changed my mind' },
    },
    notifyPayment: {
      operationId: 'notifyPayment',
      requestBody: { payOrderId: '$response.body#/payOrderId', amount: '$response.body#/payableAmount' },
    },
    getAccount: { operationId: 'getAccount', parameters: { userId: '$response.body#/userId' } },
    getAccountLedger: { operationId: 'getAccountLedger', parameters: { userId: '$response.body#/userId' } },
    getSku: { operationId: 'getSku', parameters: { skuId: '$response.body#/items/0/skuId' } },
    listOrdersOfUser: { operationId: 'listOrders', parameters: { 'query.userId': '$response.body#/userId' } },
    listDeliveriesOfOrder: { operationId: 'listWebhookDeliveries', parameters: { 'query.orderId': '$response.body#/orderId' } },
  };

  add({
    operationId: 'createOrder',
    method: 'post',
    path: '/v1/orders',
    summary: 'Create an order; returns once the create saga has settled',
    request: { headers: idempotencyKey, body: json(s.createOrderBody) },
    ok: { status: 201, description: 'the order, PENDING_PAYMENT', schema: out.orderView, links: orderLinks },
    errors: [403, 409, 413, 422],
  });
  add({
    operationId: 'listOrders',
    method: 'get',
    path: '/v1/orders',
    summary: 'List orders, newest first',
    request: { query: s.listOrdersQuery },
    ok: { description: 'a page of orders; nextCursor fetches the next', schema: out.orderPage, links: linksTo(['getOrder'], { orderId: '$response.body#/items/0/orderId' }) },
    errors: [],
  });
  add({ operationId: 'getOrder', method: 'get', path: '/v1/orders/{orderId}', summary: 'An order', request: { params: orderId }, ok: { description: 'the order', schema: out.orderView }, errors: [404] });
  add({
    operationId: 'getOrderHistory',
    method: 'get',
    path: '/v1/orders/{orderId}/history',
    summary: 'What happened to an order',
    request: { params: orderId },
    ok: { description: "the order's steps, messages and status changes in time order", schema: out.orderHistory },
    errors: [404],
  });
  add({
    operationId: 'payOrder',
    method: 'post',
    path: '/v1/orders/{orderId}/payments',
    summary: 'Pay an order',
    request: { params: orderId, body: json(s.payBody) },
    ok: { description: 'the order, PAID', schema: out.orderView, links: orderLinks },
    errors: [404, 409, 413, 422],
  });
  add({
    operationId: 'cancelOrder',
    method: 'post',
    path: '/v1/orders/{orderId}/cancel',
    summary: 'Cancel before shipment',
    request: { params: orderId, body: json(s.cancelBody) },
    ok: { description: 'the order, CANCELLED', schema: out.orderView },
    errors: [404, 409, 413, 422],
  });
  add({
    operationId: 'postFulfilmentEvent',
    method: 'post',
    path: '/v1/orders/{orderId}/fulfilment-events',
    summary: 'Warehouse/store/supplier event',
    request: { params: orderId, body: json(s.fulfilmentBody) },
    ok: { description: 'the order as it now is', schema: out.orderView, links: orderLinks },
    errors: [404, 409, 413, 422],
  });
  add({
    operationId: 'payOrderBalance',
    method: 'post',
    path: '/v1/orders/{orderId}/balance-payments',
    summary: 'Pay the balance (尾款) after the deposit, where the line takes it online (balanceDue)',
    request: { params: orderId, body: json(s.payBody) },
    ok: { description: 'the order, balanceStatus PAID', schema: out.orderView, links: orderLinks },
    errors: [404, 409, 413, 422],
  });
  add({
    operationId: 'getOrderShipments',
    method: 'get',
    path: '/v1/orders/{orderId}/shipments',
    summary: "An order's parcels (split shipments), oldest first",
    request: { params: orderId },
    ok: { description: 'each parcel with its tracking number, units and whether it arrived', schema: out.shipmentsView },
    errors: [404],
  });
  add({
    operationId: 'confirmReceipt',
    method: 'post',
    path: '/v1/orders/{orderId}/receipt',
    summary: 'Buyer confirms receipt',
    request: { params: orderId, body: json(s.receiptBody) },
    ok: { description: 'the order, COMPLETED', schema: out.orderView },
    errors: [404, 409, 413, 422],
  });
  add({
    operationId: 'changeTracking',
    method: 'post',
    path: '/v1/orders/{orderId}/tracking',
    summary: 'Change the tracking number, carrying the version read (409 VERSION_CONFLICT if it moved)',
    request: { params: orderId, body: json(g.trackingBody) },
    ok: { description: 'the order with its new version', schema: out.orderView },
    errors: [404, 409, 413],
  });
  const refundLinks = linksTo(['getRefund', 'approveRefund', 'rejectRefund'], { refundId: '$response.body#/refundId' });
  add({
    operationId: 'requestRefund',
    method: 'post',
    path: '/v1/orders/{orderId}/refunds',
    summary: 'Request a refund',
    request: { params: orderId, headers: idempotencyKey, body: json(s.refundBody) },
    ok: { status: 201, description: 'the refund, REQUESTED', schema: out.refundView, links: { ...refundLinks, ...linksTo(['getOrder'], { orderId: '$response.body#/orderId' }) } },
    errors: [404, 409, 413, 422],
  });
  add({ operationId: 'getRefund', method: 'get', path: '/v1/refunds/{refundId}', summary: 'A refund', request: { params: refundId }, ok: { description: 'the refund', schema: out.refundView }, errors: [404] });
  add({
    operationId: 'approveRefund',
    method: 'post',
    path: '/v1/refunds/{refundId}/approve',
    summary: 'Approve a refund (runs the refund flow)',
    request: { params: refundId, body: json(s.receiptBody) },
    ok: { description: 'the refund, REFUNDED', schema: out.refundView, links: linksTo(['getOrder'], { orderId: '$response.body#/orderId' }) },
    errors: [404, 409, 413, 422],
  });
  add({
    operationId: 'rejectRefund',
    method: 'post',
    path: '/v1/refunds/{refundId}/reject',
    summary: 'Reject a refund',
    request: { params: refundId, body: json(s.receiptBody) },
    ok: { description: 'the refund, REJECTED', schema: out.refundView },
    errors: [404, 409, 413, 422],
  });
  add({
    operationId: 'notifyPayment',
    method: 'post',
    path: '/v1/payments/notifications',
    summary: "A payment channel's callback",
    request: { body: json(s.notificationBody) },
    ok: { description: 'what the notification did (a repeat answers the first outcome)', schema: out.notificationResult },
    errors: [404, 409, 413, 422],
  });
  add({ operationId: 'getAccount', method: 'get', path: '/v1/accounts/{userId}', summary: 'A buyer account', request: { params: userId }, ok: { description: 'the account', schema: out.accountView }, errors: [404] });
  add({
    operationId: 'getAccountLedger',
    method: 'get',
    path: '/v1/accounts/{userId}/ledger',
    summary: "A buyer account's ledger",
    request: { params: userId },
    ok: { description: 'append-only entries, oldest first', schema: out.ledgerView },
    errors: [404],
  });
  add({ operationId: 'getSku', method: 'get', path: '/v1/skus/{skuId}', summary: 'A SKU with its stock', request: { params: z.object({ skuId: pathId }) }, ok: { description: 'the SKU', schema: out.skuView }, errors: [404] });
  add({ operationId: 'getIdentities', method: 'get', path: '/v1/identities', summary: 'Configured business identities', ok: { description: 'identities and their configuration', schema: out.identities }, errors: [] });
  add({ operationId: 'getCapabilities', method: 'get', path: '/v1/capabilities', summary: 'The capability map', ok: { description: 'per identity and use case, the steps and their extensions', schema: out.capabilities }, errors: [] });
  add({
    operationId: 'upsertUser',
    method: 'post',
    path: '/v1/admin/users',
    summary: 'Upsert a user (operator)',
    request: { body: json(s.adminUserBody) },
    ok: { description: 'the stored user and account', schema: out.adminUserView, links: linksTo(['getAccount', 'getAccountLedger'], { userId: '$response.body#/userId' }) },
    errors: [403, 413],
  });
  add({
    operationId: 'upsertSku',
    method: 'post',
    path: '/v1/admin/skus',
    summary: 'Upsert a SKU (operator)',
    request: { body: json(s.adminSkuBody) },
    ok: { description: 'the stored SKU', schema: out.skuView, links: linksTo(['getSku'], { skuId: '$response.body#/skuId' }) },
    errors: [403, 409, 413],
  });
  add({
    operationId: 'upsertCoupon',
    method: 'post',
    path: '/v1/admin/coupons',
    summary: 'Upsert a coupon (operator)',
    request: { body: json(s.adminCouponBody) },
    ok: { description: 'the stored coupon', schema: out.couponView },
    errors: [403, 409, 413],
  });
  add({
    operationId: 'upsertWebhookEndpoint',
    method: 'post',
    path: '/v1/admin/webhooks',
    summary: "Upsert a business line's webhook endpoint (operator)",
    request: { body: json(g.webhookEndpointBody) },
    ok: { description: 'the stored endpoint', schema: out.webhookEndpointView, links: { listDeliveriesOfLine: { operationId: 'listWebhookDeliveries', parameters: { 'query.bizId': '$response.body#/bizId' } } } },
    errors: [403, 413],
  });
  add({ operationId: 'listWebhookEndpoints', method: 'get', path: '/v1/admin/webhooks', summary: 'Webhook endpoints (operator)', ok: { description: 'every endpoint', schema: out.webhookEndpoints }, errors: [403] });
  add({
    operationId: 'listWebhookDeliveries',
    method: 'get',
    path: '/v1/webhooks/deliveries',
    summary: 'Webhook deliveries, newest first, with every attempt',
    request: { query: g.deliveriesQuery },
    ok: { description: 'a page of deliveries', schema: out.webhookDeliveryPage, links: linksTo(['getWebhookDelivery', 'resendWebhookDelivery'], { deliveryId: '$response.body#/items/0/deliveryId' }) },
    errors: [],
  });
  add({
    operationId: 'getWebhookDelivery',
    method: 'get',
    path: '/v1/webhooks/deliveries/{deliveryId}',
    summary: 'A webhook delivery with every attempt',
    request: { params: deliveryId },
    ok: { description: 'the delivery', schema: out.webhookDelivery },
    errors: [404],
  });
  add({
    operationId: 'resendWebhookDelivery',
    method: 'post',
    path: '/v1/webhooks/deliveries/{deliveryId}/resend',
    summary: 'Send a FAILED or CANCELLED delivery again, with a fresh retry budget (409 otherwise)',
    request: { params: deliveryId, body: json(g.resendBody) },
    ok: { description: 'the delivery, PENDING again', schema: out.webhookDelivery },
    errors: [404, 409, 413],
  });
  add({
    operationId: 'getAccountingDaily',
    method: 'get',
    path: '/v1/admin/accounting/daily',
    summary: 'The per-line daily accounting journal (operator)',
    request: { query: g.accountingDailyQuery },
    ok: { description: 'the journal, newest day first', schema: out.accountingDaily },
    errors: [403],
  });
  add({ operationId: 'checkAccounting', method: 'get', path: '/v1/admin/accounting/check', summary: 'The accounting journal checked against the ledger (operator)', ok: { description: 'the check', schema: out.accountingCheck }, errors: [403] });
  add({ operationId: 'reconcile', method: 'get', path: '/v1/admin/reconciliation', summary: 'Balances against their ledgers, money conservation (operator)', ok: { description: 'the reconciliation', schema: out.reconciliation }, errors: [403] });
  add({
    operationId: 'upsertFlashSale',
    method: 'post',
    path: '/v1/admin/flash-sales',
    summary: 'Create (or, before it starts, change) a flash-sale campaign (operator)',
    request: { body: json(s.flashSaleBody) },
    ok: { description: 'the campaign', schema: out.flashSaleCampaignView, links: linksTo(['getFlashSale', 'tryFlashSaleOrder'], { campaignId: '$response.body#/campaignId' }) },
    errors: [403, 409, 413, 422],
  });
  add({
    operationId: 'getFlashSale',
    method: 'get',
    path: '/v1/flash-sales/{campaignId}',
    summary: 'A flash-sale campaign: stock, reserved, sold, remaining',
    request: { params: campaignId },
    ok: { description: 'the campaign', schema: out.flashSaleCampaignView },
    errors: [404],
  });
  add({
    operationId: 'tryFlashSaleOrder',
    method: 'post',
    path: '/v1/flash-sales/{campaignId}/orders',
    summary: 'Try to buy in a flash sale; winners get their order',
    request: { params: campaignId, headers: idempotencyKey, body: json(s.flashSaleOrderBody) },
    ok: { status: 201, description: 'won: the order, PENDING_PAYMENT, scenario flash-sale', schema: out.orderView, links: orderLinks },
    errors: [404, 409, 413, 422, 429],
  });
  registerConsolePaths(add);
  buyerPaths(add, json, idempotencyKey);
  addCataloguePaths(add, json(s.errorBody));

  return withRequestIdHeader(
    new OpenApiGeneratorV3(registry.definitions).generateDocument({
      openapi: '3.0.3',
      info: { title: 'Order platform', version: '1.0.0', description: 'The order middle platform (订单中台) REST contract, v1.' },
      servers: [{ url: '/' }],
    }),
  );
}

/** The buyer API (/v1/buyer/…): buyer access tokens instead of API keys; docs/buyers.md describes it. */
function buyerPaths(add: AddOperation, json: (schema: z.ZodType) => { content: { 'application/json': { schema: z.ZodType } } }, idempotencyKey: z.ZodObject) {
  const asBuyer: Operation['security'] = [{ buyerToken: [] }];
  const asBuyerOrGuest: Operation['security'] = [{ buyerToken: [] }, { guestCart: [] }];
  const moreErrors = { 429: { description: 'RATE_LIMITED / ACCOUNT_LOCKED (details carry retryAfterSeconds)', ...json(s.errorBody) } } as Record<number, ResponseConfig>;
  const errors = [403, 404, 409, 413, 422];
  const orderId = z.object({ orderId: z.string() });
  const skuId = z.object({ skuId: z.string() });
  const sessionLinks = { refreshBuyerSession: { operationId: 'refreshBuyerSession', requestBody: { refreshToken: '$response.body#/session/refreshToken' } } };
  const cartLinks = linksTo(['changeBuyerCartItem', 'removeBuyerCartItem'], { skuId: '$response.body#/items/0/skuId' });
  const byOrderId = (pointer: string) =>
    linksTo(['getBuyerOrder', 'payBuyerOrder', 'payBuyerOrderBalance', 'cancelBuyerOrder', 'confirmBuyerReceipt', 'requestBuyerRefund'], { orderId: `$response.body#${pointer}` });
  const orderLinks = {
    ...byOrderId('/orderId'),
    requestBuyerRefund: {
      operationId: 'requestBuyerRefund',
      parameters: { orderId: '$response.body#/orderId' },
      requestBody: { items: [{ orderItemId: '$response.body#/items/0/orderItemId', quantity: 1 }], reason: 'changed my mind' },
    },
  };
  const buyer = (op: Omit<Operation, 'errors' | 'security'> & { security?: Operation['security'] }) => add({ security: asBuyer, errors, moreErrors, ...op });
  buyer({
    operationId: 'sendBuyerVerificationCode',
    method: 'post',
    path: '/v1/buyer/verification-codes',
    summary: 'Send an SMS code (the same answer whether or not the phone has an account)',
    security: [],
    request: { body: json(b.verificationCodeBody) },
    ok: { status: 202, description: 'sent (or, for a phone the purpose does not fit, an SMS saying so)', schema: outBuyer.verificationCodeSent },
  });
  buyer({
    operationId: 'registerBuyer',
    method: 'post',
    path: '/v1/buyer/registrations',
    summary: 'Register with phone, code, password and nickname; logs in (and merges a guest cart)',
    security: [],
    request: { body: json(b.registrationBody) },
    ok: { status: 201, description: 'the buyer, a session and the merged guest cart (null without one)', schema: outBuyer.buyerLoggedIn, links: sessionLinks },
  });
  buyer({
    operationId: 'loginBuyer',
    method: 'post',
    path: '/v1/buyer/sessions',
    summary: 'Log in by password (phone or username) or by code; merges a guest cart',
    security: [],
    request: { body: json(b.loginBody) },
    ok: { description: 'the buyer, a session and the merged guest cart (null without one)', schema: outBuyer.buyerLoggedIn, links: sessionLinks },
  });
  buyer({
    operationId: 'refreshBuyerSession',
    method: 'post',
    path: '/v1/buyer/sessions/refresh',
    summary: 'Rotate a refresh token (a reused one ends its session family)',
    security: [],
    request: { body: json(b.refreshBody) },
    ok: { description: 'the new tokens', schema: outBuyer.buyerSessionRefreshed, links: sessionLinks },
  });
  buyer({ operationId: 'logoutBuyer', method: 'post', path: '/v1/buyer/sessions/logout', summary: 'End this session (its family)', request: { body: json(b.logoutBody) }, ok: { description: 'logged out', schema: outBuyer.buyerLoggedOut } });
  buyer({
    operationId: 'resetBuyerPassword',
    method: 'post',
    path: '/v1/buyer/password-resets',
    summary: 'Set a new password by code (ends every session)',
    security: [],
    request: { body: json(b.passwordResetBody) },
    ok: { description: 'the password is changed and every session ended', schema: outBuyer.buyerPasswordReset },
  });
  buyer({ operationId: 'getBuyerMe', method: 'get', path: '/v1/buyer/me', summary: 'My account with its balance', ok: { description: 'the buyer with balance, frozen and points', schema: outBuyer.buyerMe } });
  buyer({
    operationId: 'createGuestCart',
    method: 'post',
    path: '/v1/buyer/guest-carts',
    summary: 'A guest cart token, for a cart before login',
    security: [],
    ok: { status: 201, description: 'the token (send it as x-guest-cart-token) and when it expires', schema: outBuyer.guestCart },
  });
  buyer({
    operationId: 'getBuyerCart',
    method: 'get',
    path: '/v1/buyer/cart',
    summary: 'The cart, each line re-checked (price, stock, line) with what changed',
    security: asBuyerOrGuest,
    ok: { description: 'the cart', schema: outBuyer.buyerCart, links: cartLinks },
  });
  buyer({
    operationId: 'addBuyerCartItem',
    method: 'post',
    path: '/v1/buyer/cart/items',
    summary: 'Add a quantity of a SKU',
    security: asBuyerOrGuest,
    request: { body: json(b.cartItemBody) },
    ok: { description: 'the cart', schema: outBuyer.buyerCart, links: cartLinks },
  });
  buyer({
    operationId: 'changeBuyerCartItem',
    method: 'patch',
    path: '/v1/buyer/cart/items/{skuId}',
    summary: "Change a line's quantity",
    security: asBuyerOrGuest,
    request: { params: skuId, body: json(b.cartQuantityBody) },
    ok: { description: 'the cart', schema: outBuyer.buyerCart },
  });
  buyer({
    operationId: 'removeBuyerCartItem',
    method: 'delete',
    path: '/v1/buyer/cart/items/{skuId}',
    summary: 'Remove a line',
    security: asBuyerOrGuest,
    request: { params: skuId },
    ok: { description: 'the cart', schema: outBuyer.buyerCart },
  });
  buyer({
    operationId: 'createBuyerOrder',
    method: 'post',
    path: '/v1/buyer/orders',
    summary: 'Order from a line open to buyers (as POST /v1/orders, for me)',
    request: { headers: idempotencyKey, body: json(b.buyerOrderBody) },
    ok: { status: 201, description: 'the order, PENDING_PAYMENT', schema: out.orderView, links: orderLinks },
  });
  buyer({
    operationId: 'listBuyerOrders',
    method: 'get',
    path: '/v1/buyer/orders',
    summary: 'My orders, newest first',
    request: { query: b.buyerOrdersQuery },
    ok: { description: 'a page of my orders; nextCursor fetches the next', schema: out.orderPage, links: byOrderId('/items/0/orderId') },
  });
  buyer({ operationId: 'getBuyerOrder', method: 'get', path: '/v1/buyer/orders/{orderId}', summary: 'One of my orders', request: { params: orderId }, ok: { description: 'the order', schema: out.orderView } });
  buyer({ operationId: 'payBuyerOrder', method: 'post', path: '/v1/buyer/orders/{orderId}/payments', summary: 'Pay my order', request: { params: orderId, body: json(s.payBody) }, ok: { description: 'the order, PAID', schema: out.orderView, links: orderLinks } });
  buyer({ operationId: 'cancelBuyerOrder', method: 'post', path: '/v1/buyer/orders/{orderId}/cancel', summary: 'Cancel my order before shipment', request: { params: orderId, body: json(s.cancelBody) }, ok: { description: 'the order, CANCELLED', schema: out.orderView } });
  buyer({
    operationId: 'payBuyerOrderBalance',
    method: 'post',
    path: '/v1/buyer/orders/{orderId}/balance-payments',
    summary: 'Pay the balance (尾款) of my order after its deposit, where the line takes it online',
    request: { params: orderId, body: json(s.payBody) },
    ok: { description: 'the order, balanceStatus PAID', schema: out.orderView, links: orderLinks },
  });
  buyer({ operationId: 'confirmBuyerReceipt', method: 'post', path: '/v1/buyer/orders/{orderId}/receipt', summary: 'Confirm receipt of my order', request: { params: orderId, body: json(s.receiptBody) }, ok: { description: 'the order, COMPLETED', schema: out.orderView } });
  buyer({
    operationId: 'requestBuyerRefund',
    method: 'post',
    path: '/v1/buyer/orders/{orderId}/refunds',
    summary: 'Request a refund of my order',
    request: { params: orderId, headers: idempotencyKey, body: json(s.refundBody) },
    ok: { status: 201, description: 'the refund, REQUESTED', schema: out.refundView, links: { ...linksTo(['getBuyerRefund'], { refundId: '$response.body#/refundId' }), ...linksTo(['getBuyerOrder'], { orderId: '$response.body#/orderId' }) } },
  });
  buyer({ operationId: 'getBuyerRefund', method: 'get', path: '/v1/buyer/refunds/{refundId}', summary: 'One of my refunds', request: { params: z.object({ refundId: z.string() }) }, ok: { description: 'the refund', schema: out.refundView } });
  addCheckoutPaths(add, idempotencyKey);
}

/** One link per target operation, each passing the same parameters. */
export function linksTo(operationIds: string[], parameters: Record<string, string>): LinksObject {
  return Object.fromEntries(operationIds.map((operationId) => [operationId, { operationId, parameters }]));
}
