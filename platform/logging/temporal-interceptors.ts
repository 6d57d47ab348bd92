import { Context } from '@temporalio/activity';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { ApplicationFailure, defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import type { Logger } from '../logger';
import { workflowIdOf } from '../orders/workflow-state';
import { currentLogContext, withLogContext, type LogContext } from './log-context';
import { REQUEST_ID_HEADER } from './request-id-header';

/**
 * The workflow interceptor that passes the request id on to activities, for a bundle made
 * from the sources. Resolved on call, not at load: the production worker is itself one
 * bundle, with the interceptor already inside its prebuilt workflow bundle.
 */
export const workflowInterceptorModules = (): string[] => [require.resolve('../../workflows/request-id-interceptors')];

const withRequestId = (headers: Record<string, Payload>): Record<string, Payload> => {
  const { requestId } = currentLogContext();
  return requestId ? { ...headers, [REQUEST_ID_HEADER]: defaultPayloadConverter.toPayload(requestId) } : headers;
};

/** Client side: every workflow start, update and signal sent while serving a request carries its id. */
export const requestIdClientInterceptor: WorkflowClientInterceptor = {
  start: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startWithDetails: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startUpdate: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  startUpdateWithStart: (input, next) => next({ ...input, workflowStartHeaders: withRequestId(input.workflowStartHeaders), updateHeaders: withRequestId(input.updateHeaders) }),
  signal: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
  signalWithStart: (input, next) => next({ ...input, headers: withRequestId(input.headers) }),
};

/** The ids an activity's input names: an ability's order and identity, or a flash-sale activity's order. */
function idsInArgs(args: readonly unknown[]): LogContext {
  const first = args[0] as { orderId?: unknown; identity?: { bizId?: unknown; scenario?: unknown } } | undefined;
  if (!first || typeof first !== 'object') return {};
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return { orderId: str(first.orderId), bizId: str(first.identity?.bizId), scenario: str(first.identity?.scenario) };
}

/**
 * Worker side: each activity runs with its ids in the log context — the request that
 * caused it (header), its workflow, activity type and attempt (Temporal's activity
 * Context), its order and business line (its input) — and ends with one line saying how
 * it went and how long it took.
 */
export function activityLogContext(log: Logger): ActivityInterceptorsFactory {
  return (ctx: Context) => ({
    inbound: {
      async execute(input, next) {
        const { info } = ctx;
        const header = input.headers[REQUEST_ID_HEADER];
        const workflowId = info.workflowExecution?.workflowId;
        const ids = idsInArgs(input.args);
        const fields: LogContext = {
          requestId: header ? String(defaultPayloadConverter.fromPayload(header)) : undefined,
          workflowId: workflowId ?? (ids.orderId ? workflowIdOf(ids.orderId) : undefined),
          ...ids,
          activity: info.activityType,
          attempt: info.attempt,
        };
        return withLogContext(fields, async () => {
          const started = performance.now();
          const durationMs = () => Math.round(performance.now() - started);
          try {
            const result = await next(input);
            log.info({ durationMs: durationMs() }, 'activity completed');
            return result;
          } catch (err) {
            // A business refusal ends the step for good (info); anything else is retried by Temporal (warn).
            const refused = err instanceof ApplicationFailure && err.nonRetryable;
            const summary = { durationMs: durationMs(), error: (err as Error)?.message, errorType: (err as ApplicationFailure)?.type };
            if (refused) log.info(summary, 'activity refused');
            else log.warn(summary, 'activity failed; Temporal retries it');
            throw err;
          }
        });
      },
    },
  });
}
