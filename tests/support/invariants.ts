/**
 * The platform's invariants after a run under faults, checked against the database and
 * Temporal directly: shared by the fault test (tests/e2e/faults.test.ts) and the cluster
 * rehearsal (bench/cluster/). Each check returns violations as sentences naming the
 * order, SKU or account that broke, so a failure says what went wrong.
 */
import type { Client } from '@temporalio/client';
import { checkAccounting } from '../../platform/accounting/journal';
import type { Db } from '../../platform/db/knex';
import { FINAL_STATUSES } from '../../platform/domain/order-status';
import { reconcile, type Reconciliation } from '../../platform/ledger/reconcile';

/** Statuses an order may rest in while it waits for its buyer, warehouse or a timer. */
export const WAITING_STATUSES = ['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED'];

/** What a flow expected its order to end in (several when a fault may legitimately change the ending). */
export type ExpectedEndings = Map<string, { flow: string; statuses: string[] }>;

/** Orders whose workflow still has an activity or a workflow task in flight. */
export async function busyWorkflows(client: Client, rows: { order_id: string; workflow_id: string }[]): Promise<string[]> {
  const pending: string[] = [];
  for (const r of rows) {
    const d = await client.workflow.getHandle(r.workflow_id).describe();
    // Local activities show as a workflow task in flight, not as pending activities.
    if (d.status.name === 'RUNNING' && ((d.raw.pendingActivities?.length ?? 0) > 0 || d.raw.pendingWorkflowTask)) pending.push(r.order_id);
  }
  return pending;
}

/** afterSaleDays per `bizId/scenario`, from GET /v1/identities. */
export function afterSaleDaysOf(identities: { bizId: string; scenario: string; config: { afterSaleDays?: number } }[]): Map<string, number> {
  return new Map(identities.map((i) => [`${i.bizId}/${i.scenario}`, i.config.afterSaleDays ?? 0]));
}

/**
 * Every order is final or waiting; its workflow agrees with the database (status, and
 * running exactly while the order is not final, but for a completed order's after-sale
 * window); money paid, refunded and held stock match the status; the flow's expected ending.
 */
export async function checkOrders(db: Db, client: Client, rows: any[], opts: { afterSaleDays: Map<string, number>; expected?: ExpectedEndings }): Promise<string[]> {
  const violations: string[] = [];
  const violation = (msg: string) => violations.push(msg);
  const afterSaleWindowOpen = async (orderId: string, bizId: string, scenario: string) => {
    const completed = await db('order_status_log').where({ order_id: orderId, field: 'status', to_value: 'COMPLETED' }).first('at');
    const days = opts.afterSaleDays.get(`${bizId}/${scenario}`) ?? 0;
    return Boolean(completed) && days > 0 && new Date(completed.at).getTime() + days * 86_400_000 > Date.now();
  };
  for (const r of rows) {
    if (!FINAL_STATUSES.includes(r.status) && !WAITING_STATUSES.includes(r.status)) violation(`order ${r.order_id} stuck in ${r.status}`);
    if (r.status === 'VOIDED') {
      const held = await db('inventory_reservations').where({ order_id: r.order_id, status: 'HELD' }).count({ n: '*' });
      if (Number(held[0].n) > 0) violation(`voided order ${r.order_id} still holds stock`);
      continue;
    }
    const handle = client.workflow.getHandle(r.workflow_id);
    const d = await handle.describe();
    const wfStatus = d.status.name === 'COMPLETED' ? await handle.result() : await handle.query<string>('status');
    if (wfStatus !== r.status) violation(`order ${r.order_id}: workflow says ${wfStatus}, database ${r.status}`);
    // A completed order's workflow keeps running through its after-sale window, then ends.
    const inAfterSaleWindow = r.status === 'COMPLETED' && d.status.name === 'RUNNING' && (await afterSaleWindowOpen(r.order_id, r.biz_id, r.scenario));
    if (!inAfterSaleWindow && FINAL_STATUSES.includes(r.status) !== (d.status.name === 'COMPLETED')) violation(`order ${r.order_id}: ${r.status} but workflow ${d.status.name}`);
    // Refunded and completed at once is impossible; a cancelled paid order gave everything back.
    if (r.status === 'COMPLETED' && r.payment_status === 'REFUNDED') violation(`order ${r.order_id} is both completed and fully refunded`);
    if (r.status === 'CANCELLED' && Number(r.refunded_amount) !== Number(r.paid_amount)) violation(`order ${r.order_id} cancelled with ${r.paid_amount} paid but ${r.refunded_amount} refunded`);
    if (['CLOSED', 'PENDING_PAYMENT'].includes(r.status) && Number(r.paid_amount) !== 0) violation(`order ${r.order_id} ${r.status} with money paid`);
    const exp = opts.expected?.get(r.order_id);
    if (exp && !exp.statuses.includes(r.status)) violation(`order ${r.order_id} (${exp.flow}) ended ${r.status}, expected ${exp.statuses.join('/')}`);
    // No hold outlives its order's chance to be paid (flash-sale units are held by the campaign, checked there).
    if (r.scenario !== 'flash-sale') {
      const held = await db('inventory_reservations').where({ order_id: r.order_id, status: 'HELD' }).count({ n: '*' });
      if ((r.status === 'PENDING_PAYMENT') !== Number(held[0].n) > 0) violation(`order ${r.order_id} ${r.status} with ${held[0].n} held reservation(s)`);
    }
  }
  return violations;
}

/** Money: every balance equals its ledger, money is conserved since `before`, nobody's money is left frozen, the accounting journal equals the ledger. */
export async function checkMoney(db: Db, before: Reconciliation, userIds: string[]): Promise<string[]> {
  const violations: string[] = [];
  const books = await reconcile(db);
  if (!books.ok) violations.push(`books do not reconcile: ${JSON.stringify({ drifting: books.drifting, unbalanced: books.unbalancedTxns, sequences: books.brokenSequences })}`);
  if (books.totalMoney - books.openingMoney !== before.totalMoney - before.openingMoney) violations.push(`money not conserved: ${books.totalMoney - books.openingMoney}`);
  const frozen = await db('accounts').whereIn('account_id', userIds).sum({ f: 'frozen' });
  if (Number(frozen[0].f) !== 0) violations.push(`buyers have ${frozen[0].f} frozen`);
  const accounting = await checkAccounting(db);
  if (!accounting.ok) violations.push(`accounting journal differs from the ledger: ${JSON.stringify(accounting.lines.filter((l) => !l.ok))}`);
  return violations;
}

/** stock + sold per SKU, to compare after the run. */
export async function stockTotals(db: Db, skuIds: string[]): Promise<Map<string, number>> {
  const rows = await db('skus').whereIn('sku_id', skuIds).select('sku_id', 'stock', 'sold');
  return new Map(rows.map((r: any) => [r.sku_id, Number(r.stock) + Number(r.sold)]));
}

/**
 * Stock is conserved per SKU (stock + sold unchanged) and its reserved units are what unpaid
 * orders hold, plus what an unsettled flash-sale campaign on it still holds back for its buyers.
 */
export async function checkStock(db: Db, totals: Map<string, number>): Promise<string[]> {
  const violations: string[] = [];
  for (const [skuId, total] of totals) {
    const row = await db('skus').where({ sku_id: skuId }).first();
    if (row.stock + row.sold !== total) violations.push(`SKU ${skuId}: stock ${row.stock} + sold ${row.sold} ≠ ${total}`);
    const held = await db('inventory_reservations').where({ sku_id: skuId, status: 'HELD' }).sum({ q: 'quantity' });
    const campaigns = await db('flash_sale_campaigns as c')
      .join('flash_sale_stock as s', 's.campaign_id', 'c.campaign_id')
      .where('c.sku_id', skuId)
      .whereNull('c.settled_at')
      .sum({ unsold: db.raw('s.stock - s.sold') });
    const expected = Number(held[0].q ?? 0) + Number(campaigns[0].unsold ?? 0);
    if (row.reserved !== expected) violations.push(`SKU ${skuId}: reserved ${row.reserved} ≠ held ${held[0].q ?? 0} + unsold campaign units ${campaigns[0].unsold ?? 0}`);
  }
  return violations;
}

/** A campaign's reserved units are exactly its unpaid winners' and each winner's order agrees with its reservation. */
export async function checkCampaign(db: Db, campaignId: string): Promise<string[]> {
  const violations: string[] = [];
  const [sums] = await db('flash_sale_stock').where({ campaign_id: campaignId }).select(db.raw('coalesce(sum(stock),0)::int as stock, coalesce(sum(reserved),0)::int as reserved, coalesce(sum(sold),0)::int as sold'));
  const byStatus = await db('flash_sale_reservations').where({ campaign_id: campaignId }).groupBy('status').select('status', db.raw('sum(quantity)::int as q'));
  const units = Object.fromEntries(byStatus.map((r: any) => [r.status, Number(r.q)]));
  if (sums.reserved !== (units.HELD ?? 0)) violations.push(`campaign ${campaignId}: reserved ${sums.reserved} ≠ held reservations ${units.HELD ?? 0}`);
  if (sums.sold !== (units.SOLD ?? 0)) violations.push(`campaign ${campaignId}: sold ${sums.sold} ≠ sold reservations ${units.SOLD ?? 0}`);
  const mismatched = await db('flash_sale_reservations as r')
    .join('orders as o', 'o.order_id', 'r.order_id')
    .where('r.campaign_id', campaignId)
    .where((q) => q.where((a) => a.where('r.status', 'HELD').whereNot('o.status', 'PENDING_PAYMENT')).orWhere((a) => a.whereNot('r.status', 'HELD').where('o.status', 'PENDING_PAYMENT')))
    .select('r.order_id', 'r.status as reservation', 'o.status as order');
  for (const m of mismatched) violations.push(`flash-sale order ${m.order_id} is ${m.order} but its reservation is ${m.reservation}`);
  return violations;
}

/** A coupon's locked and used counts equal its usages. */
export async function checkCoupon(db: Db, code: string): Promise<string[]> {
  const c = await db('coupons').where({ code }).first();
  const usages = await db('coupon_usages').where({ code }).select('status');
  const locked = usages.filter((u: any) => u.status === 'LOCKED').length;
  const used = usages.filter((u: any) => u.status === 'USED').length;
  return c.locked !== locked || c.used !== used ? [`coupon ${code}: locked ${c.locked}, used ${c.used} vs usages ${JSON.stringify(usages)}`] : [];
}
