import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/**
 * The ids that find a log line's request, order and workflow again. Held per request,
 * activity or background item in AsyncLocalStorage and merged into every line the
 * process's pino loggers write (platform/logger.ts), so no call site has to pass them.
 */
export interface LogContext {
  requestId?: string;
  orderId?: string;
  workflowId?: string;
  bizId?: string;
  scenario?: string;
  refundId?: string;
  campaignId?: string;
  /** Activity type and attempt, in an activity. */
  activity?: string;
  attempt?: number;
  /** The background loop (outbox-relay, stale-freeze-scanner, …) and the outbox event it handles. */
  loop?: string;
  eventId?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `fn` with `fields` added to the current context (a copy: the caller's context is not changed). */
export function withLogContext<T>(fields: LogContext, fn: () => T): T {
  return storage.run({ ...storage.getStore(), ...definedOnly(fields) }, fn);
}

/** Adds ids learnt along the way (the order a request created) to the current context. */
export function addToLogContext(fields: LogContext): void {
  const store = storage.getStore();
  if (store) Object.assign(store, definedOnly(fields));
}

export function currentLogContext(): LogContext {
  return storage.getStore() ?? {};
}

/** A client's X-Request-Id when it is a plain token; anything else (absent, too long, odd characters) gets a fresh one, so a header is never echoed raw into logs or responses. */
const REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
export function acceptRequestId(header: unknown): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

function definedOnly(fields: LogContext): LogContext {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== '')) as LogContext;
}

/** Runs `fn` in exactly this context object (ids added later through addToLogContext are seen by both). */
export function runInLogContext<T>(context: LogContext, fn: () => T): T {
  return storage.run(context, fn);
}
