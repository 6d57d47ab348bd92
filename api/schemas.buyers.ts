import { z } from 'zod';
import './schemas'; // extends zod with .openapi()
import { password } from '../platform/buyers/passwords';
import { phoneNumber } from '../platform/buyers/phone';

/** Request schemas of the buyer API (/v1/buyer/…): they validate requests and generate its OpenAPI part. */
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
const code = z.string().regex(/^\d{6}$/, 'the 6-digit code from the SMS');
const guestCartToken = z.string().min(10).max(100).optional();
const username = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{2,31}$/, '3–32 letters, digits or _, starting with a letter');

export const verificationCodeBody = z
  .strictObject({ phone: phoneNumber, purpose: z.enum(['register', 'login', 'reset-password']) })
  .openapi('BuyerVerificationCodeRequest');

export const registrationBody = z
  .strictObject({
    phone: phoneNumber,
    code,
    password,
    nickname: z.string().trim().min(1).max(32),
    username: username.optional(),
    guestCartToken,
  })
  .openapi('BuyerRegistration');

export const loginBody = z
  .discriminatedUnion('method', [
    z.strictObject({ method: z.literal('password'), login: z.string().min(1).max(64), password: z.string().min(1).max(200), guestCartToken }),
    z.strictObject({ method: z.literal('code'), phone: phoneNumber, code, guestCartToken }),
  ])
  .openapi('BuyerLogin');

export const refreshBody = z.strictObject({ refreshToken: z.string().min(10).max(200) }).openapi('BuyerSessionRefresh');
export const logoutBody = z.strictObject({}).openapi('BuyerLogout');

export const passwordResetBody = z.strictObject({ phone: phoneNumber, code, newPassword: password }).openapi('BuyerPasswordReset');

export const cartItemBody = z.strictObject({ skuId: id, quantity: z.number().int().min(1).max(999) }).openapi('BuyerCartItem');
export const cartQuantityBody = z.strictObject({ quantity: z.number().int().min(1).max(999) }).openapi('BuyerCartQuantity');

/** The business API's order request without userId (it is the buyer) or payment (paid afterwards). */
export const buyerOrderBody = z
  .strictObject({
    items: z.array(z.strictObject({ skuId: id, quantity: z.number().int().min(1).max(999) })).min(1).max(50),
    couponCode: id.optional(),
    scene: z.strictObject({ channel: z.string().min(1).max(32).default('app'), storeId: id.optional() }).default({ channel: 'app' }),
    buyer: z.strictObject({ idCardNo: z.string().regex(/^\d{17}[\dXx]$/, 'an 18-character ID card number').optional() }).optional(),
  })
  .openapi('BuyerOrderRequest');

export const buyerOrdersQuery = z.strictObject({
  status: z.string().regex(/^[A-Z_]+$/).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: id.optional(),
});
