/**
 * The rehearsal's REST client: what a business line's back end does against the load
 * balancer. It retries what failed on the platform's side (a 5xx, a cut or refused
 * connection) with the same Idempotency-Key, with backoff, for as long as a restart of
 * PostgreSQL or Temporal may take; a request still without an answer then is unanswered.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Reply<T = any> {
  status: number;
  body: T;
}

export const KEYS = { operator: 'dev-operator-key', retail: 'dev-retail-key', usedCar: 'dev-used-car-key' } as const;

export class UnansweredError extends Error {}

export interface ClientStats {
  requests: number;
  retries: number;
  unanswered: number;
  /** 503 SERVICE_UNAVAILABLE answers in the contract's format, by dependency. */
  unavailable: Record<string, number>;
  /** Other 5xx answers (or an unreadable 503), by status and code. */
  otherServerErrors: Record<string, number>;
}

export { uid } from '../../tests/support/uid';

export class RetryingClient {
  readonly stats: ClientStats = { requests: 0, retries: 0, unanswered: 0, unavailable: {}, otherServerErrors: {} };

  constructor(
    private readonly baseUrl: string,
    private readonly patienceMs = 240_000,
  ) {}

  async once<T = any>(method: string, path: string, opts: { body?: unknown; key?: string; idem?: string; timeoutMs?: number } = {}): Promise<Reply<T>> {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${opts.key ?? KEYS.retail}` };
    if (opts.idem) headers['idempotency-key'] = opts.idem;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 150_000),
    });
    const text = await res.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = { unparsed: text.slice(0, 200) };
    }
    return { status: res.status, body };
  }

  private note(r: Reply) {
    if (r.status < 500) return;
    const dependency = r.body?.error?.details?.[0]?.dependency;
    if (r.status === 503 && r.body?.error?.code === 'SERVICE_UNAVAILABLE' && dependency) this.stats.unavailable[dependency] = (this.stats.unavailable[dependency] ?? 0) + 1;
    else {
      const k = `${r.status} ${r.body?.error?.code ?? (r.body?.unparsed ? 'non-JSON' : '')}`.trim();
      this.stats.otherServerErrors[k] = (this.stats.otherServerErrors[k] ?? 0) + 1;
    }
  }

  /** Sends until an answer below 500 comes back; throws UnansweredError after the patience runs out. */
  async send<T = any>(method: string, path: string, opts: { body?: unknown; key?: string; idem?: string } = {}): Promise<Reply<T>> {
    const giveUpAt = Date.now() + this.patienceMs;
    let last = '';
    for (let attempt = 1; ; attempt++) {
      this.stats.requests += 1;
      try {
        const r = await this.once<T>(method, path, opts);
        this.note(r);
        if (r.status < 500) return r;
        last = `${r.status} ${JSON.stringify(r.body)}`;
      } catch (err) {
        last = `${(err as Error).message} ${((err as { cause?: Error }).cause?.message ?? '')}`.trim();
      }
      if (Date.now() >= giveUpAt) {
        this.stats.unanswered += 1;
        throw new UnansweredError(`${method} ${path}: no answer in ${this.patienceMs / 1000} s (last: ${last.slice(0, 300)})`);
      }
      this.stats.retries += 1;
      await sleep(Math.min(250 * attempt, 2_000));
    }
  }
}
