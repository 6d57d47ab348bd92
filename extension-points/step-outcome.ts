import type { BizConfig, FlowOutputs } from '../platform/domain/flow';
import type { BizIdentity } from '../platform/domain/identity';

/** The order a step works on, as its workflow captured it when the order started. */
export interface OrderRef {
  orderId: string;
  payOrderId: string;
  identity: BizIdentity;
  config: BizConfig;
}

/**
 * The step's place in a distributed transaction: `xid` is its transaction (the order,
 * one payment attempt, a refund), and `ability` is recorded on the TCC fence rows it writes.
 */
export interface StepCall {
  xid: string;
  ability: string;
}

/** What an extension method returns to the flow: values for later steps, and a line for the history. */
export interface StepOutcome {
  output?: FlowOutputs;
  detail?: string;
}
