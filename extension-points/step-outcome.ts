import type { AbilityInput } from '../platform/domain/flow';

/** What an extension method returns to the flow: values for later steps, and a line for the history. */
export interface StepOutcome {
  output?: Record<string, unknown>;
  detail?: string;
}

/** Every extension point method takes the step's input, so flows can call any of them uniformly. */
export type StepMethod = (input: AbilityInput) => Promise<StepOutcome>;
