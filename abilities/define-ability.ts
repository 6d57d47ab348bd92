import type { OrderRef, StepCall, StepOutcome } from '../extension-points';
import type { FlowArgs, FlowOutputs } from '../platform/domain/flow';
import type { ExtPtToken } from '../platform/registry/extension-point';

/** What an ability's `run` gets to build its typed extension point call from. */
export interface StepInput {
  order: OrderRef;
  call: StepCall;
  /** What the workflow passed to the use case's flow. */
  args: FlowArgs;
  /** Outputs of the earlier steps of the flow. */
  ctx: FlowOutputs;
}

/**
 * An ability (能力) is defined once: its id (the activity type Temporal records), the
 * extension point whose method does the work and how the step's input maps onto that
 * typed call, the ability that undoes it, and whether it may run locally. The activity,
 * the start-up checks of config/flows.yaml and the capability map are derived from it.
 */
export interface AbilityDefinition<T> {
  id: string;
  extensionPoint: ExtPtToken<T>;
  run(ext: T, step: StepInput): Promise<StepOutcome>;
  /** The ability that undoes this one; a flow naming this ability gets it as its compensation. */
  undo?: string;
  /**
   * Run as a Temporal local activity: in the worker, inside the workflow task, with no
   * activity task round trip through the server — for short steps that only read or
   * write the platform's own database, where the server's bookkeeping of an activity
   * costs more than the step (BENCHMARKS.md: about two thirds of an order's Temporal
   * work). Like any activity it runs at least once; a local one, moreover, runs again
   * whenever the workflow task it ran in is lost with its worker — after its own effects
   * and those of the steps that followed it. So `local` is only for steps whose re-run
   * gives the first outcome again: changes that are fenced or state-checked. A check
   * (order.validate) is not: re-run after the order's own stock hold or coupon lock, it
   * may refuse what it had let through. A step that calls out (a supplier, a payment
   * gateway) or may run long stays regular too.
   *
   * Flows run by the workflow's own code (create, the deadline's close, automatic
   * receipt) run local abilities as local activities; an update handler's flow runs its
   * steps as regular activities until one has completed, so that the update's
   * acceptance is durable before anything changes (FlowContext in
   * workflows/flow-interpreter.ts says why).
   */
  local?: true;
  description: string;
}

/** An ability with its extension point's type erased, as the registry and the activities handle it. */
export type Ability = AbilityDefinition<unknown>;

export function ability<T>(definition: AbilityDefinition<T>): Ability {
  return definition as Ability;
}

/**
 * A flow argument (or an earlier step's output) the ability cannot run without: missing,
 * the flow is wired wrong (a fault, retried and then failed), not a business refusal.
 */
export function required<A extends FlowArgs | FlowOutputs, K extends keyof A & string>(values: A, key: K, ability: string): NonNullable<A[K]> {
  const value = values[key];
  if (value === undefined || value === null) throw new Error(`${ability} needs "${key}", which its flow did not provide`);
  return value;
}
