import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../db/knex';
import type { OrderWorkflowInput } from '../domain/flow';

/**
 * Relays `order_workflow_starts` (orders written on a hot path, whose workflow is
 * started after the commit) to Temporal. A server kicks it after writing winners;
 * a periodic sweep picks up whatever a crashed server left. Rows are claimed for a
 * while (FOR UPDATE SKIP LOCKED), so several servers share the work without starting
 * anything twice — and a second start would be refused by Temporal anyway.
 *
 * While `busy()` says a burst is being served, starts wait (up to `maxDeferMs`): the
 * winners' orders are durable and payable meanwhile (a payment starts its workflow
 * itself) and their deadlines were fixed when they won, so the machine's CPU goes to
 * admitting buyers first and to starting workflows right after.
 */
export interface RelayOptions {
  batch: number;
  /** Starts in flight at once while a burst lasts (once `maxDeferMs` has passed). */
  concurrency: number;
  /** Starts in flight at once otherwise. */
  idleConcurrency: number;
  claimSeconds: number;
  sweepMs: number;
  /** The longest a start waits for a burst to pass. */
  maxDeferMs: number;
}
export class WorkflowStartRelay {
  private draining?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly db: Db,
    private readonly start: (input: OrderWorkflowInput) => Promise<void>,
    private readonly opts: RelayOptions = { batch: 50, concurrency: 8, idleConcurrency: 8, claimSeconds: 60, sweepMs: 5_000, maxDeferMs: 0 },
    private readonly onError: (err: unknown) => void = () => undefined,
    private readonly busy: () => boolean = () => false,
  ) {}

  /** Starts the periodic sweep (unref'd: it never keeps a process alive). */
  run(): this {
    this.timer ??= setInterval(() => this.kick(), this.opts.sweepMs);
    this.timer.unref();
    return this;
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
  }

  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = this.drain()
      .catch(this.onError)
      .finally(() => {
        this.draining = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves once nothing claimable is pending (for tests and benchmarks). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    for (;;) {
      const { rows } = await this.db.raw(
        `UPDATE order_workflow_starts SET claimed_until = now() + make_interval(secs => ?)
         WHERE order_id IN (
           SELECT order_id FROM order_workflow_starts
           WHERE started_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
           ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED)
         RETURNING order_id, input`,
        [this.opts.claimSeconds, this.opts.batch],
      );
      if (rows.length === 0) return;
      for (const until = Date.now() + this.opts.maxDeferMs; this.busy() && Date.now() < until; ) await sleep(50);
      const queue = [...rows] as { order_id: string; input: OrderWorkflowInput }[];
      const started: string[] = [];
      await Promise.all(
        Array.from({ length: Math.min(this.busy() ? this.opts.concurrency : this.opts.idleConcurrency, queue.length) }, async () => {
          for (let row = queue.shift(); row; row = queue.shift()) {
            try {
              await this.start(row.input);
              started.push(row.order_id);
            } catch (err) {
              this.onError(err); // stays claimed until claimed_until, then is tried again
            }
          }
        }),
      );
      if (started.length > 0) await this.db('order_workflow_starts').whereIn('order_id', started).update({ started_at: this.db.fn.now() });
      if (started.length < rows.length) return; // something failed: back off until the next sweep
    }
  }
}

/** The stored start of an order whose workflow has not been started yet (undefined otherwise). */
export async function pendingWorkflowInput(db: Db, orderId: string): Promise<OrderWorkflowInput | undefined> {
  const row = await db('order_workflow_starts').where({ order_id: orderId }).whereNull('started_at').first('input');
  return row?.input;
}
