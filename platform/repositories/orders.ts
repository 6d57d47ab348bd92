import { createHash } from 'node:crypto';
import type { Db, Tx } from '../db/knex';
import type { BizIdentity } from '../domain/identity';
import { canTransition, INVISIBLE_STATUSES, isFinal, type OrderStatus } from '../domain/order-status';
import type { PricedOrder } from '../domain/pricing';
import { invalidState, notFound, versionConflict } from '../errors/app-error';
import { newId } from '../ids';
import { onCommit, orderAmounts, orderTransitions } from '../metrics/instruments';
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
  balance_status?: string;
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
  balance_status?: string;
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
  opts: {
    reason: string;
    event?: string;
    expectedVersion?: number;
    eventPayload?: Record<string, unknown>;
    /** Appended to the order's notes, logged (field `note`, its `kind`) and versioned like any other change. */
    note?: { kind: string } & Record<string, unknown>;
  },
): Promise<OrderRow> {
  const current = await lockOrder(trx, orderId);
  if (opts.expectedVersion !== undefined && current.version !== opts.expectedVersion) {
    throw versionConflict(`order ${orderId} is at version ${current.version}, not ${opts.expectedVersion}`);
  }
  if (change.status && change.status !== current.status && !canTransition(current.status, change.status)) {
    throw invalidState(`order ${orderId} cannot go from ${current.status} to ${change.status}`);
  }
  if (change.status && change.status !== current.status && isFinal(change.status)) {
    // An order never ends with a refund request still open beside it (its money would be returned twice or never).
    const pending = await trx('refunds').where({ order_id: orderId }).whereIn('status', ['REQUESTED', 'AWAITING_RETURN']).first('refund_id');
    if (pending) throw invalidState(`order ${orderId} cannot become ${change.status}: refund ${pending.refund_id} is pending`);
  }
  const version = current.version + 1;
  const [updated] = await trx<OrderRow>('orders')
    .where({ order_id: orderId })
    .update({
      ...change,
      ...(opts.note ? { notes: trx.raw('notes || ?::jsonb', [JSON.stringify([opts.note])]) } : {}),
      version,
      updated_at: trx.fn.now(),
    } as unknown as Partial<OrderRow>)
    .returning('*');
  const logs = STATUS_FIELDS.filter((f) => change[f] !== undefined && change[f] !== current[f]).map((field) => ({
    order_id: orderId,
    field: field === 'status' ? 'status' : camel(field),
    from_value: current[field],
    to_value: change[field],
    version,
    reason: opts.reason,
  }));
  if (opts.note) logs.push({ order_id: orderId, field: 'note', from_value: null as unknown as string, to_value: opts.note.kind, version, reason: opts.reason });
  const refundedMore = Number(updated.refunded_amount ?? 0) - Number(current.refunded_amount ?? 0);
  if (refundedMore > 0) onCommit(trx, () => orderAmounts.inc({ biz_id: current.biz_id, scenario: current.scenario, kind: 'refunded' }, refundedMore));
  if (logs.length > 0) {
    await trx('order_status_log').insert(logs);
    onCommit(trx, () => {
      for (const field of STATUS_FIELDS) {
        if (change[field] === undefined || change[field] === current[field]) continue;
        orderTransitions.inc({ biz_id: current.biz_id, scenario: current.scenario, field, from: String(current[field]), to: String(change[field]) });
      }
      if (change.payment_status === 'PAID' && current.payment_status === 'UNPAID') {
        orderAmounts.inc({ biz_id: current.biz_id, scenario: current.scenario, kind: 'paid' }, Number(updated.paid_amount || updated.payable_amount));
      }
    });
  }
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

/** What it takes to write a new order: who, which line, the priced lines, and when payment is due. */
export interface NewOrder {
  orderId: string;
  payOrderId: string;
  userId: string;
  identity: BizIdentity;
  priced: PricedOrder;
  couponCode?: string;
  scene: Record<string, unknown>;
  buyer?: Record<string, unknown>;
  payDeadline: Date;
}

/**
 * Writes new orders with their pay orders, items (sharing snapshots) and status log, in
 * the caller's transaction, several at once when a hot path batches them. An order is
 * written invisible (`CREATING`, for its create saga to activate) or, when everything
 * its create saga would check was settled by the caller, straight as `PENDING_PAYMENT`
 * with the same log and `OrderCreated` event the activation would have written.
 * Returns the rows as written (for building the response without reading them back).
 */
export async function insertOrders(trx: Tx, orders: NewOrder[], opts: { status?: 'CREATING' | 'PENDING_PAYMENT'; at?: Date } = {}) {
  const status = opts.status ?? 'CREATING';
  const visible = status === 'PENDING_PAYMENT';
  const times = opts.at ? { created_at: opts.at, updated_at: opts.at } : {};
  const snapshots = new Map<string, string>();
  // Ordered by SKU: two first orders of new content insert their snapshots in one order
  // (in opposite orders they wait for each other's unique-index entries: a deadlock).
  for (const skuId of [...new Set(orders.flatMap((o) => o.priced.lines.map((l) => l.skuId)))].sort()) snapshots.set(skuId, await snapshotOf(trx, skuId));

  // A checkout's orders share the pay order it wrote before them: the first writer keeps it.
  await trx('pay_orders')
    .insert(orders.map((o) => ({ pay_order_id: o.payOrderId, user_id: o.userId, amount: o.priced.payableAmount, ...(opts.at ? { created_at: opts.at } : {}) })))
    .onConflict('pay_order_id')
    .ignore();
  const rows = orders.map((o) => ({
    order_id: o.orderId,
    pay_order_id: o.payOrderId,
    user_id: o.userId,
    biz_id: o.identity.bizId,
    scenario: o.identity.scenario,
    workflow_id: `order-${o.orderId}`,
    status,
    total_amount: o.priced.totalAmount,
    discount_amount: o.priced.discountAmount,
    payable_amount: o.priced.payableAmount,
    coupon_code: o.couponCode ?? null,
    scene: o.scene,
    buyer: o.buyer ?? {},
    pay_deadline: o.payDeadline,
    ...(visible ? { version: 2 } : {}),
    ...times,
  }));
  await trx('orders').insert(rows);
  const items = orders.flatMap((o) =>
    o.priced.lines.map((line) => ({
      order_item_id: newId('oi'),
      order_id: o.orderId,
      sku_id: line.skuId,
      snapshot_id: snapshots.get(line.skuId)!,
      line_no: line.lineNo,
      quantity: line.quantity,
      price: line.price,
      discount: line.discount,
      payable: line.payable,
    })),
  );
  await trx('order_items').insert(items);
  await trx('order_status_log').insert(
    orders.flatMap((o) => [
      { order_id: o.orderId, field: 'status', from_value: null, to_value: 'CREATING', version: 1, reason: 'create', ...(opts.at ? { at: opts.at } : {}) },
      ...(visible ? [{ order_id: o.orderId, field: 'status', from_value: 'CREATING', to_value: 'PENDING_PAYMENT', version: 2, reason: 'created', ...(opts.at ? { at: opts.at } : {}) }] : []),
    ]),
  );
  if (visible) {
    await trx('outbox').insert(
      orders.map((o) => ({
        aggregate_type: 'order',
        aggregate_id: o.orderId,
        event_type: 'OrderCreated',
        payload: { orderId: o.orderId, bizId: o.identity.bizId, scenario: o.identity.scenario, status, version: 2 },
      })),
    );
  }
  // With the database's defaults filled in, these are the rows a read would return.
  return {
    orders: rows.map((r) => ({
      payment_status: 'UNPAID', fulfillment_status: 'NONE', refund_status: 'NONE', paid_amount: 0, refunded_amount: 0,
      payment_method: null, tracking_no: null, notes: [], version: 1, ...r,
    })) as unknown as OrderRow[],
    items: items.map((i) => ({ refunded_quantity: 0, refunded_amount: 0, status: 'NORMAL', ...i })),
  };
}

/**
 * The snapshot of what the buyer saw, shared by every order of unchanged content: the
 * digest of the content is unique, so 1,000 orders of one SKU make one row.
 */
export async function snapshotOf(trx: Tx, skuId: string): Promise<string> {
  const sku = await trx('skus').where({ sku_id: skuId }).first('sku_id', 'spu_id', 'title', 'product_type', 'price', 'attributes');
  const content = { skuId: sku.sku_id, spuId: sku.spu_id, title: sku.title, productType: sku.product_type, price: Number(sku.price), attributes: sku.attributes };
  const digest = createHash('sha256').update(JSON.stringify(content)).digest('hex');
  // No conflict target: the id is derived from the digest, so two first orders of new content racing
  // can collide on either unique index; with a target, a collision on the other one is an error.
  await trx('item_snapshots').insert({ snapshot_id: `snap-${digest.slice(0, 24)}`, sku_id: skuId, digest, content }).onConflict().ignore();
  return `snap-${digest.slice(0, 24)}`;
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
    // The balance payment (尾款) of a deposit line: what it amounts to and where it stands.
    balanceAmount: Number(o.total_amount) - Number(o.discount_amount) - Number(o.payable_amount),
    balanceStatus: o.balance_status ?? 'NONE',
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
      shippedQuantity: i.shipped_quantity ?? 0,
      cancelledQuantity: i.cancelled_quantity ?? 0,
      snapshotId: i.snapshot_id,
      status: i.status,
    })),
  };
}
export type OrderView = ReturnType<typeof toView>;
