import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/**
 * Request schemas: they validate requests (strict: unknown fields are a 400) and
 * generate the OpenAPI document, so the two cannot drift apart.
 */
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
/**
 * The column limits, said once so the document says them too: money is a BIGINT of fen,
 * capped far below its range so that an order's sums (50 lines of 999 units) stay exact
 * and inside it; unit counts are INTEGER columns.
 */
export const MAX_MONEY = 1_000_000_000_000;
export const MAX_UNITS = 1_000_000_000;
const money = z.number().int().min(0).max(MAX_MONEY);
const units = z.number().int().min(0).max(MAX_UNITS);

export const createOrderBody = z
  .strictObject({
    userId: id,
    items: z.array(z.strictObject({ skuId: id, quantity: z.number().int().min(1).max(999) })).min(1).max(50),
    couponCode: id.optional(),
    scene: z.strictObject({ channel: z.string().min(1).max(32), storeId: id.optional(), campaignId: id.optional() }),
    payment: z.strictObject({ method: z.enum(['balance', 'channel', 'points']) }).optional(),
    buyer: z.strictObject({ idCardNo: z.string().regex(/^\d{17}[\dXx]$/, 'an 18-character ID card number').optional() }).optional(),
  })
  .openapi('CreateOrderRequest');

export const payBody = z.strictObject({ method: z.enum(['balance', 'channel', 'points']) }).openapi('PayRequest');

export const notificationBody = z
  .strictObject({ payOrderId: id, channelTxnId: id, status: z.enum(['SUCCESS', 'FAILED']), amount: money })
  .openapi('PaymentNotification');

export const cancelBody = z.strictObject({ reason: z.string().min(1).max(500) }).openapi('CancelRequest');

const itemQuantities = z.array(z.strictObject({ orderItemId: id, quantity: z.number().int().min(1).max(999) })).min(1).max(50);

export const fulfilmentBody = z
  .strictObject({
    type: z.enum(['SHIPPED', 'DELIVERED', 'FAILED', 'RETURN_SHIPPED', 'RETURN_RECEIVED']),
    referenceId: id,
    trackingNo: z.string().min(1).max(64).optional(),
    reason: z.string().max(500).optional(),
    verificationCode: z.string().regex(/^[0-9]{6}$/, 'the 6-digit code the buyer shows').optional(),
    items: itemQuantities.optional().openapi({ description: 'SHIPPED: the units in this parcel (absent: every unit still to ship)' }),
    shipmentId: id.optional().openapi({ description: "DELIVERED: the parcel that arrived, by its SHIPPED event's referenceId (absent: every parcel on its way)" }),
    refundId: id.optional().openapi({ description: 'RETURN_SHIPPED / RETURN_RECEIVED: the refund whose goods come back' }),
  })
  .refine((b) => !b.type.startsWith('RETURN_') || b.refundId !== undefined, { path: ['refundId'], message: 'a return event names its refund' })
  .refine((b) => b.items === undefined || b.type === 'SHIPPED', { path: ['items'], message: 'only a SHIPPED event carries items' })
  .refine((b) => b.shipmentId === undefined || b.type === 'DELIVERED', { path: ['shipmentId'], message: 'only a DELIVERED event names a parcel' })
  .refine((b) => b.refundId === undefined || b.type.startsWith('RETURN_'), { path: ['refundId'], message: 'only a return event names a refund' })
  .openapi('FulfilmentEvent');

export const receiptBody = z.strictObject({}).openapi('ReceiptRequest');

export const refundBody = z
  .strictObject({
    items: z.array(z.strictObject({ orderItemId: id, quantity: z.number().int().min(1) })).min(1).max(50),
    reason: z.string().min(1).max(500),
    returnGoods: z.boolean().default(false),
  })
  .openapi('RefundRequest');

export const listOrdersQuery = z.strictObject({
  bizId: id.optional(),
  status: z.string().regex(/^[A-Z_]+$/).optional(),
  userId: id.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: id.optional(),
});

export const adminUserBody = z
  .strictObject({
    userId: id,
    balance: money.default(0),
    points: money.default(0),
    attributes: z.record(z.string(), z.union([z.boolean(), z.string(), z.number()])).default({}),
  })
  .openapi('AdminUser');

export const adminSkuBody = z
  .strictObject({
    skuId: id,
    spuId: id,
    title: z.string().min(1).max(200),
    productType: z.string().min(1).max(32),
    price: money,
    stock: units,
    attributes: z.record(z.string(), z.unknown()).default({}),
  })
  .openapi('AdminSku');

export const adminCouponBody = z
  .strictObject({
    code: id,
    amountOff: money.min(1),
    minSpend: money.default(0),
    quantity: units,
    bizIds: z.array(id).min(1),
  })
  .openapi('AdminCoupon');

export const errorBody = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.array(z.record(z.string(), z.unknown())) }) })
  .openapi('Error');

export const flashSaleBody = z
  .strictObject({
    campaignId: id,
    skuId: id,
    stock: z.number().int().min(1).max(10_000_000),
    perUserLimit: z.number().int().min(1).max(1_000),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    payWindowSeconds: z.number().int().min(1).max(86_400),
    /**
     * How the hot path takes stock: `group-commit` (concurrent attempts share one
     * transaction per batch) or `buckets` (a transaction per attempt on one of
     * `stockBuckets` rows). See BENCHMARKS.md for which wins.
     */
    stockMode: z.enum(['group-commit', 'buckets']).default('group-commit'),
    stockBuckets: z.number().int().min(1).max(64).default(1),
    rateLimit: z
      .strictObject({
        perUserPerSecond: z.number().int().min(1).max(1_000).default(5),
        perCampaignPerSecond: z.number().int().min(1).max(10_000_000).default(100_000),
      })
      .default({ perUserPerSecond: 5, perCampaignPerSecond: 100_000 }),
  })
  .refine((b) => b.stockBuckets <= b.stock, { path: ['stockBuckets'], message: 'more buckets than units' })
  .openapi('FlashSaleCampaign');

export const flashSaleOrderBody = z
  .strictObject({ userId: id, quantity: z.number().int().min(1).max(999) })
  .openapi('FlashSaleOrderRequest');
