import type { CreateOrderRequest } from '../platform/domain/flow';
import type { PricedOrder } from '../platform/domain/pricing';
import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepOutcome } from './step-outcome';

/** A payment attempt that order.markPaid records: its transaction and how it was paid. */
export interface PaidBy {
  xid: string;
  method: string;
  channelTxnId?: string;
}

/** Writes the order's own state: draft, void, activate and the status transitions. */
export interface OrderStoreExtPt {
  draft(order: OrderRef, request: CreateOrderRequest, priced: PricedOrder, payDeadline: Date): Promise<StepOutcome>;
  void(order: OrderRef): Promise<StepOutcome>;
  activate(order: OrderRef): Promise<StepOutcome>;
  markPaid(order: OrderRef, paidBy: PaidBy): Promise<StepOutcome>;
  close(order: OrderRef): Promise<StepOutcome>;
  cancel(order: OrderRef, reason: string): Promise<StepOutcome>;
  complete(order: OrderRef, reason: string): Promise<StepOutcome>;
}
export const OrderStoreExtPt = extensionPoint<OrderStoreExtPt>('OrderStoreExtPt');
