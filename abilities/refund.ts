import { RefundExtPt } from '../extension-points';
import { ability, required } from './define-ability';

export const requestRefund = ability({
  id: 'refund.create',
  extensionPoint: RefundExtPt,
  run: (ext, { order, args }) =>
    ext.create(order, {
      refundId: required(args, 'refundId', 'refund.create'),
      items: required(args, 'items', 'refund.create'),
      reason: args.reason ?? '',
      returnGoods: Boolean(args.returnGoods),
    }),
  description: 'price and record a refund request',
});

export const rejectRefund = ability({
  id: 'refund.reject',
  extensionPoint: RefundExtPt,
  run: (ext, { order, args }) => ext.reject(order, required(args, 'refundId', 'refund.reject')),
  description: 'reject a refund request',
});

export const completeRefund = ability({
  id: 'refund.complete',
  extensionPoint: RefundExtPt,
  run: (ext, { order, args }) => ext.complete(order, required(args, 'refundId', 'refund.complete')),
  description: 'record a refund as paid back',
});
