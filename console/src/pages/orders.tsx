import { useState } from 'preact/hooks';
import { get, money, qs, when } from '../api';
import { Badge, Card, ErrorBox } from '../components';
import { navigate, useLoad } from '../hooks';

const FILTERS = [
  ['orderId', 'Order id', ''],
  ['userId', 'User', ''],
  ['bizId', 'Business line', ''],
  ['scenario', 'Scenario', ''],
  ['status', 'Status', 'PENDING_PAYMENT PAID SHIPPED DELIVERED COMPLETED CANCELLED CLOSED'],
  ['paymentStatus', 'Payment', 'UNPAID PAID PARTIALLY_REFUNDED REFUNDED'],
  ['fulfillmentStatus', 'Fulfilment', 'NONE SHIPPED DELIVERED FAILED'],
  ['refundStatus', 'Refund', 'NONE REQUESTED PARTIAL FULL REJECTED'],
] as const;

export function OrdersPage({ query }: { query: Record<string, string> }) {
  // Cursors of the pages before this one, so "previous" works without a backwards cursor.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const toIso = (local?: string) => (local ? new Date(local).toISOString() : undefined);
  const filters = { ...query, from: toIso(query.from), to: toIso(query.to) };
  const page = useLoad(() => get(`/v1/search/orders${qs({ ...filters, cursor, limit: 25 })}`), [JSON.stringify(query), cursor]);
  return (
    <div>
      <h1>Orders</h1>
      <Card>
        <form
          class="filters"
          data-testid="order-filters"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.target as HTMLFormElement);
            setCursors([]);
            navigate('orders', Object.fromEntries([...f.entries()].map(([k, v]) => [k, String(v) || undefined])));
          }}
        >
          {FILTERS.map(([k, label, options]) => (
            <label>
              {label}
              {options ? (
                <select name={k} value={query[k] ?? ''}>
                  <option value="">any</option>
                  {options.split(' ').map((o) => (
                    <option value={o}>{o}</option>
                  ))}
                </select>
              ) : (
                <input name={k} value={query[k] ?? ''} size={k === 'orderId' ? 26 : 12} />
              )}
            </label>
          ))}
          <label>
            Created from
            <input name="from" type="datetime-local" value={query.from ?? ''} />
          </label>
          <label>
            to
            <input name="to" type="datetime-local" value={query.to ?? ''} />
          </label>
          <button class="primary" type="submit">
            Search
          </button>
        </form>
      </Card>
      <ErrorBox error={page.error} />
      {page.data && (
        <Card>
          <table data-testid="orders-table">
            <thead>
              <tr>
                <th>Order</th>
                <th>Created</th>
                <th>Line · scenario</th>
                <th>User</th>
                <th>Status</th>
                <th>Payable</th>
                <th>Paid</th>
                <th>Refunded</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((o: any) => (
                <tr>
                  <td class="mono">
                    <a href={`#/orders/${encodeURIComponent(o.orderId)}`}>{o.orderId}</a>
                  </td>
                  <td>{when(o.createdAt)}</td>
                  <td>
                    {o.bizId} · {o.scenario}
                  </td>
                  <td class="mono">{o.userId}</td>
                  <td>
                    <Badge value={o.status} good={['PAID', 'COMPLETED', 'DELIVERED', 'SHIPPED']} bad={['CANCELLED', 'CLOSED']} />
                    <Badge value={o.paymentStatus} />
                    {o.fulfillmentStatus !== 'NONE' && <Badge value={o.fulfillmentStatus} />}
                    {o.refundStatus !== 'NONE' && <Badge value={`refund ${o.refundStatus}`} />}
                  </td>
                  <td>{money(o.payableAmount)}</td>
                  <td>{money(o.paidAmount)}</td>
                  <td>{money(o.refundedAmount)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {page.data.items.length === 0 && <p class="muted">No orders match.</p>}
          <p>
            <button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              ← Newer
            </button>{' '}
            <button disabled={!page.data.nextCursor} onClick={() => setCursors([...cursors, page.data.nextCursor])} data-testid="next-page">
              Older →
            </button>
          </p>
        </Card>
      )}
    </div>
  );
}
