import { Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, defaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/client';
import type { OrderWorkflowInput } from '../platform/domain/flow';
import { AppError } from '../platform/errors/app-error';
import { awaitCreatedUpdate, type UpdateAck } from '../workflows/messages';
import { BizIdKey, OrderStatusKey, ScenarioKey } from '../workflows/search-attributes';
import { isWorkflowNotFound, workflowIdOf } from '../platform/orders/workflow-state';

export { workflowIdOf };

/**
 * The thin client side: starts an order's workflow and sends it updates, turning a
 * refused update back into the contract's error.
 */
export class OrderClient {
  /**
   * `pendingStart` finds the stored start of an order written before its workflow was
   * started (a flash-sale winner, see platform/flash-sale/workflow-starts.ts): an update
   * reaching such an order first starts its workflow.
   */
  constructor(
    private readonly client: Client,
    readonly taskQueue: string,
    private readonly pendingStart: (orderId: string) => Promise<OrderWorkflowInput | undefined> = async () => undefined,
    /** Bounds the stall when a worker dies holding one of the order's workflow tasks (docs/operations.md). */
    private readonly workflowTaskTimeoutMs?: number,
  ) {}

  /**
   * Starts the order (the workflow id is the dedup key) and returns once create has
   * settled. A retry that finds the order's workflow already finished answers
   * `{ status: 'FINISHED', duplicate: true }`: the caller reads the outcome from the database.
   */
  async create(input: OrderWorkflowInput): Promise<UpdateAck> {
    try {
      return await this.client.workflow.executeUpdateWithStart(awaitCreatedUpdate, { startWorkflowOperation: this.startOperation(input) });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw toAppError(err);
      // The first request's create failed (and the workflow ended) while its answer was
      // lost: the same refusal is the answer again.
      const refusal = await this.createRefusal(input.orderId);
      if (refusal) throw refusal;
      return { status: 'FINISHED', duplicate: true };
    }
  }

  /** How create was refused, as the workflow's history recorded the outcome of its awaitCreated update. */
  private async createRefusal(orderId: string): Promise<AppError | undefined> {
    const history = await this.history(orderId).catch(() => undefined);
    const events = history?.events ?? [];
    const creates = new Set(
      events.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === awaitCreatedUpdate.name).map((e) => e.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest?.meta?.updateId),
    );
    for (const e of events) {
      const done = e.workflowExecutionUpdateCompletedEventAttributes;
      if (!done?.outcome?.failure || !creates.has(done.meta?.updateId)) continue;
      const failure = defaultFailureConverter.failureToError(done.outcome.failure as never, defaultPayloadConverter);
      if (failure instanceof ApplicationFailure) return fromApplicationFailure(failure);
    }
    return undefined;
  }

  /** Starts the order's workflow without waiting for anything; an existing (or finished) one is left alone. */
  async start(input: OrderWorkflowInput): Promise<void> {
    try {
      await this.client.workflow.start('orderWorkflow', this.startOptions(input));
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }

  async update<Args extends any[]>(orderId: string, def: UpdateDefinition<UpdateAck, Args>, ...args: Args): Promise<UpdateAck> {
    try {
      return await this.client.workflow.getHandle(workflowIdOf(orderId)).executeUpdate(def.name, { args } as never);
    } catch (err) {
      const pending = isWorkflowNotFound(err) ? await this.pendingStart(orderId) : undefined;
      if (!pending) throw toAppError(err);
      try {
        return await this.client.workflow.executeUpdateWithStart(def as UpdateDefinition<UpdateAck, Args, string>, { args, startWorkflowOperation: this.startOperation(pending) } as never);
      } catch (err2) {
        throw toAppError(err2);
      }
    }
  }

  private startOptions(input: OrderWorkflowInput) {
    return {
      workflowId: workflowIdOf(input.orderId),
      taskQueue: this.taskQueue,
      args: [input] as [OrderWorkflowInput],
      // A finished order's id is never reused: a late retry must not start a second life.
      workflowIdReusePolicy: 'REJECT_DUPLICATE' as const,
      ...(this.workflowTaskTimeoutMs ? { workflowTaskTimeout: this.workflowTaskTimeoutMs } : {}),
      typedSearchAttributes: [
        { key: BizIdKey, value: input.identity.bizId },
        { key: ScenarioKey, value: input.identity.scenario },
        { key: OrderStatusKey, value: 'CREATING' },
      ],
    };
  }

  private startOperation(input: OrderWorkflowInput) {
    return new WithStartWorkflowOperation('orderWorkflow', { ...this.startOptions(input), workflowIdConflictPolicy: 'USE_EXISTING' });
  }

  history(orderId: string) {
    return this.client.workflow.getHandle(workflowIdOf(orderId)).fetchHistory();
  }
}

/** An update reached an order whose workflow has ended. */
export class OrderFinalError extends AppError {
  constructor() {
    super(409, 'INVALID_STATE', 'the order is final; nothing more can change it');
  }
}

/** A refusal the workflow raised (status and details in its first detail), as the contract's error. */
function fromApplicationFailure(f: ApplicationFailure): AppError {
  const d = (f.details?.[0] ?? {}) as { status?: number; details?: unknown[] };
  const status = d.status ?? 500;
  if (status >= 500) return new AppError(500, 'INTERNAL', 'the order platform could not finish this request; it is safe to retry');
  return new AppError(status, f.type ?? 'INTERNAL', f.message, (d.details ?? []) as never);
}

function toAppError(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return fromApplicationFailure(err.cause);
  // The workflow has ended (the order is final): nothing more can happen to it.
  if (isWorkflowNotFound(err) || /already completed/i.test(String((err as Error)?.message))) return new OrderFinalError();
  return err;
}
