import type { FulfilmentEvent } from '../platform/domain/flow';
import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepOutcome } from './step-outcome';
import { ability, required } from '../abilities/define-ability';

/** Applies an event from the warehouse, store or supplier (shipped, delivered, failed). */
export interface FulfilmentExtPt {
  record(order: OrderRef, event: FulfilmentEvent): Promise<StepOutcome>;
}
export const FulfilmentExtPt = extensionPoint<FulfilmentExtPt>('FulfilmentExtPt');

// The abilities built on this extension point, each with its undo beside it.
export const recordFulfilment = ability({
  id: 'fulfilment.record',
  extensionPoint: FulfilmentExtPt,
  run: (ext, { order, args }) => ext.record(order, required(args, 'event', 'fulfilment.record')),
  description: 'apply a warehouse/store/supplier event',
});
