import type { FlashSaleWiring } from '../../api/deps';
import { phaseAt } from '../../platform/domain/flash-sale';
import { notFound } from '../../platform/errors/app-error';
import { keyOf, resultOf, storedAnswers } from '../../platform/flash-sale/answers';
import { AttemptKeys, type Won } from '../../platform/flash-sale/attempt-keys';
import { CampaignCache } from '../../platform/flash-sale/campaign-cache';
import { loadCampaign, type Campaign } from '../../platform/flash-sale/campaigns';
import { DEFAULT_HOT_PATH_OPTIONS, ENDED, NOT_STARTED, type Caller, type FlashSaleAttempts } from '../../platform/flash-sale/hot-path';
import { LoadMeter } from '../../platform/flash-sale/load-meter';
import type { Attempt, AttemptResult, OrderTemplate } from '../../platform/flash-sale/reserve';
import { retryOnConflict } from '../../platform/flash-sale/retry-on-conflict';
import { reserveNaive } from './reserve-naive';

class NaiveEntry {
  readonly keys = new AttemptKeys();
  template: OrderTemplate;
  constructor(public campaign: Campaign, private readonly templateOf: (c: Campaign) => OrderTemplate) {
    this.template = templateOf(campaign);
  }
  update(c: Campaign) {
    this.campaign = c;
    this.template = this.templateOf(c);
  }
  idle() {
    return !this.keys.anyInFlight();
  }
}

/**
 * The baseline's attempt path: the same campaign cache, key memory and phase rules as
 * the product's hot path, but no local layers (rate limits, sold-out flag, limit memory)
 * and no batching — every attempt is its own transaction (reserve-naive.ts).
 */
export class NaiveFlashSale implements FlashSaleAttempts {
  private readonly campaigns: CampaignCache<NaiveEntry>;
  private readonly load = new LoadMeter(DEFAULT_HOT_PATH_OPTIONS.burstPerSecond);

  constructor(private readonly w: FlashSaleWiring) {
    this.campaigns = new CampaignCache((id) => loadCampaign(w.db, id), (c) => new NaiveEntry(c, w.templateOf), DEFAULT_HOT_PATH_OPTIONS.campaignRefreshMs);
  }

  busy(): boolean {
    return this.load.busy();
  }

  async attempt(campaignId: string, caller: Caller, a: Attempt): Promise<Won> {
    this.load.count();
    const st = await this.campaigns.get(campaignId);
    if (!st || (caller.bizIds !== 'all' && !caller.bizIds.includes(st.campaign.identity.bizId))) throw notFound(`flash sale ${campaignId}`);
    const c = st.campaign;
    const key = keyOf(a);
    const known = st.keys.replayWin(key, a);
    if (known) return known;
    const phase = phaseAt(c, Date.now());
    if (phase === 'SCHEDULED') throw NOT_STARTED;
    if (phase === 'ENDED') {
      const stored = (await storedAnswers(this.w.db, c.campaignId, [a])).get(key);
      if (!stored) throw ENDED;
      return finish(st, a, resultOf(stored, a));
    }
    // Winners' workflows are left to the start relay's sweep (no kick per winner).
    const template = st.template;
    return finish(st, a, await st.keys.once(key, a, () => retryOnConflict(() => reserveNaive(this.w.db, c, template, a))));
  }
}

function finish(st: NaiveEntry, a: Attempt, result: AttemptResult): Won {
  if (result.kind === 'won') return st.keys.rememberWin(keyOf(a), a, result.response, result.orderId);
  if (result.kind === 'refused') throw result.error;
  throw new Error('an attempt was left undecided');
}
