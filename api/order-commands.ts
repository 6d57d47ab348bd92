import type { Request } from 'express';
import type { z } from 'zod';
import { orderSetupOf } from '../platform/config/platform-config';
import type { CreateOrderRequest, OrderWorkflowInput } from '../platform/domain/flow';
import { isFinal } from '../platform/domain/order-status';
import { AppError, invalidState } from '../platform/errors/app-error';
import { paymentMethodRefusal } from '../platform/domain/payment-methods';
import { newId } from '../platform/ids';
import { resolveOrderIdentity } from '../platform/identity/order-identity';
import { orderView, type OrderView } from '../platform/repositories/orders';
import { refundView } from '../platform/repositories/refunds';
import * as msg from '../workflows/messages';
import type { AppDeps } from './deps';
import { idempotent, type StoredResponse } from './idempotency';
import { OrderFinalError } from './order-client';
import * as s from './schemas';

/**
 * What the order routes do once they know who may do it: one implementation, used by
 * the business API (api/routes/orders.ts, refunds.ts) and the buyer API
 * (api/routes/buyer-orders.ts) alike.
 */

/**
 * Creates an order under the request's Idempotency-Key and answers with it once the
 * create saga has settled. `refuseLine` says why this caller may not order from the
 * resolved business line (undefined: it may).
 */
export function createOrder(deps: AppDeps, req: Request, route: string, body: CreateOrderRequest, refuseLine: (bizId: string) => AppError | undefined): Promise<StoredResponse> {
  const { db, orderIds } = deps;
  return idempotent(db, req, route, () => orderIds.next(body.userId), async (orderId) => ({
    status: 201,
    body: await startOrder(deps, { orderId, payOrderId: `pay-${orderId.slice(4)}` }, body, refuseLine),
  }));
}

/**
 * Resolves the order's business line, starts its workflow and answers with the order once
 * the create saga has settled: the one way an order is made, alone or as one of a
 * checkout's orders sharing a pay order. Starting the same order id again finds it.
 */
export async function startOrder(deps: AppDeps, ids: { orderId: string; payOrderId: string }, body: CreateOrderRequest, refuseLine: (bizId: string) => AppError | undefined): Promise<OrderView> {
  const { db, config, orders } = deps;
  const { orderId } = ids;
  const identity = await resolveOrderIdentity(db, config.identities, body);
  const refusal = refuseLine(identity.bizId);
  if (refusal) throw refusal;
  const bizIdentity = { bizId: identity.bizId, scenario: identity.scenario };
  const setup = orderSetupOf(config, bizIdentity);
  // A method named at create is checked then, by the rule payment applies: nothing is held for an order that could never be paid.
  const notAllowed = body.payment && paymentMethodRefusal(identity.bizId, setup.config, body.payment.method);
  if (notAllowed) throw new AppError(422, 'PAYMENT_METHOD_NOT_ALLOWED', notAllowed, [{ field: 'payment.method', message: 'not allowed for this business line' }]);
  const input: OrderWorkflowInput = {
    orderId,
    payOrderId: ids.payOrderId,
    ...setup,
    request: { ...body, scene: body.scene },
  };
  await orders.create(input);
  const view = await orderView(db, orderId);
  // Only a retry after a lost response can find no visible order: its create failed back then.
  if (!view) throw new AppError(409, 'INVALID_STATE', 'this request\'s order could not be created earlier; send a new Idempotency-Key to try again');
  return view;
}

/** An update sent to an order's workflow, and how to tell its effect is already there. */
export interface OrderCommand<B> {
  schema: z.ZodType<B>;
  send: (orderId: string, body: B) => Promise<unknown>;
  alreadyDone: (order: OrderView, body: B) => boolean | Promise<boolean>;
}

const wasPaid = (o: OrderView) => o.paymentStatus !== 'UNPAID' && o.status !== 'PENDING_PAYMENT';

export function orderCommands({ db, orders }: AppDeps) {
  return {
    pay: { schema: s.payBody, send: (id, b) => orders.update(id, msg.payUpdate, b), alreadyDone: (o) => wasPaid(o) && isFinal(o.status) } as OrderCommand<z.infer<typeof s.payBody>>,
    cancel: { schema: s.cancelBody, send: (id, b) => orders.update(id, msg.cancelUpdate, b), alreadyDone: (o) => o.status === 'CANCELLED' } as OrderCommand<z.infer<typeof s.cancelBody>>,
    fulfilment: {
      schema: s.fulfilmentBody,
      send: (id, b) => orders.update(id, msg.fulfilmentUpdate, b),
      alreadyDone: async (o, b) => Boolean(await db('fulfilment_events').where({ order_id: o.orderId, reference_id: b.referenceId }).first('reference_id')),
    } as OrderCommand<z.infer<typeof s.fulfilmentBody>>,
    payBalance: { schema: s.payBody, send: (id, b) => orders.update(id, msg.payBalanceUpdate, b), alreadyDone: (o) => o.balanceStatus === 'PAID' } as OrderCommand<z.infer<typeof s.payBody>>,
    receipt: { schema: s.receiptBody, send: (id) => orders.update(id, msg.receiptUpdate), alreadyDone: (o) => o.status === 'COMPLETED' } as OrderCommand<z.infer<typeof s.receiptBody>>,
  };
}

/**
 * Sends a command's update to the order's workflow and answers with the order as it now
 * is. A repeat of a request whose effect is already final (its workflow may have ended)
 * answers with the order and changes nothing.
 */
export async function runOrderCommand<B>(deps: AppDeps, view: OrderView, command: OrderCommand<B>, body: B): Promise<OrderView> {
  if (!(await command.alreadyDone(view, body))) {
    try {
      await command.send(view.orderId, body);
    } catch (err) {
      // The workflow ended between our read and the update (the first request's
      // effect, answered to a client that then retried): a repeat answers with the order.
      if (!(err instanceof OrderFinalError && (await command.alreadyDone((await orderView(deps.db, view.orderId))!, body)))) throw err;
    }
  }
  return (await orderView(deps.db, view.orderId))!;
}

/** Requests a refund of an order's items under the request's Idempotency-Key. */
export function requestRefund(deps: AppDeps, req: Request, view: OrderView, body: z.infer<typeof s.refundBody>): Promise<StoredResponse> {
  const { db, orders } = deps;
  const orderId = view.orderId;
  return idempotent(db, req, `POST /v1/orders/${orderId}/refunds`, () => newId('rf'), async (refundId) => {
    try {
      await orders.update(orderId, msg.requestRefundUpdate, { refundId, ...body });
    } catch (err) {
      // A completed order's workflow ends with its after-sale window: it takes no request any more.
      if (err instanceof OrderFinalError && view.status === 'COMPLETED') throw invalidState(`the after-sale window of order ${orderId} has ended; it takes no refund request`);
      throw err;
    }
    return { status: 201, body: refundView(await db('refunds').where({ refund_id: refundId }).first()) };
  });
}
