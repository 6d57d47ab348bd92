import type { Request } from 'express';
import type { z } from 'zod';
import { AppError, businessRule, invalidState, notFound } from '../platform/errors/app-error';
import { newId } from '../platform/ids';
import { freezePayOrder, PAY_ORDER_METHOD, payOrderXid, settlePayOrderFreeze } from '../platform/payments/pay-order-freeze';
import { payOrderView, settlePayOrderStatus } from '../platform/repositories/pay-orders';
import * as msg from '../workflows/messages';
import type { BuyerApi } from './buyer-auth';
import type { AppDeps } from './deps';
import { idempotent, type StoredResponse } from './idempotency';
import { orderCommands, runOrderCommand, startOrder } from './order-commands';
import type * as c from './schemas.checkout';

/**
 * Checkout of a cart: one submission, one pay order, one order per business line (and per
 * merchant where a line's SKUs name several). Every order is made by the same code as a
 * single one (startOrder: its own workflow and create saga); the pay order is paid once,
 * with one freeze of the buyer's balance for the cash total (platform/payments/pay-order-freeze.ts).
 */

/** A cart line group that becomes one order; stored per checkout so a retry finds the same order ids. */
interface CheckoutLine {
  lineKey: string;
  bizId: string;
  orderId: string;
  items: { skuId: string; quantity: number }[];
}

const reasonOf = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? r.reason : undefined);
/** A business refusal (4xx): a result to answer. Anything else is a fault a retry of the same request finishes. */
const isRefusal = (err: unknown): err is AppError => err instanceof AppError && err.status < 500;

export function checkout(deps: AppDeps, api: BuyerApi, req: Request, buyerId: string, body: z.infer<typeof c.checkoutBody>): Promise<StoredResponse> {
  const { db } = deps;
  return idempotent(db, req, 'POST /v1/buyer/checkouts', () => newId('co'), async (checkoutId) => {
    const payOrderId = `pay-${checkoutId.slice(3)}`;
    const lines = await splitCart(deps, api, buyerId, checkoutId, payOrderId, body);
    const refuseLine = (bizId: string) =>
      api.settings.openLines.includes(bizId) ? undefined : businessRule('LINE_NOT_OPEN_TO_BUYERS', `the ${bizId} business line does not sell to buyers directly`, [{ field: 'cart', message: `sold by ${bizId}` }]);
    const outcomes = await Promise.allSettled(
      lines.map((l) => startOrder(deps, { orderId: l.orderId, payOrderId }, { userId: buyerId, items: l.items, couponCode: body.coupons?.[l.bizId], scene: body.scene, buyer: body.buyer }, refuseLine)),
    );
    const fault = outcomes.map(reasonOf).find((err) => err !== undefined && !isRefusal(err));
    if (fault) throw fault;

    const refused = lines.flatMap((line, i) => (outcomes[i].status === 'rejected' ? [{ line, err: reasonOf(outcomes[i]) as AppError }] : []));
    const created = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    if (refused.length > 0) {
      // Compensation: every order the checkout did make is cancelled by its line's own cancel flow (stock, coupon, booking back).
      const first = refused[0];
      const reason = `checkout ${checkoutId} failed: the ${first.line.bizId} order could not be created`;
      for (const view of created) await runOrderCommand(deps, view, orderCommands(deps).cancel, { reason });
      await db('checkouts').where({ checkout_id: checkoutId }).update({ status: 'FAILED', updated_at: db.fn.now() });
      await settlePayOrderStatus(db, payOrderId);
      const others = created.length > 0 ? `the other order(s) (${created.map((v) => v.orderId).join(', ')}) were cancelled` : 'no order was made';
      throw new AppError(
        first.err.status,
        first.err.code,
        `${reason}: ${first.err.message}; ${others} and nothing is held`,
        refused.map(({ line, err }) => ({ field: `cart.${line.lineKey}`, message: err.message, code: err.code, skuIds: line.items.map((i) => i.skuId) })),
      );
    }

    await db.transaction(async (trx) => {
      await trx('pay_orders').where({ pay_order_id: payOrderId }).update({
        amount: created.reduce((n, v) => n + Number(v.payableAmount), 0),
        voucher_amount: created.reduce((n, v) => n + Number(v.discountAmount), 0),
      });
      await trx('checkouts').where({ checkout_id: checkoutId }).update({ status: 'CREATED', updated_at: trx.fn.now() });
      // What became orders leaves the cart.
      const cartId = await api.carts.cartIdOf(trx, { buyerId });
      await trx('cart_lines').where({ cart_id: cartId }).whereIn('sku_id', lines.flatMap((l) => l.items.map((i) => i.skuId))).delete();
      // Its orders may have closed meanwhile (a checkout retried after their payment window):
      // their closes could not settle a pay order whose checkout was still CREATING, this does.
      await settlePayOrderStatus(trx, payOrderId);
    });
    return { status: 201, body: { checkoutId, payOrder: await payOrderView(db, payOrderId), orders: created } };
  });
}

/**
 * The cart split into orders: by business line, and by merchant (a SKU's `merchantId`
 * attribute) where a line has several. Written with the pay order before any order starts;
 * a retried checkout reads the split it stored.
 */
async function splitCart(deps: AppDeps, api: BuyerApi, buyerId: string, checkoutId: string, payOrderId: string, body: z.infer<typeof c.checkoutBody>): Promise<CheckoutLine[]> {
  const { db } = deps;
  const read = async () =>
    (await db('checkout_orders').where({ checkout_id: checkoutId }).orderBy('line_key')).map((r): CheckoutLine => ({ lineKey: r.line_key, bizId: r.biz_id, orderId: r.order_id, items: r.items }));
  const stored = await read();
  if (stored.length > 0) return stored;

  const cart = await api.carts.view({ buyerId });
  if (cart.items.length === 0) throw businessRule('CART_EMPTY', 'the cart is empty: there is nothing to check out', [{ field: 'cart', message: 'no items' }]);
  const skus = await db('skus').whereIn('sku_id', cart.items.map((i) => i.skuId)).select('sku_id', 'attributes');
  const merchantOf = new Map<string, unknown>(skus.map((s) => [s.sku_id, s.attributes?.merchantId]));
  const byKey = new Map<string, CheckoutLine>();
  for (const item of cart.items) {
    const merchant = merchantOf.get(item.skuId);
    const lineKey = typeof merchant === 'string' && merchant ? `${item.bizId}@${merchant}` : item.bizId;
    let line = byKey.get(lineKey);
    if (!line) byKey.set(lineKey, (line = { lineKey, bizId: item.bizId, orderId: deps.orderIds.next(buyerId), items: [] }));
    line.items.push({ skuId: item.skuId, quantity: item.quantity });
  }
  const lines = [...byKey.values()].sort((a, b) => a.lineKey.localeCompare(b.lineKey));
  const stray = Object.keys(body.coupons ?? {}).filter((bizId) => !lines.some((l) => l.bizId === bizId));
  if (stray.length > 0) throw businessRule('COUPON_NOT_APPLICABLE', `the cart holds nothing of ${stray.join(', ')} to apply a coupon to`, stray.map((bizId) => ({ field: `coupons.${bizId}`, message: 'no item of this line in the cart' })));

  await db.transaction(async (trx) => {
    await trx('pay_orders').insert({ pay_order_id: payOrderId, user_id: buyerId, amount: 0, order_count: lines.length, checkout_id: checkoutId }).onConflict('pay_order_id').ignore();
    await trx('checkouts').insert({ checkout_id: checkoutId, buyer_id: buyerId, pay_order_id: payOrderId }).onConflict('checkout_id').ignore();
    await trx('checkout_orders')
      .insert(lines.map((l) => ({ checkout_id: checkoutId, line_key: l.lineKey, biz_id: l.bizId, order_id: l.orderId, items: JSON.stringify(l.items) })))
      .onConflict(['checkout_id', 'line_key'])
      .ignore();
  });
  // A concurrent duplicate of this request may have stored its split first: the stored one is the split.
  return read();
}

/** The buyer's own pay order, or a 404 (another buyer's does not exist). */
export async function myPayOrder(deps: AppDeps, buyerId: string, payOrderId: string) {
  const view = await payOrderView(deps.db, payOrderId);
  if (!view || view.userId !== buyerId) throw notFound(`pay order ${payOrderId}`);
  return view;
}

/**
 * Pays every order of the pay order awaiting payment, in one step: one freeze of the
 * balance for the cash total, then each order's own pay flow (method `pay-order`, taking its
 * share of that freeze), then the freeze is settled (anything unclaimed goes back). Orders of
 * a line paid in points pay in points. A pay order already paid answers as it is and charges
 * nothing.
 */
export function payPayOrder(deps: AppDeps, req: Request, buyerId: string, payOrderId: string): Promise<StoredResponse> {
  const { db, config, orders } = deps;
  return idempotent(db, req, `POST /v1/buyer/pay-orders/${payOrderId}/payments`, () => newId('pa'), async (attemptId) => {
    await myPayOrder(deps, buyerId, payOrderId);
    const pay = await db('pay_orders').where({ pay_order_id: payOrderId }).first();
    if (pay.checkout_id) {
      const co = await db('checkouts').where({ checkout_id: pay.checkout_id }).first('status');
      if (co.status !== 'CREATED') throw invalidState(`checkout ${pay.checkout_id} is ${co.status}: its pay order cannot be paid`);
    }

    const rows = await db('orders').where({ pay_order_id: payOrderId }).whereNotIn('status', ['CREATING', 'VOIDED']).orderBy('order_id');
    const due = rows.filter((o) => o.status === 'PENDING_PAYMENT');
    if (due.length === 0) {
      if (rows.some((o) => Number(o.paid_amount) > 0)) return { status: 200, body: await payOrderView(db, payOrderId) };
      throw invalidState(`pay order ${payOrderId} has no order awaiting payment (${rows.map((o) => `${o.order_id} ${o.status}`).join(', ')})`);
    }
    const tenderOf = (o: { biz_id: string; scenario: string }) => {
      const methods = config.identities.configOf({ bizId: o.biz_id, scenario: o.scenario }).paymentMethods;
      return methods.includes('balance') ? 'cash' : methods.includes('points') ? 'coins' : undefined;
    };
    const unpayable = due.filter((o) => !tenderOf(o));
    if (unpayable.length > 0) throw businessRule('PAYMENT_METHOD_NOT_ALLOWED', `order(s) ${unpayable.map((o) => o.order_id).join(', ')} can be paid by neither balance nor points`);
    const cash = due.filter((o) => tenderOf(o) === 'cash');
    const coins = due.filter((o) => tenderOf(o) === 'coins');

    const outcomes = new Map<string, PromiseSettledResult<unknown>>();
    if (cash.length > 0) {
      // One TCC transaction per request: a retry after a fault, or a concurrent duplicate, joins
      // the same freeze (the fence makes its try a no-op) and pays from it what is still due.
      const xid = payOrderXid(payOrderId, attemptId);
      await freezePayOrder(db, { payOrderId, userId: buyerId, xid, amount: cash.reduce((n, o) => n + Number(o.payable_amount), 0) });
      const paid = await Promise.allSettled(cash.map((o) => orders.update(o.order_id, msg.payUpdate, { method: PAY_ORDER_METHOD })));
      cash.forEach((o, i) => outcomes.set(o.order_id, paid[i]));
      await settlePayOrderFreeze(db, xid);
    }
    for (const o of coins) {
      const [paid] = await Promise.allSettled([orders.update(o.order_id, msg.payUpdate, { method: 'points' })]);
      outcomes.set(o.order_id, paid);
    }
    const failures = [...outcomes].flatMap(([orderId, r]) => (r.status === 'rejected' ? [{ orderId, err: r.reason }] : []));
    const fault = failures.find((f) => !isRefusal(f.err));
    if (fault) throw fault.err;
    const view = await payOrderView(db, payOrderId);
    if (failures.length > 0) {
      const first = failures[0].err as AppError;
      const paidCount = view!.orders.filter((o) => o.paymentStatus !== 'UNPAID').length;
      throw new AppError(
        first.status,
        first.code,
        `${paidCount} of ${view!.orders.length} orders of pay order ${payOrderId} are paid; ${failures.map((f) => f.orderId).join(', ')} could not be: ${first.message}. Their share stays in the balance; paying the pay order again pays what is still due.`,
        failures.map((f) => ({ field: `orders.${f.orderId}`, message: (f.err as AppError).message, code: (f.err as AppError).code })),
      );
    }
    return { status: 200, body: view };
  });
}
