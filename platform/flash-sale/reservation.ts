import type { Db } from '../db/knex';
import type { SoldOutFlag } from './admission';
import { answerRefusals } from './answers';
import type { Campaign } from './campaigns';
import { GroupCommit } from './group-commit';
import { reserveBatch, soldOut, type Attempt, type AttemptResult, type OrderTemplate } from './reserve';
import { retryOnConflict } from './retry-on-conflict';

export interface ReservationOptions {
  /** Attempts per group-commit transaction. */
  maxBatch: number;
  /** Concurrent transactions per campaign when the stock is split into buckets. */
  maxInFlight: number;
}

const SOLD_OUT = soldOut();

/**
 * The durable layer of one campaign: attempts go to PostgreSQL by group commit (or, for
 * 'buckets', a transaction per attempt on one of the rows). A first pass takes one
 * bucket that has units; what it could not serve goes again with every bucket locked,
 * so "sold out" is certain, and then sets the campaign's sold-out flag.
 */
export class CampaignReservation {
  private readonly commit: GroupCommit<Attempt, AttemptResult>;

  constructor(
    private readonly db: Db,
    /** The campaign's current copy (the cache refreshes it) and its order template. */
    private readonly current: () => { campaign: Campaign; template: OrderTemplate },
    private readonly soldOutFlag: SoldOutFlag,
    /** Called after winners were written, to start their workflows soon. */
    private readonly onWinners: () => void,
    opts: ReservationOptions,
    private readonly now: () => number = Date.now,
  ) {
    const c = current().campaign;
    const batched = c.stockMode === 'group-commit';
    this.commit = new GroupCommit<Attempt, AttemptResult>((items) => this.runBatch(items), {
      maxBatch: batched ? opts.maxBatch : 1,
      maxInFlight: c.buckets === 1 ? (batched ? 1 : opts.maxInFlight) : Math.min(c.buckets, opts.maxInFlight),
      groupOf: (a) => a.userId,
    });
  }

  reserve(a: Attempt): Promise<AttemptResult> {
    return this.commit.submit(a);
  }

  private async runBatch(items: Attempt[]): Promise<AttemptResult[]> {
    const { campaign: c, template } = this.current();
    // Attempts that queued while the previous batch found the campaign sold out are
    // refused like those arriving after it (the sold-out flag, checked again at dequeue time).
    if (this.soldOutFlag.isSet(this.now())) return answerRefusals(this.db, c.campaignId, items.map((attempt) => ({ attempt, error: SOLD_OUT })));
    const first = await retryOnConflict(() => reserveBatch(this.db, c, template, items, false));
    const results = [...first.results];
    let soldOutNow = first.soldOut;
    const retry = results.flatMap((r, i) => (r.kind === 'retry' ? [i] : []));
    if (retry.length > 0) {
      const second = await retryOnConflict(() => reserveBatch(this.db, c, template, retry.map((i) => items[i]), true));
      retry.forEach((i, k) => (results[i] = second.results[k]));
      soldOutNow = second.soldOut;
    }
    if (soldOutNow) this.soldOutFlag.set(this.now());
    if (results.some((r) => r.kind === 'won' && !r.replay)) this.onWinners();
    return results;
  }
}
