import { z } from 'zod';
import './schemas'; // extends zod with .openapi()

/**
 * Response schemas: what each operation answers, for the OpenAPI document (and so for
 * generated clients and the fuzzer's conformance check). Objects are open (extra fields
 * allowed) because the contract grows by addition; statuses are strings, not enums, for
 * the same reason — a client must tolerate a status it does not know yet.
 * tests/e2e/openapi-responses.test.ts checks real answers against them, undocumented
 * fields included.
 */
const timestamp = z.string().openapi({ format: 'date-time', example: '2026-12-01T08:00:00.000Z' });
const amount = z.number().int().openapi({ description: 'money in minor units (fen)' });
const count = z.number().int();

export const orderItemView = z
  .object({
    orderItemId: z.string(),
    skuId: z.string(),
    quantity: count,
    price: amount,
    discount: amount,
    payable: amount,
    refundedQuantity: count,
    refundedAmount: amount,
    shippedQuantity: count.openapi({ description: 'units that left in a parcel (split shipments)' }),
    cancelledQuantity: count.openapi({ description: 'units refunded before they shipped (taken out of what is still to ship)' }),
    snapshotId: z.string().nullable(),
    status: z.string(),
  })
  .openapi('OrderItem');

export const orderView = z
  .object({
    orderId: z.string(),
    payOrderId: z.string(),
    workflowId: z.string(),
    bizId: z.string(),
    scenario: z.string(),
    userId: z.string(),
    status: z.string().openapi({ description: 'PENDING_PAYMENT, PAID, SHIPPED, DELIVERED, COMPLETED, CLOSED, CANCELLED, …' }),
    paymentStatus: z.string().openapi({ description: 'UNPAID, PAID, PARTIALLY_REFUNDED, REFUNDED, …' }),
    fulfillmentStatus: z.string().openapi({ description: 'NONE, SHIPPED, DELIVERED, FAILED, …' }),
    refundStatus: z.string().openapi({ description: 'NONE, REQUESTED, PARTIAL, FULL, REJECTED, …' }),
    totalAmount: amount,
    discountAmount: amount,
    payableAmount: amount,
    paidAmount: amount,
    refundedAmount: amount,
    paymentMethod: z.string().nullable(),
    couponCode: z.string().nullable(),
    trackingNo: z.string().nullable(),
    balanceAmount: amount.openapi({ description: 'the balance (尾款) a deposit line takes after the deposit: the price less the payable amount; 0 where the order is paid in one stage' }),
    balanceStatus: z.string().openapi({ description: 'NONE, DUE, PAID, FORFEITED, LAPSED, CANCELLED' }),
    payDeadline: timestamp,
    notes: z.array(z.record(z.string(), z.unknown())),
    version: count,
    createdAt: timestamp,
    updatedAt: timestamp,
    items: z.array(orderItemView),
  })
  .openapi('Order');

export const orderPage = z.object({ items: z.array(orderView), nextCursor: z.string().nullable() }).openapi('OrderPage');

export const orderHistory = z
  .object({
    orderId: z.string(),
    workflowId: z.string(),
    bizId: z.string(),
    scenario: z.string(),
    events: z.array(
      z.object({
        at: timestamp,
        kind: z.string().openapi({ description: 'STEP_COMPLETED, STEP_FAILED, COMPENSATED, SIGNAL, STATUS_CHANGED' }),
        step: z.string().nullable(),
        extension: z.string().nullable(),
        detail: z.string(),
      }),
    ),
  })
  .openapi('OrderHistory');

export const refundView = z
  .object({
    refundId: z.string(),
    orderId: z.string(),
    status: z.string().openapi({ description: 'REQUESTED, AWAITING_RETURN, REFUNDED, REJECTED, CLOSED, …' }),
    kind: z.string(),
    amount,
    reason: z.string().nullable(),
    returnGoods: z.boolean(),
    items: z.array(z.record(z.string(), z.unknown())),
    returnStatus: z.string().openapi({ description: 'the return of goods: NONE, AWAITING, SHIPPED, RECEIVED, CLOSED' }),
    returnTrackingNo: z.string().nullable(),
    returnDeadline: timestamp.nullable().openapi({ description: 'when a return not received is closed' }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .openapi('Refund');

export const shipmentsView = z
  .object({
    orderId: z.string(),
    shipments: z.array(
      z.object({
        shipmentId: z.string().openapi({ description: "the referenceId of the parcel's SHIPPED event" }),
        trackingNo: z.string().nullable(),
        status: z.string().openapi({ description: 'SHIPPED, DELIVERED' }),
        items: z.array(z.object({ orderItemId: z.string(), quantity: count })),
        shippedAt: timestamp,
        deliveredAt: timestamp.nullable(),
      }),
    ),
  })
  .openapi('OrderShipments');

export const notificationResult = z
  .object({
    channelTxnId: z.string(),
    payOrderId: z.string(),
    outcome: z.string().openapi({ description: 'APPLIED, FAILED_RECORDED, REFUNDED_LATE, REFUNDED_DUPLICATE, REFUNDED_AMOUNT_MISMATCH' }),
    duplicate: z.boolean(),
    orders: z.array(orderView.nullable()),
  })
  .openapi('PaymentNotificationResult');

export const accountView = z
  .object({ userId: z.string(), balance: amount, frozen: amount, points: count, version: count })
  .openapi('Account');

export const ledgerEntry = z
  .object({
    entryId: z.string(),
    seq: count,
    txnId: z.string(),
    type: z.string(),
    balanceChange: amount,
    frozenChange: amount,
    pointsChange: count,
    balanceAfter: amount,
    frozenAfter: amount,
    pointsAfter: count,
    ref: z.object({ type: z.string(), id: z.string() }).nullable(),
    at: timestamp,
  })
  .openapi('LedgerEntry');

export const ledgerView = z.object({ userId: z.string(), entries: z.array(ledgerEntry) }).openapi('Ledger');

export const skuView = z
  .object({
    skuId: z.string(),
    spuId: z.string(),
    title: z.string(),
    productType: z.string(),
    price: amount,
    stock: count,
    reserved: count,
    sold: count,
    available: count,
    attributes: z.record(z.string(), z.unknown()),
  })
  .openapi('Sku');

export const adminUserView = z
  .object({ userId: z.string(), attributes: z.record(z.string(), z.unknown()), balance: amount, frozen: amount, points: count })
  .openapi('AdminUserResult');

export const couponView = z
  .object({
    code: z.string(),
    amountOff: amount,
    minSpend: amount,
    quantity: count,
    locked: count,
    used: count,
    remaining: count,
    bizIds: z.array(z.string()),
  })
  .openapi('Coupon');

export const identities = z
  .object({
    identities: z.array(
      z.object({ bizId: z.string(), scenario: z.string(), description: z.string().optional(), config: z.record(z.string(), z.unknown()) }),
    ),
  })
  .openapi('Identities');

const stepExtension = { ability: z.string(), extPt: z.string(), extension: z.string(), registeredAt: z.string() };
export const capabilities = z
  .object({
    capabilities: z.array(
      z.object({
        bizId: z.string(),
        scenario: z.string(),
        useCases: z.array(
          z.object({
            useCase: z.string(),
            flow: z.string().nullable(),
            steps: z.array(z.object({ ...stepExtension, compensation: z.object(stepExtension).nullable() })),
          }),
        ),
      }),
    ),
  })
  .openapi('Capabilities');

export const webhookEndpointView = z
  .object({ bizId: z.string(), url: z.string(), enabled: z.boolean(), hasSecret: z.boolean(), createdAt: timestamp, updatedAt: timestamp })
  .openapi('WebhookEndpointResult');

export const webhookEndpoints = z.object({ items: z.array(webhookEndpointView) }).openapi('WebhookEndpoints');

export const webhookDelivery = z
  .object({
    deliveryId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    bizId: z.string(),
    orderId: z.string().nullable(),
    url: z.string(),
    status: z.string().openapi({ description: 'PENDING, DELIVERED, FAILED, CANCELLED' }),
    attemptCount: count,
    resends: count,
    deliveredAt: timestamp.nullable(),
    nextAttemptAt: timestamp.nullable(),
    lastStatusCode: count.nullable(),
    lastError: z.string().nullable(),
    createdAt: timestamp,
    attempts: z.array(z.object({ attempt: count, at: timestamp, statusCode: count.nullable(), error: z.string().nullable(), durationMs: count })),
    body: z.record(z.string(), z.unknown()),
  })
  .openapi('WebhookDelivery');

export const webhookDeliveryPage = z.object({ items: z.array(webhookDelivery), nextCursor: z.string().nullable() }).openapi('WebhookDeliveryPage');

export const accountingDaily = z
  .object({
    items: z.array(
      z.object({
        bizId: z.string(),
        businessDate: z.string().openapi({ format: 'date' }),
        salesAmount: amount,
        salesCount: count,
        refundAmount: amount,
        refundCount: count,
        netAmount: amount,
      }),
    ),
  })
  .openapi('AccountingDaily');

export const accountingCheck = z
  .object({
    ok: z.boolean(),
    pendingEvents: count,
    lines: z.array(
      z.object({
        bizId: z.string(),
        journalSales: amount,
        ledgerSales: amount,
        journalRefunds: amount,
        ledgerRefunds: amount,
        merchantBalance: amount,
        ok: z.boolean(),
      }),
    ),
    inconsistentDays: z.array(z.object({ bizId: z.string(), businessDate: z.string() })),
  })
  .openapi('AccountingCheck');

export const reconciliation = z
  .object({
    ok: z.boolean(),
    accounts: count,
    totalMoney: amount,
    openingMoney: amount,
    totalPoints: count,
    openingPoints: count,
    drifting: z.array(
      z.object({
        accountId: z.string(),
        balance: amount,
        ledgerBalance: amount,
        frozen: amount,
        ledgerFrozen: amount,
        points: count,
        ledgerPoints: count,
      }),
    ),
    unbalancedTxns: z.array(z.object({ txnId: z.string(), sum: amount, pointsSum: count })),
    brokenSequences: z.array(z.string()),
  })
  .openapi('Reconciliation');

export const flashSaleCampaignView = z
  .object({
    campaignId: z.string(),
    skuId: z.string(),
    bizId: z.string(),
    scenario: z.string(),
    stock: count,
    reserved: count,
    sold: count,
    remaining: count,
    returnedToShelf: count,
    perUserLimit: count,
    payWindowSeconds: count,
    startsAt: timestamp,
    endsAt: timestamp,
    status: z.string().openapi({ description: 'SCHEDULED, ACTIVE, ENDED' }),
    stockMode: z.string(),
    buckets: count,
  })
  .openapi('FlashSaleCampaignResult');
