import { useEffect, useState } from 'preact/hooks';
import { get, when } from '../api';
import { Card, ChartView, ErrorBox } from '../components';
import { navigate, useLoad } from '../hooks';

const POLL_MS = 2_000;

/** A campaign's stock, held, sold and remaining, polled live while the page is open. */
export function FlashSalesPage({ campaignId }: { campaignId?: string }) {
  const [input, setInput] = useState(campaignId ?? '');
  const campaign = useLoad(() => (campaignId ? get(`/v1/flash-sales/${encodeURIComponent(campaignId)}`) : Promise.resolve(undefined)), [campaignId]);
  useEffect(() => {
    if (!campaignId) return;
    const timer = setInterval(campaign.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [campaignId]);
  const c = campaign.data;
  return (
    <div>
      <h1>Flash sales</h1>
      <Card>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            navigate(`flash-sales/${encodeURIComponent(input.trim())}`);
          }}
        >
          <label>
            Campaign id
            <input value={input} onInput={(e) => setInput((e.target as HTMLInputElement).value)} size={30} />
          </label>
          <button class="primary" type="submit">
            Watch
          </button>
          <span class="muted">refreshes every {POLL_MS / 1000} s</span>
        </form>
      </Card>
      <ErrorBox error={campaign.error} />
      {c && (
        <div class="grid">
          <Card title={`${c.campaignId} · ${c.skuId}`} testid="campaign">
            <div class="kpis">
              {(['stock', 'reserved', 'sold', 'remaining'] as const).map((k) => (
                <div class="kpi">
                  <div class="l">{k === 'reserved' ? 'held' : k}</div>
                  <div class="v" data-testid={`campaign-${k}`}>
                    {c[k]}
                  </div>
                </div>
              ))}
            </div>
            <p class="muted">
              {when(c.startsAt)} – {when(c.endsAt)}
            </p>
          </Card>
          <Card title="Units">
            <ChartView
              config={{
                type: 'bar',
                data: { labels: ['held', 'sold', 'remaining'], datasets: [{ label: 'units', data: [c.reserved, c.sold, c.remaining], backgroundColor: ['#b8650a', '#1f8a4c', '#2f5bea'] }] },
                options: { indexAxis: 'y', plugins: { legend: { display: false } } },
              }}
            />
          </Card>
        </div>
      )}
    </div>
  );
}
