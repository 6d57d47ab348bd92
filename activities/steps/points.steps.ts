import { PointsExtPt } from '../../extension-points';
import { step } from './define-step';

// TCC try and, beside it, its cancel.
export const pointsDeduct = step('points.deduct', PointsExtPt, 'deduct');
export const pointsReturn = step('points.return', PointsExtPt, 'return');

export const pointsConfirm = step('points.confirm', PointsExtPt, 'confirm');
export const pointsRefund = step('points.refund', PointsExtPt, 'refund');
