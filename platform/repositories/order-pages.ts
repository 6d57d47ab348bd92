import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { INVISIBLE_STATUSES } from '../domain/order-status';
import { toView, type OrderRow } from './orders';

export interface OrderPage {
  items: ReturnType<typeof toView>[];
  /** The last order id of this page when there are more; passed back as `cursor` for the next. */
  nextCursor: string | null;
}

/**
 * One page of visible orders, newest first, keyset-paged by order id (ids sort by time).
 * `narrow` adds the caller's filters (tenancy, status, dates…) to the query.
 */
export async function orderPage(db: Db, opts: { limit: number; cursor?: string; narrow: (query: Knex.QueryBuilder<OrderRow>) => void }): Promise<OrderPage> {
  const query = db<OrderRow>('orders').whereNotIn('status', INVISIBLE_STATUSES as string[]).orderBy('order_id', 'desc').limit(opts.limit + 1);
  opts.narrow(query);
  if (opts.cursor) query.where('order_id', '<', opts.cursor);
  const rows = await query;
  const page = rows.slice(0, opts.limit);
  const items = await db('order_items').whereIn('order_id', page.map((o) => o.order_id)).orderBy('line_no');
  return {
    items: page.map((o) => toView(o, items.filter((i) => i.order_id === o.order_id))),
    nextCursor: rows.length > opts.limit ? page[page.length - 1].order_id : null,
  };
}
