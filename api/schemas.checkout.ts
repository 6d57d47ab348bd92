import { z } from 'zod';
import './schemas'; // extends zod with .openapi()
import { orderView } from './schemas.responses';

/** Checkout of a cart (one pay order, many orders): requests and answers, for validation and the OpenAPI document. */
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

export const checkoutBody = z
  .strictObject({
    scene: z.strictObject({ channel: z.string().min(1).max(32).default('app'), storeId: id.optional() }).default({ channel: 'app' }),
    buyer: z.strictObject({ idCardNo: z.string().regex(/^\d{17}[\dXx]$/, 'an 18-character ID card number').optional() }).optional(),
    /** A coupon per business line, applied to that line's order. */
    coupons: z.record(z.string().regex(/^[a-z0-9-]{1,40}$/, 'a business line id'), id).optional(),
  })
  .openapi('BuyerCheckoutRequest');

export const payOrderPaymentBody = z
  .strictObject({ method: z.enum(['balance']).openapi({ description: 'cash from the balance; orders of a line paid in points (the points mall) pay in points' }) })
  .openapi('PayOrderPaymentRequest');

export const payOrderIdParam = z.object({ payOrderId: z.string() });

const amount = z.number().int().openapi({ description: 'money in minor units (fen)' });

export const payOrderView = z
  .object({
    payOrderId: z.string(),
    userId: z.string(),
    checkoutId: z.string().nullable(),
    status: z.string().openapi({ description: 'UNPAID, PAID, CLOSED' }),
    amount,
    tender: z
      .object({
        cash: amount.openapi({ description: 'paid in money: from the balance or through a payment channel' }),
        coins: z.number().int().openapi({ description: 'paid in points' }),
        vouchers: amount.openapi({ description: 'taken off by coupons' }),
      })
      .openapi('PayOrderTender'),
    orders: z.array(
      z
        .object({
          orderId: z.string(),
          bizId: z.string(),
          status: z.string(),
          paymentStatus: z.string(),
          paymentMethod: z.string().nullable(),
          payableAmount: amount,
          paidAmount: amount,
          refundedAmount: amount,
        })
        .openapi('PayOrderLine'),
    ),
    paidAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('PayOrder');

export const checkoutView = z
  .object({
    checkoutId: z.string(),
    payOrder: payOrderView,
    orders: z.array(orderView),
  })
  .openapi('Checkout');
