import { PointsExtPt } from '../extension-points';
import { ability } from './define-ability';

// TCC try and, beside it, its cancel.
export const deductPoints = ability({
  id: 'points.deduct',
  extensionPoint: PointsExtPt,
  run: (ext, { order, call }) => ext.deduct(order, call),
  undo: 'points.return',
  local: true,
  description: "TCC try: hold the order's points from the buyer",
});
export const returnPoints = ability({
  id: 'points.return',
  extensionPoint: PointsExtPt,
  run: (ext, { order, call }) => ext.return(order, call),
  local: true,
  description: 'TCC cancel: give held points back',
});

export const confirmPoints = ability({
  id: 'points.confirm',
  extensionPoint: PointsExtPt,
  run: (ext, { order, call }) => ext.confirm(order, call),
  local: true,
  description: 'TCC confirm: settle the held points to the merchant',
});

export const refundPoints = ability({
  id: 'points.refund',
  extensionPoint: PointsExtPt,
  run: (ext, { order, call, args }) => ext.refund(order, call, { refundId: args.refundId, reason: args.reason, kind: args.refundKind }),
  local: true,
  description: 'give settled points back to the buyer',
});
