import { PaymentExtPt } from '../extension-points';
import { ability } from './define-ability';

// Balance is the method when the flow names none (a compensation run from a cancel).
const BALANCE = 'balance';

// TCC try and, beside it, its cancel. Payment calls out to a channel: regular activities.
export const freezePayment = ability({
  id: 'payment.freeze',
  extensionPoint: PaymentExtPt,
  run: (ext, { order, call, args }) => ext.freeze(order, call, args.method ?? BALANCE),
  undo: 'payment.unfreeze',
  description: 'TCC try: freeze the payable amount',
});
export const unfreezePayment = ability({
  id: 'payment.unfreeze',
  extensionPoint: PaymentExtPt,
  run: (ext, { order, call, args }) => ext.unfreeze(order, call, args.method ?? BALANCE),
  description: 'TCC cancel: release the frozen amount',
});

export const confirmPayment = ability({
  id: 'payment.confirm',
  extensionPoint: PaymentExtPt,
  run: (ext, { order, call, args }) => ext.confirm(order, call, args.method ?? BALANCE),
  description: 'TCC confirm: settle the frozen amount to the merchant',
});

export const refundPayment = ability({
  id: 'payment.refund',
  extensionPoint: PaymentExtPt,
  run: (ext, { order, call, args }) => ext.refund(order, call, { refundId: args.refundId, reason: args.reason, kind: args.refundKind }),
  description: 'pay money back to the buyer',
});
