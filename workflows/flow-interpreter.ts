import { ActivityFailure, ApplicationFailure, CancellationScope, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { AbilityInput, AbilityResult, FlowArgs, FlowOutputs, FlowStep, OrderWorkflowInput } from '../platform/domain/flow';
import type { UseCase } from '../platform/domain/identity';

type Ability = (input: AbilityInput) => Promise<AbilityResult>;

// Every step is a short transaction on the platform's database or one call to a partner
// (milliseconds; seconds on a saturated host), run under a TCC fence that makes a second
// attempt harmless. So the start-to-close timeout is sized for recovery, not for safety:
// after a worker dies mid-step (SIGKILL), Temporal retries the step elsewhere when this
// timeout expires, so it bounds that stall (docs/operations.md). A step that legitimately
// takes longer is retried while its first attempt still runs; the fence row serialises them.
const STEP_TIMEOUT = '5 seconds';
// Forward steps: a business refusal fails at once (non-retryable); faults are retried
// a bounded number of times so a create call cannot hang forever.
const FORWARD = {
  startToCloseTimeout: STEP_TIMEOUT,
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds', maximumAttempts: 8 },
} as const;
// Compensations and confirm-phase steps must eventually succeed: retried without limit.
const MUST_SUCCEED = {
  startToCloseTimeout: STEP_TIMEOUT,
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
} as const;
const actions = proxyActivities<Record<string, Ability>>(FORWARD);
const mustSucceed = proxyActivities<Record<string, Ability>>(MUST_SUCCEED);
// The same, as local activities, for abilities defined `local` (abilities/define-ability.ts).
const localActions = proxyLocalActivities<Record<string, Ability>>(FORWARD);
const localMustSucceed = proxyLocalActivities<Record<string, Ability>>(MUST_SUCCEED);

/**
 * Where a flow runs decides whether its `local` abilities may run as local activities.
 * - `body`: the workflow's own code, driven by durable history (its start, a fired
 *   timer). A worker killed mid-task replays it and runs the local steps again, which
 *   their fences make harmless — the same at-least-once as a regular activity.
 * - `update`: an update handler. Its acceptance becomes durable only when the workflow
 *   task that started it completes, so a local step there could commit and then lose the
 *   acceptance with the worker: an order PAID in the database whose workflow still
 *   waits for payment. So a handler's steps are regular activities
 *   until one has completed: scheduling it completed that task, with the acceptance in
 *   it. From then on the handler is as durable as the body, and `local` steps run locally.
 */
export type FlowContext = 'body' | 'update';

/** The proxy an ability runs through: a `local` one runs locally in the body, and in an update once it was accepted. */
function proxyFor(markedLocal: boolean | undefined, mustSucceedNow: boolean, context: FlowContext, accepted: boolean): { run: Record<string, Ability>; local: boolean } {
  const local = Boolean(markedLocal) && (context === 'body' || accepted);
  if (local) return { run: mustSucceedNow ? localMustSucceed : localActions, local };
  return { run: mustSucceedNow ? mustSucceed : actions, local };
}

export interface FlowRun {
  useCase: UseCase;
  xid: string;
  args: FlowArgs;
  /** Steps from this index on run with unlimited retries (past the point of no return). */
  pointOfNoReturn?: number;
  /** Where the flow runs (see FlowContext): update handlers start with regular activities. */
  context: FlowContext;
}

/**
 * Runs a flow's abilities in order as activities. A step's undo (captured with the
 * flow from the ability's definition) is pushed once the step succeeded; if a later
 * step fails, the undos run in reverse inside a non-cancellable scope and the failure
 * is rethrown.
 */
export async function runFlow(order: OrderWorkflowInput, run: FlowRun): Promise<FlowOutputs> {
  const steps: FlowStep[] = order.flows[run.useCase];
  const ctx: FlowOutputs = {};
  const undos: NonNullable<FlowStep['undo']>[] = [];
  const noReturnFrom = run.pointOfNoReturn ?? steps.length;
  // In an update handler: whether a regular activity has completed (the acceptance is durable).
  let accepted = false;
  // A workflow task lost with its worker is run again, local steps and all, and a step may
  // answer differently the second time: this execution can fail before a step that the
  // lost one had done. So once this execution has reached a local step (a lost one can
  // only have gone further from there), a failure undoes every undoable step of the
  // flow, newest first; fences turn those that never ran into empty rollbacks (and refuse
  // their late tries). A failure before any local step undoes only what succeeded.
  const everyUndo = steps.flatMap((s) => (s.undo ? [s.undo] : [])).reverse();
  let reachedLocal = false;
  const call = async (ability: string, markedLocal: boolean | undefined, mustSucceedNow: boolean, phase: AbilityInput['phase']) => {
    const proxy = proxyFor(markedLocal, mustSucceedNow, run.context, accepted);
    if (proxy.local) reachedLocal = true;
    try {
      return await proxy.run[ability](abilityInput(order, run.useCase, ability, phase, run.xid, run.args, ctx));
    } finally {
      if (!proxy.local) accepted = true; // scheduled, so the task that accepted the update completed
    }
  };

  for (const [i, step] of steps.entries()) {
    try {
      const result = await call(step.ability, step.local, i >= noReturnFrom, 'action');
      Object.assign(ctx, result.output ?? {});
      if (step.undo) undos.unshift(step.undo);
    } catch (err) {
      // A fault (not a business refusal) may have left the step half-known: its own
      // undo runs too, and the fence turns it into an empty rollback if nothing happened.
      if (step.undo && !isBusinessRefusal(err)) undos.unshift(step.undo);
      const undo = reachedLocal ? everyUndo : undos;
      await CancellationScope.nonCancellable(async () => {
        for (const u of undo) await call(u.ability, u.local, true, 'compensation');
      });
      throw err;
    }
  }
  return ctx;
}

export function isBusinessRefusal(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && Boolean(cause.nonRetryable) && typeof statusOf(cause) === 'number' && statusOf(cause)! < 500;
}

export function statusOf(failure: ApplicationFailure): number | undefined {
  const d = failure.details?.[0] as { status?: number } | undefined;
  return d?.status;
}

/** Turns an activity failure into the failure an update returns to the REST caller. */
export function toUpdateFailure(err: unknown): ApplicationFailure {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.type) {
    return ApplicationFailure.create({ type: cause.type, message: cause.message, nonRetryable: true, details: cause.details as unknown[] });
  }
  return ApplicationFailure.create({ type: 'INTERNAL', message: 'the step failed after retries', nonRetryable: true, details: [{ status: 500, details: [] }] });
}

export function refusal(status: number, code: string, message: string): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: [{ status, details: [] }] });
}

/** Runs one ability outside a configured flow (refund requests and rejections are fixed steps, run from update handlers). */
export async function runAbility(order: OrderWorkflowInput, useCase: UseCase, ability: string, xid: string, args: FlowArgs): Promise<AbilityResult> {
  return actions[ability](abilityInput(order, useCase, ability, 'action', xid, args, {}));
}

/** The input every ability activity receives: the order's identity and captured configuration, and the step's data. */
function abilityInput(order: OrderWorkflowInput, useCase: UseCase, ability: string, phase: AbilityInput['phase'], xid: string, args: FlowArgs, ctx: FlowOutputs): AbilityInput {
  return { orderId: order.orderId, payOrderId: order.payOrderId, identity: order.identity, config: order.config, useCase, ability, phase, xid, args, ctx };
}
