import { OrderCheckExtPt, OrderStoreExtPt } from '../../extension-points';
import { step } from './define-step';

export const orderValidate = step('order.validate', OrderCheckExtPt, 'validate');

// The invisible draft and, beside it, its compensation.
export const orderDraft = step('order.draft', OrderStoreExtPt, 'draft');
export const orderVoid = step('order.void', OrderStoreExtPt, 'void');

export const orderActivate = step('order.activate', OrderStoreExtPt, 'activate');
export const orderMarkPaid = step('order.markPaid', OrderStoreExtPt, 'markPaid');
export const orderClose = step('order.close', OrderStoreExtPt, 'close');
export const orderCancel = step('order.cancel', OrderStoreExtPt, 'cancel');
export const orderComplete = step('order.complete', OrderStoreExtPt, 'complete');
