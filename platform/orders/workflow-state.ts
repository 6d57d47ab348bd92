import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { OrderWorkflowInput } from '../domain/flow';
import type { WorkflowState } from './orphans';

/** The workflow that runs an order's life. */
export const workflowIdOf = (orderId: string) => `order-${orderId}`;

/** Whether Temporal said the workflow does not exist (the SDK's error, or the server's message through another path). */
export function isWorkflowNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || /workflow execution.*not found/i.test(String((err as Error)?.message));
}

/** What Temporal knows of an order's workflow: its status, and the input it started with while its history is kept. */
export async function orderWorkflowState(client: Client, orderId: string): Promise<WorkflowState> {
  const handle = client.workflow.getHandle(workflowIdOf(orderId));
  try {
    const { status } = await handle.describe();
    if (status.name === 'RUNNING') return { status: status.name };
    const history = await handle.fetchHistory();
    const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    return { status: status.name, input: payload ? defaultPayloadConverter.fromPayload<OrderWorkflowInput>(payload) : undefined };
  } catch (err) {
    if (isWorkflowNotFound(err)) return { status: 'NOT_FOUND' };
    throw err;
  }
}
