import type { Db, Tx } from '../db/knex';
import type { OutboxConsumer, OutboxEvent } from '../outbox/consumer';
import { merchantAccountId } from '../repositories/accounts';

/**
 * Accounting entries: the per-business-line daily journal of money settled to the
 * merchant (SALE, from `PaymentSettled`) and money paid back (REFUND, from `RefundPaid`).
 * Both events are written in the same transaction as their ledger postings on the
 * line's merchant account, so once the relay has caught up the journal must equal the
 * ledger — `checkAccounting` says whether it does. The consumer is reliable: the relay
 * retries it until it has taken every event, and never gives up.
 */
const KIND_OF: Record<string, 'SALE' | 'REFUND'> = { PaymentSettled: 'SALE', RefundPaid: 'REFUND' };
/** Refunds of money (ledger entry REFUND); a points refund (POINTS_REFUND) moves no money. */
const isMoney = (event: OutboxEvent) => event.eventType !== 'RefundPaid' || (event.payload.entryType ?? 'REFUND') === 'REFUND';

export const accountingConsumer: OutboxConsumer = {
  name: 'accounting',
  async handle(trx: Tx, event: OutboxEvent) {
    const kind = KIND_OF[event.eventType];
    if (!kind || !isMoney(event)) return;
    const amount = Number(event.payload.amount);
    const bizId = String(event.payload.bizId);
    if (!(amount > 0)) return; // nothing moved
    // The business day is the day (UTC) the money moved, i.e. when the event was written.
    const businessDate = event.createdAt.toISOString().slice(0, 10);
    await trx('accounting_entries').insert({
      event_id: event.id,
      biz_id: bizId,
      business_date: businessDate,
      kind,
      order_id: event.aggregateId,
      amount,
      reference: String(event.payload.refundId ?? event.payload.xid ?? ''),
    });
    const sale = kind === 'SALE';
    await trx('accounting_daily')
      .insert({ biz_id: bizId, business_date: businessDate, sales_amount: sale ? amount : 0, sales_count: sale ? 1 : 0, refund_amount: sale ? 0 : amount, refund_count: sale ? 0 : 1 })
      .onConflict(['biz_id', 'business_date'])
      .merge({
        sales_amount: trx.raw('accounting_daily.sales_amount + excluded.sales_amount'),
        sales_count: trx.raw('accounting_daily.sales_count + excluded.sales_count'),
        refund_amount: trx.raw('accounting_daily.refund_amount + excluded.refund_amount'),
        refund_count: trx.raw('accounting_daily.refund_count + excluded.refund_count'),
        updated_at: trx.fn.now(),
      });
  },
};

export interface AccountingLine {
  bizId: string;
  journalSales: number;
  ledgerSales: number;
  journalRefunds: number;
  ledgerRefunds: number;
  /** Σ of the line's merchant account ledger = its balance; must equal sales − refunds. */
  merchantBalance: number;
  ok: boolean;
}

export interface AccountingCheck {
  /** True when every line's journal equals its merchant ledger and the daily totals equal the entries. */
  ok: boolean;
  /** Outbox events not yet delivered to every consumer: while > 0 the journal may lag the ledger. */
  pendingEvents: number;
  lines: AccountingLine[];
  /** Days whose totals differ from the sum of their entries. */
  inconsistentDays: { bizId: string; businessDate: string }[];
}

/** Compares the journal with the ledger, per business line. */
export async function checkAccounting(db: Db | Tx): Promise<AccountingCheck> {
  const journal = await db('accounting_entries')
    .select('biz_id')
    .sum({ sales: db.raw(`CASE WHEN kind = 'SALE' THEN amount ELSE 0 END`) })
    .sum({ refunds: db.raw(`CASE WHEN kind = 'REFUND' THEN amount ELSE 0 END`) })
    .groupBy('biz_id');
  const ledger = await db('account_ledger as l')
    .join('accounts as a', 'a.account_id', 'l.account_id')
    .where('a.kind', 'merchant')
    .select('l.account_id')
    .sum({ sales: db.raw(`CASE WHEN l.entry_type = 'PAYMENT_CONFIRM' THEN l.balance_change ELSE 0 END`) })
    .sum({ refunds: db.raw(`CASE WHEN l.entry_type = 'REFUND' THEN -l.balance_change ELSE 0 END`) })
    .sum({ net: 'l.balance_change' })
    .groupBy('l.account_id');
  const inconsistent = await db.raw(`
    SELECT d.biz_id, d.business_date::text AS business_date
      FROM accounting_daily d
      LEFT JOIN (SELECT biz_id, business_date,
                        SUM(CASE WHEN kind = 'SALE' THEN amount ELSE 0 END) AS sales, COUNT(*) FILTER (WHERE kind = 'SALE') AS sales_n,
                        SUM(CASE WHEN kind = 'REFUND' THEN amount ELSE 0 END) AS refunds, COUNT(*) FILTER (WHERE kind = 'REFUND') AS refunds_n
                   FROM accounting_entries GROUP BY biz_id, business_date) e
        ON e.biz_id = d.biz_id AND e.business_date = d.business_date
     WHERE d.sales_amount <> COALESCE(e.sales, 0) OR d.refund_amount <> COALESCE(e.refunds, 0)
        OR d.sales_count <> COALESCE(e.sales_n, 0) OR d.refund_count <> COALESCE(e.refunds_n, 0)`);
  const pending = await db('outbox').whereNull('published_at').count({ n: '*' });

  const bizIds = new Set<string>([...journal.map((j: any) => j.biz_id), ...ledger.map((l: any) => String(l.account_id).replace(/^merchant:/, ''))]);
  const lines = [...bizIds].sort().map((bizId) => {
    const j = journal.find((r: any) => r.biz_id === bizId);
    const l = ledger.find((r: any) => r.account_id === merchantAccountId(bizId));
    const line = {
      bizId,
      journalSales: Number(j?.sales ?? 0),
      ledgerSales: Number(l?.sales ?? 0),
      journalRefunds: Number(j?.refunds ?? 0),
      ledgerRefunds: Number(l?.refunds ?? 0),
      merchantBalance: Number(l?.net ?? 0),
      ok: false,
    };
    line.ok = line.journalSales === line.ledgerSales && line.journalRefunds === line.ledgerRefunds && line.merchantBalance === line.journalSales - line.journalRefunds;
    return line;
  });
  const inconsistentDays = inconsistent.rows.map((r: any) => ({ bizId: r.biz_id, businessDate: r.business_date }));
  return { ok: lines.every((l) => l.ok) && inconsistentDays.length === 0, pendingEvents: Number(pending[0].n), lines, inconsistentDays };
}

/** The daily journal, newest day first. */
export async function dailyJournal(db: Db, filter: { bizIds?: string[]; from?: string; to?: string }) {
  const q = db('accounting_daily').orderBy([{ column: 'business_date', order: 'desc' }, { column: 'biz_id' }]);
  if (filter.bizIds) q.whereIn('biz_id', filter.bizIds);
  if (filter.from) q.where('business_date', '>=', filter.from);
  if (filter.to) q.where('business_date', '<=', filter.to);
  const rows = await q.select('*', db.raw('business_date::text AS day'));
  return rows.map((r: any) => ({
    bizId: r.biz_id,
    businessDate: r.day,
    salesAmount: Number(r.sales_amount),
    salesCount: r.sales_count,
    refundAmount: Number(r.refund_amount),
    refundCount: r.refund_count,
    netAmount: Number(r.sales_amount) - Number(r.refund_amount),
  }));
}
