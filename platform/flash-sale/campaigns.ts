import type { Db, Tx } from '../db/knex';
import type { BizIdentity } from '../domain/identity';
import { phaseAt, splitStock } from '../domain/flash-sale';
import { AppError, businessRule, invalidState } from '../errors/app-error';

/**
 * Campaigns and their stock accounting.
 *
 * A campaign's units come out of its SKU's sellable stock when the campaign is created:
 * they are counted in `skus.reserved` (held, as units of unpaid orders are), so regular
 * orders cannot sell them and the SKU's `stock + sold` does not move. Inside the campaign
 * they live in `flash_sale_stock` buckets as stock / reserved (winners not yet paid) /
 * sold. A paid winner's units leave the hold as sold units of the SKU; an unpaid
 * winner's units go back to the campaign; once the campaign has ended, whatever it did
 * not sell goes back to the SKU's shelf (settlement), and units released after that go
 * straight to the shelf too.
 */
export type StockMode = 'group-commit' | 'buckets';

export interface Campaign {
  campaignId: string;
  skuId: string;
  identity: BizIdentity;
  stock: number;
  perUserLimit: number;
  startsAt: number;
  endsAt: number;
  payWindowSeconds: number;
  stockMode: StockMode;
  buckets: number;
  userRequestsPerSecond: number;
  campaignRequestsPerSecond: number;
  settled: boolean;
}

export interface CampaignInput {
  campaignId: string;
  skuId: string;
  stock: number;
  perUserLimit: number;
  startsAt: string;
  endsAt: string;
  payWindowSeconds: number;
  stockMode: StockMode;
  buckets: number;
  userRequestsPerSecond: number;
  campaignRequestsPerSecond: number;
}

export function toCampaign(row: any): Campaign {
  return {
    campaignId: row.campaign_id,
    skuId: row.sku_id,
    identity: { bizId: row.biz_id, scenario: row.scenario },
    stock: row.stock,
    perUserLimit: row.per_user_limit,
    startsAt: new Date(row.starts_at).getTime(),
    endsAt: new Date(row.ends_at).getTime(),
    payWindowSeconds: row.pay_window_seconds,
    stockMode: row.stock_mode,
    buckets: row.buckets,
    userRequestsPerSecond: row.user_requests_per_second,
    campaignRequestsPerSecond: row.campaign_requests_per_second,
    settled: Boolean(row.settled_at),
  };
}

export async function loadCampaign(db: Db | Tx, campaignId: string): Promise<Campaign | undefined> {
  const row = await db('flash_sale_campaigns').where({ campaign_id: campaignId }).first();
  return row ? toCampaign(row) : undefined;
}

/** What GET /v1/flash-sales/{campaignId} shows. */
export async function campaignView(db: Db | Tx, campaignId: string, now = Date.now()) {
  const row = await db('flash_sale_campaigns').where({ campaign_id: campaignId }).first();
  if (!row) return undefined;
  const [sums] = await db('flash_sale_stock')
    .where({ campaign_id: campaignId })
    .select(db.raw('coalesce(sum(stock), 0)::int as stock, coalesce(sum(reserved), 0)::int as reserved, coalesce(sum(sold), 0)::int as sold'));
  const c = toCampaign(row);
  return {
    campaignId: c.campaignId,
    skuId: c.skuId,
    bizId: c.identity.bizId,
    scenario: c.identity.scenario,
    // The allotment as created; units given back to the shelf when it ended are in returnedToShelf.
    stock: c.stock,
    reserved: sums.reserved,
    sold: sums.sold,
    remaining: sums.stock - sums.reserved - sums.sold,
    returnedToShelf: row.returned_to_shelf,
    perUserLimit: c.perUserLimit,
    payWindowSeconds: c.payWindowSeconds,
    startsAt: new Date(c.startsAt).toISOString(),
    endsAt: new Date(c.endsAt).toISOString(),
    status: phaseAt(c, now),
    stockMode: c.stockMode,
    buckets: c.buckets,
  };
}
export type CampaignView = NonNullable<Awaited<ReturnType<typeof campaignView>>>;

/**
 * Creates a campaign, holding its units on the SKU, or — before it starts — changes it
 * (the hold follows the new stock). A running or ended campaign only accepts the same
 * definition again (an idempotent retry).
 */
export async function upsertCampaign(trx: Tx, input: CampaignInput, identity: BizIdentity, now = Date.now()): Promise<'created' | 'updated' | 'unchanged'> {
  const startsAt = new Date(input.startsAt);
  const endsAt = new Date(input.endsAt);
  if (!(endsAt > startsAt)) throw new AppError(400, 'VALIDATION_FAILED', 'endsAt must be after startsAt', [{ field: 'endsAt', message: 'not after startsAt' }]);
  const row = {
    sku_id: input.skuId,
    biz_id: identity.bizId,
    scenario: identity.scenario,
    stock: input.stock,
    per_user_limit: input.perUserLimit,
    starts_at: startsAt,
    ends_at: endsAt,
    pay_window_seconds: input.payWindowSeconds,
    stock_mode: input.stockMode,
    buckets: input.buckets,
    user_requests_per_second: input.userRequestsPerSecond,
    campaign_requests_per_second: input.campaignRequestsPerSecond,
  };
  const existing = await trx('flash_sale_campaigns').where({ campaign_id: input.campaignId }).forUpdate().first();
  if (existing) {
    const same = Object.entries(row).every(([k, v]) => (v instanceof Date ? v.getTime() === new Date(existing[k]).getTime() : existing[k] === v));
    if (same) return 'unchanged';
    if (now >= new Date(existing.starts_at).getTime()) throw invalidState(`campaign ${input.campaignId} has started; it can no longer be changed`);
    if (existing.sku_id !== input.skuId) throw invalidState(`campaign ${input.campaignId} sells ${existing.sku_id}; its SKU cannot be changed`);
  }
  // Before a campaign starts nothing is reserved in it, so its buckets can be laid out afresh.
  await holdOnSku(trx, input.skuId, input.stock - (existing?.stock ?? 0));
  if (existing) {
    await trx('flash_sale_campaigns').where({ campaign_id: input.campaignId }).update({ ...row, updated_at: trx.fn.now() });
    await trx('flash_sale_stock').where({ campaign_id: input.campaignId }).delete();
  } else {
    await trx('flash_sale_campaigns').insert({ campaign_id: input.campaignId, ...row });
  }
  await trx('flash_sale_stock').insert(splitStock(input.stock, input.buckets).map((stock, bucket) => ({ campaign_id: input.campaignId, bucket, stock })));
  return existing ? 'updated' : 'created';
}

/** Moves `delta` units of the SKU into (positive) or out of (negative) the campaigns' hold. */
async function holdOnSku(trx: Tx, skuId: string, delta: number) {
  if (delta === 0) return;
  const updated = await trx('skus')
    .where('sku_id', skuId)
    .andWhereRaw('stock - reserved >= ?', [delta])
    .update({ reserved: trx.raw('reserved + ?', [delta]), updated_at: trx.fn.now() });
  if (updated === 0) {
    const sku = await trx('skus').where({ sku_id: skuId }).first('stock', 'reserved');
    if (!sku) throw businessRule('SKU_NOT_FOUND', `SKU ${skuId} does not exist`, [{ field: 'skuId', message: 'unknown SKU' }]);
    throw businessRule('INSUFFICIENT_STOCK', `only ${sku.stock - sku.reserved} unit(s) of ${skuId} can be put on sale`, [{ field: 'stock', message: 'more than the SKU has free' }]);
  }
}

/**
 * After the campaign has ended: gives its unsold, unheld units back to the SKU's shelf,
 * once. Units of unpaid orders that close later go to the shelf when they are released.
 */
export async function settleCampaign(db: Db, campaignId: string, now = Date.now()): Promise<string> {
  return db.transaction(async (trx) => {
    const row = await trx('flash_sale_campaigns').where({ campaign_id: campaignId }).forUpdate().first();
    if (!row) return 'no such campaign';
    if (row.settled_at) return `already settled: ${row.returned_to_shelf} unit(s) returned to the shelf`;
    if (now < new Date(row.ends_at).getTime()) throw new Error(`campaign ${campaignId} has not ended yet`);
    const buckets = await trx('flash_sale_stock').where({ campaign_id: campaignId }).orderBy('bucket').forUpdate();
    let free = 0;
    for (const b of buckets) {
      const units = b.stock - b.reserved - b.sold;
      if (units === 0) continue;
      free += units;
      await trx('flash_sale_stock').where({ campaign_id: campaignId, bucket: b.bucket }).update({ stock: b.stock - units });
    }
    await holdOnSku(trx, row.sku_id, -free);
    await trx('flash_sale_campaigns').where({ campaign_id: campaignId }).update({ settled_at: trx.fn.now(), returned_to_shelf: free, updated_at: trx.fn.now() });
    return `settled: ${free} unsold unit(s) returned to the shelf`;
  });
}

/** The campaign's end, for its settlement timer (undefined when it does not exist). */
export async function campaignEndsAt(db: Db, campaignId: string): Promise<number | undefined> {
  const row = await db('flash_sale_campaigns').where({ campaign_id: campaignId }).first('ends_at');
  return row ? new Date(row.ends_at).getTime() : undefined;
}
