import {
  AsyncLocalStorage,
  type ActivityInput,
  type DisposeInput,
  type LocalActivityInput,
  type Next,
  type SignalInput,
  type UpdateInput,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptors,
  type WorkflowInternalsInterceptor,
  type WorkflowOutboundCallsInterceptor,
} from '@temporalio/workflow';
import type { Payload } from '@temporalio/common';
import { REQUEST_ID_HEADER } from '../platform/logging/request-id-header';

/**
 * Carries the request id header (platform/logging/request-id-header.ts) of whatever
 * started the workflow or sent it an update or signal on to the activities that run on
 * its behalf: the create flow's activities name the create request, a pay update's
 * activities the pay request. The header is passed on as it came (never decoded here).
 * Headers are not commands: adding them changes no workflow history's replay.
 */
class RequestIdInterceptor implements WorkflowInboundCallsInterceptor, WorkflowOutboundCallsInterceptor, WorkflowInternalsInterceptor {
  private readonly current = new AsyncLocalStorage<Payload | undefined>();
  private started: Payload | undefined;

  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    this.started = input.headers[REQUEST_ID_HEADER];
    return this.current.run(this.started, () => next(input));
  }

  handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    return this.current.run(input.headers[REQUEST_ID_HEADER] ?? this.started, () => next(input));
  }

  handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    return this.current.run(input.headers[REQUEST_ID_HEADER] ?? this.started, () => next(input));
  }

  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    return next({ ...input, headers: this.withRequestId(input.headers) });
  }

  scheduleLocalActivity(input: LocalActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleLocalActivity'>): Promise<unknown> {
    return next({ ...input, headers: this.withRequestId(input.headers) });
  }

  dispose(input: DisposeInput, next: Next<WorkflowInternalsInterceptor, 'dispose'>): void {
    // The storage outlives the workflow's eviction from the cache unless disabled.
    this.current.disable();
    next(input);
  }

  private withRequestId(headers: Record<string, Payload>): Record<string, Payload> {
    const id = this.current.getStore();
    return id ? { ...headers, [REQUEST_ID_HEADER]: id } : headers;
  }
}

export const interceptors = (): WorkflowInterceptors => {
  const interceptor = new RequestIdInterceptor();
  return { inbound: [interceptor], outbound: [interceptor], internals: [interceptor] };
};
