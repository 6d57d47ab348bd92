import type { Db } from '../db/knex';
import { phaseAt, RateLimiter, TokenBucket } from '../domain/flash-sale';
import { AppError, notFound } from '../errors/app-error';
import { loadCampaign, type Campaign } from './campaigns';
import { answerRefusals, keyOf, keyReused, resultOf, storedAnswers } from './answers';
import { GroupCommit } from './group-commit';
import { limitExceeded, reserveBatch, reserveNaive, soldOut, type Attempt, type AttemptResult, type OrderTemplate } from './reserve';

/**
 * The flash-sale hot path of one server process. An attempt is filtered in layers,
 * cheapest first, and only what is left reaches PostgreSQL:
 *
 *   1. the campaign (cached in memory): unknown → 404; not started / ended → 409;
 *   2. rate limits per buyer and per campaign → 429. They are cluster-wide: each server
 *      enforces its share (1/N with N live servers, platform/cluster/presence.ts) in
 *      local token buckets, without asking anyone per request;
 *   3. a local sold-out flag, set when a batch saw no unit left with every stock row
 *      locked → 409 SOLD_OUT. It expires after `soldOutRecheckMs` so units coming back
 *      (unpaid orders) are sold again, by whichever server looks first;
 *   4. the per-user limit: over the limit outright, or a buyer this process recently saw
 *      at the limit → 422 LIMIT_EXCEEDED;
 *   5. the durable reservation (reserve.ts), by group commit or per request.
 *
 * Every layer only ever refuses; the database decides every win, so several server
 * processes on one database sell exactly the stock. Each key's first answer is kept
 * (answers.ts): the same key gets the same 201 body, or the same SOLD_OUT or
 * LIMIT_EXCEEDED, from any server. Layers 3 and 4 keep theirs through a batched insert
 * (one statement for everything refused meanwhile), so a refusal costs no transaction
 * on the stock rows. A 429 or NOT_STARTED answered no request and is not kept: the buyer
 * retries with the same key.
 */
export interface HotPathOptions {
  soldOutRecheckMs: number;
  /** How long a buyer seen at the limit is refused locally before the database is asked again. */
  limitMemoryMs: number;
  campaignRefreshMs: number;
  maxBatch: number;
  /** Concurrent transactions per campaign when the stock is split into buckets. */
  maxInFlight: number;
  /** Attempts per second (over the last quarter second) above which this server is serving a burst. */
  burstPerSecond: number;
}

export const DEFAULT_HOT_PATH_OPTIONS: HotPathOptions = {
  soldOutRecheckMs: 1_000,
  limitMemoryMs: 2_000,
  campaignRefreshMs: 1_000,
  maxBatch: 500,
  maxInFlight: 4,
  burstPerSecond: 200,
};

export interface Caller {
  /** The business lines the caller's key serves, or 'all' for an operator. */
  bizIds: readonly string[] | 'all';
}

export interface Won {
  status: 201;
  body: unknown;
  orderId: string;
}

interface CampaignState {
  campaign: Campaign;
  template: OrderTemplate;
  checkedAt: number;
  refreshing?: Promise<void>;
  users: RateLimiter;
  total: TokenBucket;
  /** What the two limiters were built for: rebuilt when a rate or this server's share changes. */
  limitsOf: string;
  soldOutUntil: number;
  /** Keys that won on this process: a retry is answered without a query. */
  winners: Map<string, { hash: string; response: unknown; orderId: string }>;
  /** Keeps the in-memory layers' refusals under their keys, batched (one per key a batch). */
  refusals: GroupCommit<{ attempt: Attempt; error: AppError }, AttemptResult>;
  atLimitUntil: Map<string, number>;
  limitExceeded: AppError;
  inFlight: Map<string, { hash: string; promise: Promise<AttemptResult> }>;
  reserve: (attempt: Attempt) => Promise<AttemptResult>;
}

// The layers' refusals are built once and thrown again and again: most buyers of a
// flash sale are refused, and capturing a stack trace for each would be most of the cost.
const NOT_STARTED = new AppError(409, 'NOT_STARTED', 'the flash sale has not started yet');
const ENDED = new AppError(409, 'ENDED', 'the flash sale has ended');
const RATE_LIMITED = new AppError(429, 'RATE_LIMITED', 'too many attempts; try again in a moment');
const SOLD_OUT = soldOut();

export class FlashSaleHotPath {
  private readonly states = new Map<string, CampaignState>();
  private readonly loading = new Map<string, Promise<CampaignState | undefined>>();
  private lastSweep = Date.now();
  /** Attempts in the current and the previous quarter second (busy()). */
  private load = { window: 0, current: 0, previous: 0 };

  constructor(
    private readonly db: Db,
    private readonly templateOf: (c: Campaign) => OrderTemplate,
    /** Called after winners were written, to start their workflows soon. */
    private readonly onWinners: () => void,
    /** This server's share of the campaigns' rate limits (1 when it runs alone). */
    private readonly share: () => number = () => 1,
    private readonly opts: HotPathOptions = DEFAULT_HOT_PATH_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether a burst of attempts is being served now (background work such as workflow starts may wait). */
  busy(): boolean {
    this.countAttempt(0);
    return (this.load.current + this.load.previous) * 2 > this.opts.burstPerSecond;
  }

  private countAttempt(n: number) {
    const window = Math.floor(this.now() / 250);
    if (window !== this.load.window) this.load = { window, current: 0, previous: window === this.load.window + 1 ? this.load.current : 0 };
    this.load.current += n;
  }

  async attempt(campaignId: string, caller: Caller, a: Attempt): Promise<Won> {
    this.countAttempt(1);
    const st = await this.state(campaignId);
    if (!st || (caller.bizIds !== 'all' && !caller.bizIds.includes(st.campaign.identity.bizId))) throw notFound(`flash sale ${campaignId}`);
    const c = st.campaign;
    const key = keyOf(a);
    const known = st.winners.get(key);
    if (known) return replay(known, a);

    const now = this.now();
    const phase = phaseAt(c, now);
    if (phase === 'SCHEDULED') throw NOT_STARTED;
    if (phase === 'ENDED') return this.afterEnd(st, a);
    if (c.stockMode === 'naive') return this.finish(st, a, await this.once(st, key, a, () => retried(() => reserveNaive(this.db, c, st.template, a))));

    this.fitLimits(st, now);
    if (!st.users.allow(a.userId, now) || !st.total.take(now)) throw RATE_LIMITED;
    if (now < st.soldOutUntil) return this.finish(st, a, await st.refusals.submit({ attempt: a, error: SOLD_OUT }));
    if (a.quantity > c.perUserLimit || (st.atLimitUntil.get(a.userId) ?? 0) > now) {
      return this.finish(st, a, await st.refusals.submit({ attempt: a, error: st.limitExceeded }), false);
    }
    return this.finish(st, a, await this.once(st, key, a, () => st.reserve(a)));
  }

  /** After the end only a key's first answer can still be given (a buyer's retry); anything else is ENDED. */
  private async afterEnd(st: CampaignState, a: Attempt): Promise<Won> {
    const stored = (await storedAnswers(this.db, st.campaign.campaignId, [a])).get(keyOf(a));
    if (!stored) throw ENDED;
    return this.finish(st, a, resultOf(stored, a));
  }

  /** Concurrent requests with one key share one attempt (a different body is refused). */
  private once(st: CampaignState, key: string, a: Attempt, run: () => Promise<AttemptResult>): Promise<AttemptResult> {
    const running = st.inFlight.get(key);
    if (running) {
      if (running.hash !== a.requestHash) throw keyReused();
      return running.promise;
    }
    const promise = run().finally(() => st.inFlight.delete(key));
    st.inFlight.set(key, { hash: a.requestHash, promise });
    return promise;
  }

  /** Answers an attempt's result; `fromDatabase`: a LIMIT_EXCEEDED then means the buyer is at his limit (layer 4 remembers him). */
  private finish(st: CampaignState, a: Attempt, result: AttemptResult, fromDatabase = true): Won {
    if (result.kind === 'won') {
      const won = { hash: a.requestHash, response: result.response, orderId: result.orderId };
      st.winners.set(keyOf(a), won);
      return replay(won, a);
    }
    if (result.kind === 'refused') {
      if (result.error.code === 'LIMIT_EXCEEDED' && fromDatabase) {
        const now = this.now();
        if (st.atLimitUntil.size >= 10_000) for (const [user, until] of st.atLimitUntil) if (until <= now) st.atLimitUntil.delete(user);
        st.atLimitUntil.set(a.userId, now + this.opts.limitMemoryMs);
      }
      throw result.error;
    }
    throw new Error('an attempt was left undecided'); // reserveBatch with every bucket locked decides all
  }

  private async state(campaignId: string): Promise<CampaignState | undefined> {
    const now = this.now();
    if (now - this.lastSweep > 60_000) this.sweep(now);
    const st = this.states.get(campaignId);
    if (st) {
      if (now - st.checkedAt > this.opts.campaignRefreshMs && !st.refreshing) {
        st.refreshing = this.refresh(st).finally(() => (st.refreshing = undefined));
      }
      return st;
    }
    let loading = this.loading.get(campaignId);
    if (!loading) {
      loading = loadCampaign(this.db, campaignId)
        .then((c) => {
          if (!c) return undefined;
          const created = this.newState(c);
          this.states.set(campaignId, created);
          return created;
        })
        .finally(() => setTimeout(() => this.loading.delete(campaignId), 200)); // unknown ids: at most 5 lookups a second
      this.loading.set(campaignId, loading);
    }
    return loading;
  }

  private newState(c: Campaign): CampaignState {
    const now = this.now();
    const st: CampaignState = {
      campaign: c,
      template: this.templateOf(c),
      checkedAt: now,
      users: new RateLimiter(1),
      total: new TokenBucket(1, 1, now),
      limitsOf: '',
      soldOutUntil: 0,
      winners: new Map(),
      refusals: new GroupCommit((items) => answerRefusals(this.db, c.campaignId, items), { maxBatch: 1_000, maxInFlight: 2, groupOf: (r) => keyOf(r.attempt) }),
      atLimitUntil: new Map(),
      limitExceeded: limitExceeded(c.perUserLimit),
      inFlight: new Map(),
      reserve: () => Promise.reject(new Error('not wired')),
    };
    st.reserve = this.reserverFor(st);
    this.fitLimits(st, now);
    return st;
  }

  /** The campaign's rates times this server's share; a new share starts from full buckets. */
  private fitLimits(st: CampaignState, now: number) {
    const c = st.campaign;
    const share = this.share();
    const limitsOf = `${c.userRequestsPerSecond}/${c.campaignRequestsPerSecond}/${share}`;
    if (limitsOf === st.limitsOf) return;
    const perUser = c.userRequestsPerSecond * share;
    const perCampaign = c.campaignRequestsPerSecond * share;
    st.users = new RateLimiter(perUser, Math.max(1, perUser));
    st.total = new TokenBucket(perCampaign, Math.max(1, perCampaign), now);
    st.limitsOf = limitsOf;
  }

  /** Group commit over the stock rows (or, for 'buckets', a transaction per attempt on one of them). */
  private reserverFor(st: CampaignState): (a: Attempt) => Promise<AttemptResult> {
    const c = st.campaign;
    const batched = c.stockMode === 'group-commit';
    const commit = new GroupCommit<Attempt, AttemptResult>((items) => this.runBatch(st, items), {
      maxBatch: batched ? this.opts.maxBatch : 1,
      maxInFlight: c.buckets === 1 ? (batched ? 1 : this.opts.maxInFlight) : Math.min(c.buckets, this.opts.maxInFlight),
      groupOf: (a) => a.userId,
    });
    return (a) => commit.submit(a);
  }

  private async runBatch(st: CampaignState, items: Attempt[]): Promise<AttemptResult[]> {
    const c = st.campaign;
    // Attempts that queued while an earlier batch found the campaign sold out are
    // refused like those arriving after it (layer 3, checked again at dequeue time).
    if (this.now() < st.soldOutUntil) return answerRefusals(this.db, c.campaignId, items.map((attempt) => ({ attempt, error: SOLD_OUT })));
    const first = await retried(() => reserveBatch(this.db, c, st.template, items, false));
    const results = [...first.results];
    let soldOutNow = first.soldOut;
    const retry = results.flatMap((r, i) => (r.kind === 'retry' ? [i] : []));
    if (retry.length > 0) {
      const second = await retried(() => reserveBatch(this.db, c, st.template, retry.map((i) => items[i]), true));
      retry.forEach((i, k) => (results[i] = second.results[k]));
      soldOutNow = second.soldOut;
    }
    if (soldOutNow) this.armSoldOut(st);
    if (results.some((r) => r.kind === 'won' && !r.replay)) this.onWinners();
    return results;
  }

  private armSoldOut(st: CampaignState) {
    st.soldOutUntil = this.now() + this.opts.soldOutRecheckMs;
  }

  private async refresh(st: CampaignState) {
    const c = await loadCampaign(this.db, st.campaign.campaignId).catch(() => undefined);
    st.checkedAt = this.now();
    if (!c) return;
    const layoutChanged = c.stockMode !== st.campaign.stockMode || c.buckets !== st.campaign.buckets;
    st.campaign = c;
    st.template = this.templateOf(c);
    st.limitExceeded = limitExceeded(c.perUserLimit);
    if (layoutChanged) st.reserve = this.reserverFor(st);
  }

  /** Forgets campaigns that ended more than ten minutes ago (memory stays bounded). */
  private sweep(now: number) {
    this.lastSweep = now;
    for (const [id, st] of this.states) if (now - st.campaign.endsAt > 600_000 && st.inFlight.size === 0) this.states.delete(id);
  }
}

function replay(won: { hash: string; response: unknown; orderId: string }, a: Attempt): Won {
  if (won.hash !== a.requestHash) throw keyReused();
  return { status: 201, body: won.response, orderId: won.orderId };
}

/**
 * Retries a batch that lost a race the database detected (the same Idempotency-Key won
 * on another server meanwhile, or a deadlock): run again, it sees the other's outcome.
 */
async function retried<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt >= 3 || !(code === '23505' || code === '40P01' || code === '40001')) throw err;
    }
  }
}
