import { RefundExtPt } from '../../extension-points';
import { step } from './define-step';

export const refundCreate = step('refund.create', RefundExtPt, 'create');
export const refundReject = step('refund.reject', RefundExtPt, 'reject');
export const refundComplete = step('refund.complete', RefundExtPt, 'complete');
