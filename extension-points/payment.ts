import type { PaymentStage } from '../platform/domain/flow';
import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepCall, StepOutcome } from './step-outcome';
import { ability } from '../abilities/define-ability';

/**
 * Money paid back: the named refund's amount, or (no refundId: a cancel after payment,
 * a failed fulfilment) everything not yet refunded, recorded as a refund of `kind`.
 */
export interface PayBack {
  refundId?: string;
  reason?: string;
  kind?: string;
}

/** Money as TCC: freeze (try), confirm, unfreeze (cancel), each for one payment attempt (`call.xid`) by `method`; and refunds of settled money. */
export interface PaymentExtPt {
  freeze(order: OrderRef, call: StepCall, method: string, stage: PaymentStage): Promise<StepOutcome>;
  confirm(order: OrderRef, call: StepCall, method: string, stage: PaymentStage): Promise<StepOutcome>;
  unfreeze(order: OrderRef, call: StepCall, method: string, stage: PaymentStage): Promise<StepOutcome>;
  refund(order: OrderRef, call: StepCall, payBack: PayBack): Promise<StepOutcome>;
}
export const PaymentExtPt = extensionPoint<PaymentExtPt>('PaymentExtPt');

// The abilities built on this extension point, each with its undo beside it.

// Balance is the method when the flow names none (a compensation run from a cancel).
const BALANCE = 'balance';

// TCC try and, beside it, its cancel. Payment calls out to a channel: regular activities.
export const freezePayment = ability({
  id: 'payment.freeze',
  extensionPoint: PaymentExtPt,
  run: (ext, { order, call, args }) => ext.freeze(order, call, args.method ?? BALANCE, args.stage ?? 'payable'),
  undo: 'payment.unfreeze',
  description: 'TCC try: freeze the payable amount',
});
export const unfreezePayment = ability({
  id: 'payment.unfreeze',
  extensionPoint: PaymentExtPt,
  run: (ext, { order, call, args }) => ext.unfreeze(order, call, args.method ?? BALANCE, args.stage ?? 'payable'),
  description: 'TCC cancel: release the frozen amount',
});

export const confirmPayment = ability({
  id: 'payment.confirm',
  extensionPoint: PaymentExtPt,
  run: (ext, { order, call, args }) => ext.confirm(order, call, args.method ?? BALANCE, args.stage ?? 'payable'),
  description: 'TCC confirm: settle the frozen amount to the merchant',
});

export const refundPayment = ability({
  id: 'payment.refund',
  extensionPoint: PaymentExtPt,
  run: (ext, { order, call, args }) => ext.refund(order, call, { refundId: args.refundId, reason: args.reason, kind: args.refundKind }),
  description: 'pay money back to the buyer',
});
