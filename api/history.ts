import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { Db } from '../platform/db/knex';
import type { OrderView } from '../platform/repositories/orders';
import { AppError } from '../platform/errors/app-error';
import { isWorkflowNotFound } from '../platform/orders/workflow-state';
import type { OrderClient } from './order-client';

/** One line of an order's history (the console shows these). */
export interface HistoryEvent {
  at: string;
  kind: 'STEP_COMPLETED' | 'STEP_FAILED' | 'COMPENSATED' | 'SIGNAL' | 'STATUS_CHANGED' | 'TIMER';
  step: string | null;
  extension: string | null;
  detail: string;
}

/**
 * What happened to an order, for operators: each ability the workflow ran (from
 * Temporal's history: which step, which extension, what it did), each message the
 * order received, and each status change recorded in the database, in time order.
 */
export async function buildHistory(db: Db, orders: OrderClient, order: OrderView) {
  const events: HistoryEvent[] = [];
  try {
    const history = await orders.history(order.orderId);
    events.push(...fromWorkflowHistory(history.events ?? []));
  } catch (err) {
    // A workflow past its retention is gone for good: the status log below still tells the story.
    // Any other failure would silently drop the steps, so the caller gets an error instead.
    if (!isWorkflowNotFound(err)) throw new AppError(503, 'TEMPORAL_UNAVAILABLE', `the order's workflow history cannot be read now: ${(err as Error)?.message ?? err}`);
  }
  const log = await db('order_status_log').where({ order_id: order.orderId }).orderBy('id');
  for (const row of log) {
    events.push({
      at: new Date(row.at).toISOString(),
      kind: 'STATUS_CHANGED',
      step: null,
      extension: null,
      detail: `${row.field}: ${row.from_value ?? '∅'} → ${row.to_value} (v${row.version}${row.reason ? `, ${row.reason}` : ''})`,
    });
  }
  events.sort((a, b) => a.at.localeCompare(b.at));
  return { orderId: order.orderId, workflowId: order.workflowId, bizId: order.bizId, scenario: order.scenario, events };
}

function fromWorkflowHistory(events: temporal.api.history.v1.IHistoryEvent[]): HistoryEvent[] {
  const scheduled = new Map<string, { step: string; phase: string; useCase: string }>();
  const timers = new Map<string, string>();
  const out: HistoryEvent[] = [];
  for (const e of events) {
    const at = timeOf(e);
    // Only timers the workflow named (the after-sale window) are shown; the others are waits inside conditions.
    const timer = e.timerStartedEventAttributes;
    const summary = decode(e.userMetadata?.summary ?? undefined);
    if (timer && typeof summary === 'string') {
      timers.set(timer.timerId ?? '', summary);
      const ms = Number(timer.startToFireTimeout?.seconds ?? 0) * 1000 + Math.floor((timer.startToFireTimeout?.nanos ?? 0) / 1e6);
      out.push({ at, kind: 'TIMER', step: null, extension: null, detail: `${summary} opened, until ${new Date(Date.parse(at) + ms).toISOString()}` });
      continue;
    }
    const fired = e.timerFiredEventAttributes;
    if (fired && timers.has(fired.timerId ?? '')) {
      out.push({ at, kind: 'TIMER', step: null, extension: null, detail: `${timers.get(fired.timerId ?? '')} ended` });
      continue;
    }
    const s = e.activityTaskScheduledEventAttributes;
    if (s) {
      const input = decode(s.input?.payloads?.[0]) as { phase?: string; useCase?: string } | undefined;
      scheduled.set(String(e.eventId), { step: s.activityType?.name ?? '?', phase: input?.phase ?? 'action', useCase: input?.useCase ?? '' });
      continue;
    }
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const step = scheduled.get(String(done.scheduledEventId));
      const result = decode(done.result?.payloads?.[0]) as { extension?: string; detail?: string } | undefined;
      out.push({
        at,
        kind: step?.phase === 'compensation' ? 'COMPENSATED' : 'STEP_COMPLETED',
        step: step?.step ?? null,
        extension: result?.extension ?? null,
        detail: `${step?.useCase ?? ''}: ${result?.detail ?? 'done'}`,
      });
      continue;
    }
    const failed = e.activityTaskFailedEventAttributes;
    if (failed) {
      const step = scheduled.get(String(failed.scheduledEventId));
      out.push({ at, kind: 'STEP_FAILED', step: step?.step ?? null, extension: null, detail: `${step?.useCase ?? ''}: ${failed.failure?.cause?.message ?? failed.failure?.message ?? 'failed'}` });
      continue;
    }
    // A local activity (an ability the catalog runs locally) is recorded as a marker.
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName === 'core_local_activity') {
      const data = decode(marker.details?.data?.payloads?.[0]) as { activity_type?: string; complete_time?: { seconds?: number; nanos?: number } } | undefined;
      // Markers are written when the workflow task completes; the step itself finished at complete_time.
      const done = data?.complete_time ? new Date(Number(data.complete_time.seconds ?? 0) * 1000 + Math.floor((data.complete_time.nanos ?? 0) / 1e6)).toISOString() : at;
      const result = decode(marker.details?.result?.payloads?.[0]) as { extension?: string; detail?: string; useCase?: string; phase?: string } | undefined;
      const step = data?.activity_type ?? null;
      if (marker.failure) out.push({ at: done, kind: 'STEP_FAILED', step, extension: null, detail: marker.failure.cause?.message ?? marker.failure.message ?? 'failed' });
      else out.push({ at: done, kind: result?.phase === 'compensation' ? 'COMPENSATED' : 'STEP_COMPLETED', step, extension: result?.extension ?? null, detail: `${result?.useCase ?? ''}: ${result?.detail ?? 'done'}` });
      continue;
    }
    const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
    if (accepted) {
      const name = accepted.acceptedRequest?.input?.name ?? 'update';
      const args = decode(accepted.acceptedRequest?.input?.args?.payloads?.[0]);
      out.push({ at, kind: 'SIGNAL', step: null, extension: null, detail: args ? `${name} ${JSON.stringify(args)}` : name });
      continue;
    }
    const signal = e.workflowExecutionSignaledEventAttributes;
    if (signal) out.push({ at, kind: 'SIGNAL', step: null, extension: null, detail: signal.signalName ?? 'signal' });
  }
  return out;
}

function decode(payload: temporal.api.common.v1.IPayload | undefined | null): unknown {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload(payload as never);
  } catch {
    return undefined;
  }
}

function timeOf(e: temporal.api.history.v1.IHistoryEvent): string {
  const t = e.eventTime;
  const ms = t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
  return new Date(ms).toISOString();
}
