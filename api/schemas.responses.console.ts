import { z } from 'zod';
import './schemas'; // extends zod with .openapi()
import { ledgerEntry, orderView, refundView, webhookDelivery } from './schemas.responses';

/** What the operators' console's endpoints answer, for the OpenAPI document. */
const timestamp = z.string().openapi({ format: 'date-time', example: '2026-12-01T08:00:00.000Z' });
const amount = z.number().int().openapi({ description: 'money in minor units (fen)' });
const count = z.number().int();
const percent = z.number().nullable().openapi({ description: 'in percent; null with no orders' });

const measures = {
  created: count,
  paid: count,
  cancelled: count,
  closed: count,
  refunded: count,
  gmv: amount,
  refundAmount: amount,
  payConversion: percent,
  cancelRate: percent,
};
const measuresOf = (name: string) => z.object(measures).openapi(name);
const breakdownRow = z.object({ key: z.string(), ...measures }).openapi('DashboardBreakdownRow');

export const dashboardView = z
  .object({
    from: timestamp,
    to: timestamp,
    bucket: z.string().openapi({ description: 'hour or day' }),
    totals: measuresOf('DashboardMeasures'),
    breakdown: z.object({ bizId: z.array(breakdownRow), scenario: z.array(breakdownRow), channel: z.array(breakdownRow), region: z.array(breakdownRow) }),
    series: z.array(z.object({ at: timestamp, ...measures })),
    asOf: timestamp.openapi({ description: 'when the rollup read was last refreshed' }),
  })
  .openapi('Dashboard');

export const callerView = z
  .object({ keyId: z.string(), role: z.string().openapi({ description: 'operator or business' }), bizIds: z.array(z.string()).nullable().openapi({ description: 'null for operators (every line)' }) })
  .openapi('CallerKey');

const nonEmptyList = z.array(z.string());
export const identityRules = z
  .object({
    rules: z.array(
      z.object({
        name: z.string(),
        when: z.object({
          person: z.record(z.string(), z.union([z.boolean(), z.string(), z.number()])).optional(),
          goods: z.object({ productType: nonEmptyList }).optional(),
          scene: z.object({ channel: nonEmptyList.optional(), storeId: z.string().optional(), campaign: z.string().optional() }).optional(),
        }),
        identity: z.object({ bizId: z.string(), scenario: z.string() }),
      }),
    ),
  })
  .openapi('IdentityRules');

export const thresholdView = z
  .object({
    bizId: z.string(),
    metric: z.string().openapi({ description: 'payConversion or cancelRate' }),
    thresholdPercent: z.number(),
    windowMinutes: count,
    minOrders: count,
    updatedBy: z.string(),
    updatedAt: timestamp,
  })
  .openapi('LineThresholdResult');

export const thresholds = z.object({ items: z.array(thresholdView) }).openapi('LineThresholds');

export const alerts = z
  .object({
    items: z.array(z.object({ ...thresholdView.shape, firing: z.boolean(), actualPercent: percent, ordersInWindow: count, evaluatedAt: timestamp }).openapi('LineAlert')),
  })
  .openapi('LineAlerts');

export const orderDetails = z
  .object({
    order: orderView,
    snapshots: z.record(z.string(), z.unknown()).openapi({ description: "the items' snapshots by snapshotId" }),
    refunds: z.array(refundView),
    shipments: z.array(z.object({ type: z.string(), referenceId: z.string(), trackingNo: z.string().nullable(), reason: z.string().nullable(), at: timestamp })),
    ledger: z.array(z.object({ accountId: z.string(), ...ledgerEntry.shape })),
    webhookDeliveries: z.array(webhookDelivery),
    temporal: z.object({ namespace: z.string(), workflowId: z.string(), url: z.string() }),
  })
  .openapi('OrderDetails');
