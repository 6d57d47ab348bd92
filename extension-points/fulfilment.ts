import { extensionPoint } from '../platform/registry/extension-point';
import type { StepMethod } from './step-outcome';

/** Applies an event from the warehouse, store or supplier (shipped, delivered, failed). */
export interface FulfilmentExtPt {
  record: StepMethod;
}
export const FulfilmentExtPt = extensionPoint<FulfilmentExtPt>('FulfilmentExtPt');
