import { z } from 'zod';
import './schemas'; // extends zod with .openapi()

/** Request schemas of the operators' console's endpoints (strict, and the OpenAPI source). */
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
const dimension = z.string().min(1).max(64);
/** PostgreSQL refuses a UTC offset beyond ±15:59; real ones lie within -12:00…+14:00. */
const MAX_OFFSET_MINUTES = 14 * 60;
const offsetMinutes = (v: string) => {
  const m = /([+-])(\d{2}):?(\d{2})$/.exec(v);
  return m ? Number(m[2]) * 60 + Number(m[3]) : 0;
};
/** Its UTC year: an offset can carry 0001-01-01 or 9999-12-31 past the four-digit years an answer's date-time can show. */
const utcYear = (v: string) => new Date(v).getUTCFullYear();
const instant = z.iso
  .datetime({ offset: true })
  .refine((v) => offsetMinutes(v) <= MAX_OFFSET_MINUTES, 'a UTC offset between -14:00 and +14:00')
  .refine((v) => utcYear(v) >= 1 && utcYear(v) <= 9999, 'a time in the years 0001 to 9999 (UTC)');
const status = z.string().regex(/^[A-Z_]+$/, 'an upper-case status');

export const dashboardQuery = z
  .strictObject({
    from: instant,
    to: instant,
    bucket: z.enum(['hour', 'day']).default('hour'),
    bizId: dimension.optional(),
    scenario: dimension.optional(),
    channel: dimension.optional(),
    region: dimension.optional(),
  })
  .refine((q) => new Date(q.from) < new Date(q.to), { path: ['to'], message: 'must be after from' })
  .refine((q) => new Date(q.to).getTime() - new Date(q.from).getTime() <= 366 * 86_400_000, { path: ['to'], message: 'a period of at most 366 days' })
  .refine((q) => q.bucket !== 'hour' || new Date(q.to).getTime() - new Date(q.from).getTime() <= 7 * 86_400_000, { path: ['bucket'], message: 'an hourly series covers at most 7 days; use day' });

export const thresholdParams = z.strictObject({ bizId: id, metric: z.enum(['payConversion', 'cancelRate']) });

export const thresholdBody = z
  .strictObject({
    thresholdPercent: z.number().min(0).max(100),
    windowMinutes: z.number().int().min(1).max(1_440).default(10),
    minOrders: z.number().int().min(1).max(1_000_000).default(1),
  })
  .openapi('LineThreshold');

export const orderSearchQuery = z
  .strictObject({
    orderId: id.optional(),
    userId: id.optional(),
    bizId: id.optional(),
    scenario: id.optional(),
    status: status.optional(),
    paymentStatus: status.optional(),
    fulfillmentStatus: status.optional(),
    refundStatus: status.optional(),
    from: instant.optional(),
    to: instant.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: id.optional(),
  })
  .refine((q) => !q.from || !q.to || new Date(q.from) < new Date(q.to), { path: ['to'], message: 'must be after from' });
