import { useState } from 'preact/hooks';
import { get, money, post, when } from '../api';
import { ActionButton, Badge, Card, ErrorBox } from '../components';
import { useLoad } from '../hooks';
import type { HistoryEvent } from '../../../api/history';


const KIND_LABEL: Record<HistoryEvent['kind'], string> = {
  STEP_COMPLETED: 'step',
  STEP_FAILED: 'failed',
  COMPENSATED: 'compensated',
  SIGNAL: 'message',
  STATUS_CHANGED: 'status',
  TIMER: 'timer',
};

export function OrderPage({ orderId }: { orderId: string }) {
  const details = useLoad(() => get(`/v1/orders/${encodeURIComponent(orderId)}/details`), [orderId]);
  const history = useLoad(() => get<{ events: HistoryEvent[] }>(`/v1/orders/${encodeURIComponent(orderId)}/history`), [orderId]);
  const [reason, setReason] = useState('cancelled by an operator');
  const reload = () => {
    details.reload();
    history.reload();
  };
  if (details.error) return <ErrorBox error={details.error} />;
  const d = details.data;
  if (!d) return <p>Loading…</p>;
  const o = d.order;
  return (
    <div>
      <h1>
        Order <span class="mono" data-testid="order-id">{o.orderId}</span>
      </h1>
      <Card title="Status" testid="order-status">
        <p>
          <Badge value={o.status} good={['PAID', 'COMPLETED', 'DELIVERED', 'SHIPPED']} bad={['CANCELLED', 'CLOSED']} /> payment <Badge value={o.paymentStatus} /> fulfilment{' '}
          <Badge value={o.fulfillmentStatus} /> refund <Badge value={o.refundStatus} />
          <span class="muted">
            {' '}
            · {o.bizId} · {o.scenario} · user <span class="mono">{o.userId}</span> · v{o.version} · created {when(o.createdAt)}
          </span>
        </p>
        <p>
          Workflow <span class="mono">{d.temporal.workflowId}</span> ·{' '}
          <a href={d.temporal.url} target="_blank" rel="noopener" data-testid="temporal-link">
            open in Temporal's UI
          </a>
        </p>
        <p>
          <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} size={30} />{' '}
          <ActionButton label="Cancel order" danger confirm={`Cancel order ${o.orderId}? Its cancel flow runs (stock, coupon, points, refund).`} run={() => post(`/v1/orders/${o.orderId}/cancel`, { reason })} done={reload} testid="cancel-order" />
        </p>
      </Card>
      <div class="grid">
        <Card title="Money" testid="order-money">
          <table>
            <tbody>
              <tr><th>Total</th><td>{money(o.totalAmount)}</td><th>Discount</th><td>{money(o.discountAmount)}</td></tr>
              <tr><th>Payable</th><td>{money(o.payableAmount)}</td><th>Paid</th><td data-testid="paid-amount">{money(o.paidAmount)}</td></tr>
              <tr><th>Refunded</th><td data-testid="refunded-amount">{money(o.refundedAmount)}</td><th>Method</th><td>{o.paymentMethod ?? '–'}</td></tr>
            </tbody>
          </table>
          <h2>Ledger entries</h2>
          <table data-testid="ledger">
            <thead><tr><th>At</th><th>Account</th><th>Entry</th><th>Balance Δ</th><th>Frozen Δ</th><th>Points Δ</th><th>Balance after</th></tr></thead>
            <tbody>
              {d.ledger.map((l: any) => (
                <tr>
                  <td>{when(l.at)}</td>
                  <td class="mono">{l.accountId}</td>
                  <td>{l.type}</td>
                  <td>{money(l.balanceChange)}</td>
                  <td>{money(l.frozenChange)}</td>
                  <td>{l.pointsChange}</td>
                  <td>{money(l.balanceAfter)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Items">
          <table>
            <thead><tr><th>Item</th><th>SKU</th><th>Snapshot</th><th>Qty</th><th>Price</th><th>Payable</th><th>Refunded</th></tr></thead>
            <tbody>
              {o.items.map((i: any) => {
                const snap = d.snapshots[i.snapshotId];
                return (
                  <tr>
                    <td class="mono">{i.orderItemId}</td>
                    <td class="mono">{i.skuId}</td>
                    <td>
                      {snap?.title} <span class="muted">({snap?.productType}, {money(snap?.price)})</span>
                    </td>
                    <td>{i.quantity}</td>
                    <td>{money(i.price)}</td>
                    <td>{money(i.payable)}</td>
                    <td>
                      {i.refundedQuantity} · {money(i.refundedAmount)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </Card>
      </div>
      <div class="grid">
        <Card title="Refunds" testid="refunds">
          {d.refunds.length === 0 && <p class="muted">None.</p>}
          <table>
            <tbody>
              {d.refunds.map((r: any) => (
                <tr data-testid={`refund-${r.refundId}`}>
                  <td class="mono">{r.refundId}</td>
                  <td>
                    <Badge value={r.status} good={['REFUNDED']} bad={['REJECTED']} /> {r.kind}
                  </td>
                  <td>{money(r.amount)}</td>
                  <td>{r.reason}</td>
                  <td>
                    {r.status === 'REQUESTED' && (
                      <span>
                        <ActionButton label="Approve" confirm={`Approve refund ${r.refundId} of ${money(r.amount)}? The money goes back to the buyer.`} run={() => post(`/v1/refunds/${r.refundId}/approve`)} done={reload} testid="approve-refund" />{' '}
                        <ActionButton label="Reject" danger confirm={`Reject refund ${r.refundId}?`} run={() => post(`/v1/refunds/${r.refundId}/reject`)} done={reload} testid="reject-refund" />
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </Card>
        <Card title="Shipments and notes">
          {d.shipments.length === 0 && <p class="muted">No fulfilment events.</p>}
          <ul>
            {d.shipments.map((f: any) => (
              <li>
                {when(f.at)} <b>{f.type}</b> ref <span class="mono">{f.referenceId}</span> {f.trackingNo && `tracking ${f.trackingNo}`} {f.reason && `— ${f.reason}`}
              </li>
            ))}
          </ul>
          <h2>Notes</h2>
          {(o.notes ?? []).length === 0 && <p class="muted">None.</p>}
          <ul>
            {(o.notes ?? []).map((n: any) => (
              <li>{typeof n === 'string' ? n : JSON.stringify(n)}</li>
            ))}
          </ul>
        </Card>
      </div>
      <Card title="Webhook deliveries" testid="deliveries">
        {d.webhookDeliveries.length === 0 && <p class="muted">None.</p>}
        <table>
          <tbody>
            {d.webhookDeliveries.map((w: any) => (
              <tr>
                <td class="mono">#{w.deliveryId}</td>
                <td>{w.eventType}</td>
                <td>
                  <Badge value={w.status} good={['DELIVERED']} bad={['FAILED', 'CANCELLED']} />
                </td>
                <td class="mono">{w.url}</td>
                <td>{(w.attempts ?? []).length} attempt(s)</td>
                <td>
                  {(w.status === 'FAILED' || w.status === 'CANCELLED') && (
                    <ActionButton label="Resend" confirm={`Send delivery #${w.deliveryId} (${w.eventType}) again?`} run={() => post(`/v1/webhooks/deliveries/${w.deliveryId}/resend`)} done={reload} testid="resend-delivery" />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
      <Card title="Timeline" testid="timeline">
        <p class="muted">
          Each step with the extension class that ran it; <span style="color:var(--comp)">compensations</span> and <span style="color:var(--bad)">failures</span> stand out.
        </p>
        <ErrorBox error={history.error} />
        <ol class="timeline">
          {(history.data?.events ?? []).map((e) => (
            <li class={e.kind} data-testid="timeline-event" data-kind={e.kind}>
              <span class="muted">{when(e.at)}</span> <span class="kind">{KIND_LABEL[e.kind]}</span>
              {e.step && <b data-testid="timeline-step">{e.step}</b>} {e.extension && <span class="ext" data-testid="timeline-extension">{e.extension}</span>}{' '}
              <span class="detail">{e.detail}</span>
            </li>
          ))}
        </ol>
      </Card>
    </div>
  );
}
