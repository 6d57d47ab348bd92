import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { FulfilmentEvent } from '../platform/domain/flow';

/**
 * The messages an order workflow accepts. Updates (not signals) so the REST caller
 * learns the outcome: each returns once the use case's flow has settled, or fails
 * with the business error the contract maps to a status code.
 */
export interface PayArgs {
  method: string;
}
export interface ChannelPaymentArgs {
  channelTxnId: string;
  amount: number;
}
export interface CancelArgs {
  reason: string;
}
/** A warehouse/store/supplier event, or a returned parcel's (RETURN_SHIPPED, RETURN_RECEIVED). */
export type FulfilmentArgs = FulfilmentEvent;
export interface RefundRequestArgs {
  refundId: string;
  items: { orderItemId: string; quantity: number }[];
  reason: string;
  returnGoods: boolean;
}

export interface UpdateAck {
  status: string;
  /** True when the request changed nothing because it had already been applied. */
  duplicate: boolean;
}

export const awaitCreatedUpdate = defineUpdate<UpdateAck>('awaitCreated');
export const payUpdate = defineUpdate<UpdateAck, [PayArgs]>('pay');
/** The second payment stage (尾款) of a line taking a deposit. */
export const payBalanceUpdate = defineUpdate<UpdateAck, [PayArgs]>('payBalance');
export const channelPaymentUpdate = defineUpdate<UpdateAck, [ChannelPaymentArgs]>('channelPayment');
export const cancelUpdate = defineUpdate<UpdateAck, [CancelArgs]>('cancel');
export const fulfilmentUpdate = defineUpdate<UpdateAck, [FulfilmentArgs]>('fulfilmentEvent');
export const receiptUpdate = defineUpdate<UpdateAck>('confirmReceipt');
export const requestRefundUpdate = defineUpdate<UpdateAck, [RefundRequestArgs]>('requestRefund');
export const approveRefundUpdate = defineUpdate<UpdateAck, [{ refundId: string }]>('approveRefund');
export const rejectRefundUpdate = defineUpdate<UpdateAck, [{ refundId: string }]>('rejectRefund');
export const statusQuery = defineQuery<string>('status');
