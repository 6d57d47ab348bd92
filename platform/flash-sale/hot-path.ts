import type { Db } from '../db/knex';
import { phaseAt } from '../domain/flash-sale';
import { AppError, notFound } from '../errors/app-error';
import { CampaignRateLimits, LimitMemory, SoldOutFlag } from './admission';
import { answerRefusals, keyOf, resultOf, storedAnswers } from './answers';
import { AttemptKeys, type Won } from './attempt-keys';
import { CampaignCache, type CampaignEntry } from './campaign-cache';
import { loadCampaign, type Campaign } from './campaigns';
import { GroupCommit } from './group-commit';
import { LoadMeter } from './load-meter';
import { flashSaleAttempts } from '../metrics/instruments';
import { CampaignReservation } from './reservation';
import { limitExceeded, soldOut, type Attempt, type AttemptResult, type OrderTemplate } from './reserve';

export type { Won } from './attempt-keys';

/**
 * The flash-sale hot path of one server process. An attempt is filtered in layers,
 * cheapest first, and only what is left reaches PostgreSQL:
 *
 *   1. the campaign (campaign-cache.ts): unknown → 404; not started / ended → 409;
 *   2. rate limits per buyer and per campaign → 429. They are cluster-wide: each server
 *      enforces its share (1/N with N live servers, platform/cluster/presence.ts) in
 *      local token buckets, without asking anyone per request (admission.ts);
 *   3. a local sold-out flag → 409 SOLD_OUT (admission.ts);
 *   4. the per-user limit: over the limit outright, or a buyer this process recently saw
 *      at the limit → 422 LIMIT_EXCEEDED (admission.ts);
 *   5. the durable reservation (reservation.ts, reserve.ts) by group commit.
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

/** What the flash-sale route needs from whatever takes its attempts. */
export interface FlashSaleAttempts {
  attempt(campaignId: string, caller: Caller, a: Attempt): Promise<Won>;
  /** Whether a burst of attempts is being served now (background work such as workflow starts may wait). */
  busy(): boolean;
}

// The layers' refusals are built once and thrown again and again: most buyers of a
// flash sale are refused, and capturing a stack trace for each would be most of the cost.
export const NOT_STARTED = new AppError(409, 'NOT_STARTED', 'the flash sale has not started yet');
export const ENDED = new AppError(409, 'ENDED', 'the flash sale has ended');
const RATE_LIMITED = new AppError(429, 'RATE_LIMITED', 'too many attempts; try again in a moment');
const SOLD_OUT = soldOut();

/** Which layer answered an attempt, and whether a win was an earlier answer given again. */
interface Verdict {
  layer: 'replay' | 'campaign' | 'rate_limit' | 'sold_out_flag' | 'limit_memory' | 'database';
  replay: boolean;
}

/** One campaign's layers in this process. */
class CampaignLayers implements CampaignEntry {
  template: OrderTemplate;
  limitExceeded: AppError;
  readonly rateLimits = new CampaignRateLimits();
  readonly soldOut: SoldOutFlag;
  readonly atLimit: LimitMemory;
  readonly keys = new AttemptKeys();
  /** Keeps the in-memory layers' refusals under their keys, batched (one per key a batch). */
  readonly refusals: GroupCommit<{ attempt: Attempt; error: AppError }, AttemptResult>;
  reservation: CampaignReservation;

  constructor(
    public campaign: Campaign,
    private readonly wiring: { db: Db; templateOf: (c: Campaign) => OrderTemplate; onWinners: () => void; opts: HotPathOptions; now: () => number },
  ) {
    this.template = wiring.templateOf(campaign);
    this.limitExceeded = limitExceeded(campaign.perUserLimit);
    this.soldOut = new SoldOutFlag(wiring.opts.soldOutRecheckMs);
    this.atLimit = new LimitMemory(wiring.opts.limitMemoryMs);
    this.refusals = new GroupCommit((items) => answerRefusals(wiring.db, campaign.campaignId, items), { maxBatch: 1_000, maxInFlight: 2, groupOf: (r) => keyOf(r.attempt) });
    this.reservation = this.newReservation();
  }

  update(c: Campaign): void {
    const layoutChanged = c.stockMode !== this.campaign.stockMode || c.buckets !== this.campaign.buckets;
    this.campaign = c;
    this.template = this.wiring.templateOf(c);
    this.limitExceeded = limitExceeded(c.perUserLimit);
    if (layoutChanged) this.reservation = this.newReservation();
  }

  idle(): boolean {
    return !this.keys.anyInFlight();
  }

  private newReservation() {
    const { db, onWinners, opts, now } = this.wiring;
    return new CampaignReservation(db, () => this, this.soldOut, onWinners, opts, now);
  }
}

export class FlashSaleHotPath implements FlashSaleAttempts {
  private readonly campaigns: CampaignCache<CampaignLayers>;
  private readonly load: LoadMeter;

  constructor(
    private readonly db: Db,
    templateOf: (c: Campaign) => OrderTemplate,
    /** Called after winners were written, to start their workflows soon. */
    onWinners: () => void,
    /** This server's share of the campaigns' rate limits (1 when it runs alone). */
    private readonly share: () => number = () => 1,
    opts: HotPathOptions = DEFAULT_HOT_PATH_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {
    const wiring = { db, templateOf, onWinners, opts, now };
    this.campaigns = new CampaignCache((id) => loadCampaign(db, id), (c) => new CampaignLayers(c, wiring), opts.campaignRefreshMs, now);
    this.load = new LoadMeter(opts.burstPerSecond, now);
  }

  busy(): boolean {
    return this.load.busy();
  }

  async attempt(campaignId: string, caller: Caller, a: Attempt): Promise<Won> {
    this.load.count();
    const st = await this.campaigns.get(campaignId);
    if (!st || (caller.bizIds !== 'all' && !caller.bizIds.includes(st.campaign.identity.bizId))) throw notFound(`flash sale ${campaignId}`);
    const verdict: Verdict = { layer: 'database', replay: false };
    const biz_id = st.campaign.identity.bizId;
    try {
      const won = await this.decide(st, a, verdict);
      flashSaleAttempts.inc({ biz_id, layer: verdict.layer, result: verdict.replay ? 'replayed' : 'admitted' });
      return won;
    } catch (err) {
      flashSaleAttempts.inc({ biz_id, layer: verdict.layer, result: err instanceof AppError ? err.code : 'error' });
      throw err;
    }
  }

  /** Runs the layers in turn; `verdict` says which one answered (for the attempts counter). */
  private async decide(st: CampaignLayers, a: Attempt, verdict: Verdict): Promise<Won> {
    const c = st.campaign;
    const key = keyOf(a);
    verdict.layer = 'replay';
    const known = st.keys.replayWin(key, a);
    if (known) return (verdict.replay = true), known;

    const now = this.now();
    const phase = phaseAt(c, now);
    verdict.layer = 'campaign';
    if (phase === 'SCHEDULED') throw NOT_STARTED;
    if (phase === 'ENDED') return this.afterEnd(st, a, verdict);

    verdict.layer = 'rate_limit';
    if (!st.rateLimits.allow(c, this.share(), a.userId, now)) throw RATE_LIMITED;
    verdict.layer = 'sold_out_flag';
    if (st.soldOut.isSet(now)) return this.finish(st, a, await st.refusals.submit({ attempt: a, error: SOLD_OUT }), verdict);
    verdict.layer = 'limit_memory';
    if (a.quantity > c.perUserLimit || st.atLimit.isAtLimit(a.userId, now)) {
      return this.finish(st, a, await st.refusals.submit({ attempt: a, error: st.limitExceeded }), verdict, false);
    }
    verdict.layer = 'database';
    return this.finish(st, a, await st.keys.once(key, a, () => st.reservation.reserve(a)), verdict);
  }

  /** After the end only a key's first answer can still be given (a buyer's retry); anything else is ENDED. */
  private async afterEnd(st: CampaignLayers, a: Attempt, verdict: Verdict): Promise<Won> {
    const stored = (await storedAnswers(this.db, st.campaign.campaignId, [a])).get(keyOf(a));
    if (!stored) throw ENDED;
    verdict.layer = 'replay';
    return this.finish(st, a, resultOf(stored, a), verdict);
  }

  /** Answers an attempt's result; `fromDatabase`: a LIMIT_EXCEEDED then means the buyer is at his limit (layer 4 remembers him). */
  private finish(st: CampaignLayers, a: Attempt, result: AttemptResult, verdict: Verdict, fromDatabase = true): Won {
    if (result.kind === 'won') {
      verdict.replay = result.replay;
      return st.keys.rememberWin(keyOf(a), a, result.response, result.orderId);
    }
    if (result.kind === 'refused') {
      if (result.error.code === 'LIMIT_EXCEEDED' && fromDatabase) st.atLimit.remember(a.userId, this.now());
      throw result.error;
    }
    throw new Error('an attempt was left undecided'); // reserveBatch with every bucket locked decides all
  }
}
