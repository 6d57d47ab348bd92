import { z } from 'zod';
import './schemas'; // extends zod with .openapi()

/** Request schemas of the delivery guarantees: webhooks, accounting, versioned order edits. */
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
/** A calendar day PostgreSQL can hold: YYYY-MM-DD, a real date, year 0001 or later. */
const day = z.iso.date('a date as YYYY-MM-DD').refine((d) => !d.startsWith('0000'), 'a year from 0001 on');

export const webhookEndpointBody = z
  .strictObject({
    bizId: id,
    url: z
      .string()
      .max(2000)
      .url()
      .refine((u) => /^https?:\/\//i.test(u), 'an http or https URL'),
    secret: z.string().min(16).max(200).optional(),
    enabled: z.boolean().default(true),
  })
  .openapi('WebhookEndpoint');

export const deliveriesQuery = z.strictObject({
  orderId: id.optional(),
  bizId: id.optional(),
  status: z.enum(['PENDING', 'DELIVERED', 'FAILED', 'CANCELLED']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().regex(/^\d{1,18}$/, 'a cursor from a previous page').optional(),
});

/** Resending a delivery takes no options. */
export const resendBody = z.strictObject({}).openapi('WebhookResend');

export const accountingDailyQuery = z.strictObject({ bizId: id.optional(), from: day.optional(), to: day.optional() });

export const trackingBody = z
  .strictObject({
    trackingNo: z.string().min(1).max(64),
    /** The order version the caller read; another change since then is a 409 VERSION_CONFLICT. */
    expectedVersion: z.number().int().min(1).max(2_147_483_647),
  })
  .openapi('TrackingUpdate');
