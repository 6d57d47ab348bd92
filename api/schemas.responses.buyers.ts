import { z } from 'zod';
import './schemas'; // extends zod with .openapi()

/**
 * What the buyer API (/v1/buyer/…) answers, for the OpenAPI document; its orders and
 * refunds answer the business API's Order and Refund. Open to addition as every answer is.
 */
const timestamp = z.string().openapi({ format: 'date-time', example: '2026-12-01T08:00:00.000Z' });
const amount = z.number().int().openapi({ description: 'money in minor units (fen)' });
const count = z.number().int();

export const verificationCodeSent = z
  .object({
    phone: z.string().openapi({ description: 'masked: 139****5678' }),
    purpose: z.string(),
    expiresInSeconds: count,
    resendAfterSeconds: count,
  })
  .openapi('BuyerVerificationCodeSent');

export const buyerAccount = z
  .object({ buyerId: z.string(), phone: z.string().openapi({ description: 'masked' }), username: z.string().nullable(), nickname: z.string(), createdAt: timestamp })
  .openapi('Buyer');

export const buyerSession = z
  .object({
    tokenType: z.string().openapi({ example: 'Bearer' }),
    accessToken: z.string(),
    expiresIn: count.openapi({ description: 'seconds the access token is valid' }),
    refreshToken: z.string(),
    refreshExpiresAt: timestamp,
  })
  .openapi('BuyerSession');

export const cartMergeReport = z
  .object({
    mergedLines: count,
    adjusted: z.array(z.object({ skuId: z.string(), requested: count, kept: count, reason: z.string() })),
  })
  .openapi('BuyerCartMerge');

export const buyerLoggedIn = z
  .object({ buyer: buyerAccount, session: buyerSession, cart: cartMergeReport.nullable().openapi({ description: 'the guest cart merged at this login, if one was sent' }) })
  .openapi('BuyerLoggedIn');

export const buyerSessionRefreshed = z.object({ session: buyerSession }).openapi('BuyerSessionRefreshed');
export const buyerLoggedOut = z.object({ loggedOut: z.boolean() }).openapi('BuyerLoggedOut');
export const buyerPasswordReset = z.object({ passwordReset: z.boolean(), sessionsEnded: z.boolean() }).openapi('BuyerPasswordResetDone');

// Spread, not .extend(): the document then lists every field in one object (no allOf), as clients read it.
export const buyerMe = z.object({ ...buyerAccount.shape, balance: amount, frozen: amount, points: count }).openapi('BuyerMe');

export const guestCart = z.object({ guestCartToken: z.string(), expiresAt: timestamp }).openapi('BuyerGuestCart');

export const buyerCart = z
  .object({
    cartId: z.string(),
    owner: z.string().openapi({ description: 'buyer or guest' }),
    items: z.array(
      z.object({
        skuId: z.string(),
        bizId: z.string(),
        title: z.string(),
        quantity: count,
        priceAtAdd: amount,
        price: amount,
        subtotal: amount,
        available: count.nullable().openapi({ description: 'units that can still be bought; null where the line keeps no stock' }),
        addedAt: timestamp,
        changes: z.array(
          z.object({
            type: z.string().openapi({ description: 'PRICE_CHANGED, TITLE_CHANGED, INSUFFICIENT_STOCK, OUT_OF_STOCK, LINE_NOT_OPEN' }),
            message: z.string(),
            from: z.union([z.number(), z.string()]).optional(),
            to: z.union([z.number(), z.string()]).optional(),
            available: count.optional(),
          }),
        ),
      }),
    ),
    totalQuantity: count,
    totalAmount: amount,
    changed: z.boolean(),
  })
  .openapi('BuyerCart');
