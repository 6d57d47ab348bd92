import { PaymentExtPt } from '../../extension-points';
import { step } from './define-step';

// TCC try and, beside it, its cancel.
export const paymentFreeze = step('payment.freeze', PaymentExtPt, 'freeze');
export const paymentUnfreeze = step('payment.unfreeze', PaymentExtPt, 'unfreeze');

export const paymentConfirm = step('payment.confirm', PaymentExtPt, 'confirm');
export const paymentRefund = step('payment.refund', PaymentExtPt, 'refund');
