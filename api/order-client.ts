import { Client, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/client';
import type { OrderWorkflowInput } from '../platform/domain/flow';
import { AppError, invalidState } from '../platform/errors/app-error';
import { awaitCreatedUpdate, type UpdateAck } from '../workflows/messages';
import { BizIdKey, OrderStatusKey, ScenarioKey } from '../workflows/search-attributes';

export const workflowIdOf = (orderId: string) => `order-${orderId}`;

/**
 * The thin client side: starts an order's workflow and sends it updates, turning a
 * refused update back into the contract's error.
 */
export class OrderClient {
  constructor(private readonly client: Client, private readonly taskQueue: string) {}

  /**
   * Starts the order (the workflow id is the dedup key) and returns once create has
   * settled. A retry that finds the order's workflow already finished answers
   * `{ status: 'FINISHED', duplicate: true }`: the caller reads the outcome from the database.
   */
  async create(input: OrderWorkflowInput): Promise<UpdateAck> {
    const startWorkflowOperation = new WithStartWorkflowOperation('orderWorkflow', {
      workflowId: workflowIdOf(input.orderId),
      taskQueue: this.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A finished order's id is never reused: a late retry must not start a second life.
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [
        { key: BizIdKey, value: input.identity.bizId },
        { key: ScenarioKey, value: input.identity.scenario },
        { key: OrderStatusKey, value: 'CREATING' },
      ],
    });
    try {
      return await this.client.workflow.executeUpdateWithStart(awaitCreatedUpdate, { startWorkflowOperation });
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { status: 'FINISHED', duplicate: true };
      throw toAppError(err);
    }
  }

  async update<Args extends any[]>(orderId: string, def: UpdateDefinition<UpdateAck, Args>, ...args: Args): Promise<UpdateAck> {
    try {
      return await this.client.workflow.getHandle(workflowIdOf(orderId)).executeUpdate(def.name, { args } as never);
    } catch (err) {
      throw toAppError(err);
    }
  }

  history(orderId: string) {
    return this.client.workflow.getHandle(workflowIdOf(orderId)).fetchHistory();
  }
}

function toAppError(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const f = err.cause;
    const d = (f.details?.[0] ?? {}) as { status?: number; details?: unknown[] };
    const status = d.status ?? 500;
    if (status >= 500) return new AppError(500, 'INTERNAL', 'the order platform could not finish this request; it is safe to retry');
    return new AppError(status, f.type ?? 'INTERNAL', f.message, (d.details ?? []) as never);
  }
  // The workflow has ended (the order is final): nothing more can happen to it.
  if (err instanceof WorkflowNotFoundError || /already completed|workflow execution.*not found/i.test(String((err as Error)?.message))) {
    return invalidState('the order is final; nothing more can change it');
  }
  return err;
}
