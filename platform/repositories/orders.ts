import type { Db, Tx } from '../db/knex';
import { canTransition, INVISIBLE_STATUSES, type OrderStatus } from '../domain/order-status';
import { invalidState, notFound, versionConflict } from '../errors/app-error';
import { appendEvent } from './outbox';

export interface OrderRow {
  order_id: string;
  pay_order_id: string;
  user_id: string;
  biz_id: string;
  scenario: string;
  workflow_id: string;
  status: OrderStatus;
  payment_status: string;
  fulfillment_status: string;
  refund_status: string;
  total_amount: number;
  discount_amount: number;
  payable_amount: number;
  paid_amount: number;
  refunded_amount: number;
  payment_method: string | null;
  coupon_code: string | null;
  tracking_no: string | null;
  scene: Record<string, unknown>;
  buyer: Record<string, unknown>;
  notes: unknown[];
  pay_deadline: Date;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface OrderChange {
  status?: OrderStatus;
  payment_status?: string;
  fulfillment_status?: string;
  refund_status?: string;
  paid_amount?: number;
  refunded_amount?: number;
  payment_method?: string;
  tracking_no?: string;
}

const STATUS_FIELDS = ['status', 'payment_status', 'fulfillment_status', 'refund_status'] as const;

/** Locks the order row for the rest of the transaction. */
export async function lockOrder(trx: Tx, orderId: string): Promise<OrderRow> {
  const row = await trx<OrderRow>('orders').where({ order_id: orderId }).forUpdate().first();
  if (!row) throw notFound(`order ${orderId}`);
  return row;
}

/**
 * Applies a change through the state machine: the status transition must be listed,
 * the version must match when the caller names one (optimistic lock against the ABA
 * problem), every changed status field is logged, and a domain event goes to the outbox,
 * all in the caller's transaction.
 */
export async function changeOrder(
  trx: Tx,
  orderId: string,
  change: OrderChange,
  opts: { reason: string; event?: string; expectedVersion?: number; eventPayload?: Record<string, unknown> },
): Promise<OrderRow> {
  const current = await lockOrder(trx, orderId);
  if (opts.expectedVersion !== undefined && current.version !== opts.expectedVersion) {
    throw versionConflict(`order ${orderId} is at version ${current.version}, not ${opts.expectedVersion}`);
  }
  if (change.status && change.status !== current.status && !canTransition(current.status, change.status)) {
    throw invalidState(`order ${orderId} cannot go from ${current.status} to ${change.status}`);
  }
  const version = current.version + 1;
  const [updated] = await trx<OrderRow>('orders')
    .where({ order_id: orderId })
    .update({ ...change, version, updated_at: trx.fn.now() } as unknown as Partial<OrderRow>)
    .returning('*');
  const logs = STATUS_FIELDS.filter((f) => change[f] !== undefined && change[f] !== current[f]).map((field) => ({
    order_id: orderId,
    field: field === 'status' ? 'status' : camel(field),
    from_value: current[field],
    to_value: change[field],
    version,
    reason: opts.reason,
  }));
  if (logs.length > 0) await trx('order_status_log').insert(logs);
  if (opts.event) {
    await appendEvent(trx, 'order', orderId, opts.event, {
      orderId,
      bizId: current.biz_id,
      scenario: current.scenario,
      status: updated.status,
      version,
      ...opts.eventPayload,
    });
  }
  return updated;
}

function camel(s: string) {
  return s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The order as the REST contract shows it; invisible (creating/voided) orders do not exist for clients. */
export async function orderView(db: Db | Tx, orderId: string) {
  const o = await db<OrderRow>('orders').where({ order_id: orderId }).first();
  if (!o || INVISIBLE_STATUSES.includes(o.status)) return undefined;
  const items = await db('order_items').where({ order_id: orderId }).orderBy('line_no');
  return toView(o, items);
}

export function toView(o: OrderRow, items: any[]) {
  return {
    orderId: o.order_id,
    payOrderId: o.pay_order_id,
    workflowId: o.workflow_id,
    bizId: o.biz_id,
    scenario: o.scenario,
    userId: o.user_id,
    status: o.status,
    paymentStatus: o.payment_status,
    fulfillmentStatus: o.fulfillment_status,
    refundStatus: o.refund_status,
    totalAmount: o.total_amount,
    discountAmount: o.discount_amount,
    payableAmount: o.payable_amount,
    paidAmount: o.paid_amount,
    refundedAmount: o.refunded_amount,
    paymentMethod: o.payment_method,
    couponCode: o.coupon_code,
    trackingNo: o.tracking_no,
    payDeadline: new Date(o.pay_deadline).toISOString(),
    notes: o.notes,
    version: o.version,
    createdAt: new Date(o.created_at).toISOString(),
    updatedAt: new Date(o.updated_at).toISOString(),
    items: items.map((i) => ({
      orderItemId: i.order_item_id,
      skuId: i.sku_id,
      quantity: i.quantity,
      price: i.price,
      discount: i.discount,
      payable: i.payable,
      refundedQuantity: i.refunded_quantity,
      refundedAmount: i.refunded_amount,
      snapshotId: i.snapshot_id,
      status: i.status,
    })),
  };
}
export type OrderView = ReturnType<typeof toView>;
