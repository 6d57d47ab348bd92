import type { ExtPtToken } from '../../platform/registry/extension-point';
import type { StepMethod } from '../../extension-points';

/** Binds an ability id (the activity type Temporal records) to the extension point method that does the work. */
export interface StepDefinition {
  id: string;
  extPt: ExtPtToken<unknown>;
  method: string;
}

export function step<T>(id: string, extPt: ExtPtToken<T>, method: { [K in keyof T]: T[K] extends StepMethod ? K : never }[keyof T] & string): StepDefinition {
  return { id, extPt: extPt as ExtPtToken<unknown>, method };
}
