/**
 * The invariants a run of orders must leave behind, however its processes were killed or
 * restarted: every order final or waiting, its workflow agreeing with the database, money
 * conserved and the ledger reconciled, stock conserved per SKU, coupons counted, the
 * accounting journal equal to the ledger. The fault test, the rolling-restart test and
 * `npm run bench:recovery` all check these, after waiting for the platform to settle.
 */
import type { Client } from '@temporalio/client';
import { checkAccounting } from '../../platform/accounting/journal';
import type { Db } from '../../platform/db/knex';
import { FINAL_STATUSES } from '../../platform/domain/order-status';
import { reconcile } from '../../platform/ledger/reconcile';
import { within } from './polling';

/** What the invariants compare against: taken before the run. */
export interface Baseline {
  /** stock + sold per SKU of the run. */
  stock: Map<string, number>;
  books: Awaited<ReturnType<typeof reconcile>>;
}

/** What each order's flow expected it to end in (several statuses when a fault may legitimately change the ending). */
export type ExpectedEndings = Map<string, { flow: string; statuses: string[] }>;

export interface InvariantScope {
  /** The buyers of the run: their orders are checked, their frozen money must be 0. */
  users: string[];
  baseline: Baseline;
  coupons?: string[];
  /** Flash-sale campaigns of the run: their reserved and sold units equal their reservations'. */
  campaigns?: string[];
  /** Which statuses each order's flow may end in. */
  expected?: ExpectedEndings;
  /** Days of after-sale window per `bizId/scenario` (GET /v1/identities): a completed order's workflow runs on through it. */
  afterSaleDays: ReadonlyMap<string, number>;
}

export async function takeBaseline(db: Db, skus: string[]): Promise<Baseline> {
  const stock = new Map<string, number>();
  for (const s of skus) {
    const row = await db('skus').where({ sku_id: s }).first();
    stock.set(s, row.stock + row.sold);
  }
  return { stock, books: await reconcile(db) };
}

/**
 * Waits for the run to settle — short timers fired, every workflow waiting with nothing in
 * flight, the outbox drained — and returns what did not settle in time.
 */
export async function waitUntilSettled(db: Db, client: Client, users: string[], timeoutMs = 240_000): Promise<string[]> {
  const violations: string[] = [];
  const rows = (await db('orders').whereIn('user_id', users).select('order_id', 'workflow_id', 'status', 'scenario')).filter((r: any) => r.status !== 'VOIDED');
  // Orders of the test-quick scenario end by timers of a few seconds (payment window, automatic receipt).
  const quick = rows.filter((r: any) => r.scenario === 'quick').map((r: any) => r.order_id);
  const quickFinal = await within(
    () => db('orders').whereIn('order_id', quick).whereNotIn('status', FINAL_STATUSES as string[]).select('order_id', 'status'),
    (left) => left.length === 0,
    Math.min(timeoutMs, 120_000),
  );
  if (!quickFinal.ok) violations.push(`quick-scenario orders not final: ${JSON.stringify(quickFinal.last)}`);
  const busy = async () => {
    const pending: string[] = [];
    for (const r of rows) {
      const d = await client.workflow.getHandle(r.workflow_id).describe();
      // Local activities show as a workflow task in flight, not as pending activities.
      if (d.status.name === 'RUNNING' && ((d.raw.pendingActivities?.length ?? 0) > 0 || d.raw.pendingWorkflowTask)) pending.push(r.order_id);
    }
    return pending;
  };
  const idle = await within(busy, (p) => p.length === 0, timeoutMs);
  if (!idle.ok) violations.push(`workflows still busy: ${JSON.stringify(idle.last)}`);
  const drained = await within(async () => Number((await db('outbox').whereNull('published_at').count({ n: '*' }))[0].n), (n) => n === 0, Math.min(timeoutMs, 120_000));
  if (!drained.ok) violations.push(`the outbox did not drain (${drained.last} unpublished)`);
  return violations;
}

/** Checks the invariants over the run's orders; returns the orders and every disagreement found. */
export async function checkOrderInvariants(db: Db, client: Client, scope: InvariantScope): Promise<{ orders: any[]; violations: string[] }> {
  const violations: string[] = [];
  const violation = (msg: string) => violations.push(msg);
  const afterSaleWindowOpen = async (orderId: string, bizId: string, scenario: string) => {
    const completed = await db('order_status_log').where({ order_id: orderId, field: 'status', to_value: 'COMPLETED' }).first('at');
    const days = scope.afterSaleDays.get(`${bizId}/${scenario}`) ?? 0;
    return Boolean(completed) && days > 0 && new Date(completed.at).getTime() + days * 86_400_000 > Date.now();
  };
  const final = await db('orders').whereIn('user_id', scope.users).select('*');
  const WAITING = ['PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED'];
  for (const r of final) {
    // Every order is final or waiting, and its workflow agrees with the database.
    if (!FINAL_STATUSES.includes(r.status) && !WAITING.includes(r.status)) violation(`order ${r.order_id} stuck in ${r.status}`);
    if (r.status === 'VOIDED') continue;
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
    const exp = scope.expected?.get(r.order_id);
    if (exp && !exp.statuses.includes(r.status)) violation(`order ${r.order_id} (${exp.flow}) ended ${r.status}, expected ${exp.statuses.join('/')}`);
    // No hold outlives its order's chance to be paid.
    const held = await db('inventory_reservations').where({ order_id: r.order_id, status: 'HELD' }).count({ n: '*' });
    if ((r.status === 'PENDING_PAYMENT') !== Number(held[0].n) > 0) violation(`order ${r.order_id} ${r.status} with ${held[0].n} held reservation(s)`);
  }
  for (const r of final.filter((x: any) => x.status === 'VOIDED')) {
    const held = await db('inventory_reservations').where({ order_id: r.order_id, status: 'HELD' }).count({ n: '*' });
    if (Number(held[0].n) > 0) violation(`voided order ${r.order_id} still holds stock`);
  }
  // Money is conserved and the ledger reconciles; no buyer's money is left frozen.
  const books = await reconcile(db);
  const before = scope.baseline.books;
  if (!books.ok) violation(`books do not reconcile: ${JSON.stringify({ drifting: books.drifting, unbalanced: books.unbalancedTxns, sequences: books.brokenSequences })}`);
  if (books.totalMoney - books.openingMoney !== before.totalMoney - before.openingMoney) violation(`money not conserved: ${books.totalMoney - books.openingMoney}`);
  const frozen = await db('accounts').whereIn('account_id', scope.users).sum({ f: 'frozen' });
  if (Number(frozen[0].f ?? 0) !== 0) violation(`buyers have ${frozen[0].f} frozen`);
  // Stock is conserved per SKU: stock + sold unchanged, reserved = held reservations.
  for (const [s, initial] of scope.baseline.stock) {
    const row = await db('skus').where({ sku_id: s }).first();
    if (row.stock + row.sold !== initial) violation(`SKU ${s}: stock ${row.stock} + sold ${row.sold} ≠ ${initial}`);
    // Reserved units are what unpaid orders hold, plus what an unsettled flash-sale campaign on the SKU still holds back.
    const held = await db('inventory_reservations').where({ sku_id: s, status: 'HELD' }).sum({ q: 'quantity' });
    const campaigns = await db('flash_sale_campaigns as c')
      .join('flash_sale_stock as fs', 'fs.campaign_id', 'c.campaign_id')
      .where('c.sku_id', s)
      .whereNull('c.settled_at')
      .sum({ unsold: db.raw('fs.stock - fs.sold') });
    const expected = Number(held[0].q ?? 0) + Number(campaigns[0].unsold ?? 0);
    if (row.reserved !== expected) violation(`SKU ${s}: reserved ${row.reserved} ≠ held ${held[0].q ?? 0} + unsold campaign units ${campaigns[0].unsold ?? 0}`);
  }
  for (const campaignId of scope.campaigns ?? []) violations.push(...(await checkCampaign(db, campaignId)));
  for (const coupon of scope.coupons ?? []) {
    const c = await db('coupons').where({ code: coupon }).first();
    const usages = await db('coupon_usages').where({ code: coupon }).select('status');
    if (c.locked !== usages.filter((u: any) => u.status === 'LOCKED').length || c.used !== usages.filter((u: any) => u.status === 'USED').length) {
      violation(`coupon ${coupon}: locked ${c.locked}, used ${c.used} vs usages ${JSON.stringify(usages)}`);
    }
  }
  // The accounting journal, fed by the relay, equals the ledger.
  const accounting = await checkAccounting(db);
  if (!accounting.ok) violation(`accounting journal differs from the ledger: ${JSON.stringify(accounting.lines.filter((l) => !l.ok))}`);
  return { orders: final, violations };
}

/** A campaign's reserved units are exactly its unpaid winners' and each winner's order agrees with its reservation. */
async function checkCampaign(db: Db, campaignId: string): Promise<string[]> {
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

/**
 * A checkout's pay order ends PAID if any of its orders was paid, CLOSED if none was, with its
 * tender cash equal to what its orders were paid and no freeze of it left open.
 */
export async function checkPayOrders(db: Db, buyers: string[], orders: any[]): Promise<string[]> {
  const violations: string[] = [];
  const payOrders = await db('pay_orders').whereIn('user_id', buyers).whereNotNull('checkout_id').select('*');
  for (const p of payOrders) {
    const ofPay = orders.filter((r: any) => r.pay_order_id === p.pay_order_id);
    const awaiting = ofPay.some((r: any) => ['CREATING', 'PENDING_PAYMENT'].includes(r.status));
    const want = awaiting ? 'UNPAID' : ofPay.some((r: any) => Number(r.paid_amount) > 0) ? 'PAID' : 'CLOSED';
    if (p.status !== want) violations.push(`pay order ${p.pay_order_id}: ${p.status}, its orders ${JSON.stringify(ofPay.map((r: any) => r.status))}`);
    if (p.freeze_xid) violations.push(`pay order ${p.pay_order_id}: freeze ${p.freeze_xid} still open`);
    const paidCash = ofPay.filter((r: any) => ['pay-order', 'balance', 'channel'].includes(r.payment_method)).reduce((n: number, r: any) => n + Number(r.paid_amount), 0);
    if (Number(p.cash_amount) !== paidCash) violations.push(`pay order ${p.pay_order_id}: tender cash ${p.cash_amount}, orders paid ${paidCash}`);
  }
  const open = await db('tcc_fence').where({ branch: 'pay-order', status: 'TRIED' }).count({ n: '*' });
  if (Number(open[0].n) > 0) violations.push(`${open[0].n} pay-order freeze(s) left open`);
  return violations;
}

/** After-sale windows per `bizId/scenario`, from GET /v1/identities' answer. */
export function afterSaleDaysOf(identities: { bizId: string; scenario: string; config: { afterSaleDays?: number } }[]): Map<string, number> {
  return new Map(identities.map((i) => [`${i.bizId}/${i.scenario}`, i.config.afterSaleDays ?? 0]));
}
