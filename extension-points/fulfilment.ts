import type { FulfilmentEvent } from '../platform/domain/flow';
import { extensionPoint } from '../platform/registry/extension-point';
import type { OrderRef, StepOutcome } from './step-outcome';

/** Applies an event from the warehouse, store or supplier (shipped, delivered, failed). */
export interface FulfilmentExtPt {
  record(order: OrderRef, event: FulfilmentEvent): Promise<StepOutcome>;
}
export const FulfilmentExtPt = extensionPoint<FulfilmentExtPt>('FulfilmentExtPt');
