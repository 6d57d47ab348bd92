import { useEffect, useState } from 'preact/hooks';
import type { ChartConfiguration } from 'chart.js';
import { api, get, money, pct, qs, when } from '../api';
import { Card, ChartView, ErrorBox } from '../components';
import { navigate, useLoad } from '../hooks';
import type { Me } from '../main';
import type { Alert } from '../../../platform/dashboard/alerts';
import type { Dashboard as PeriodDashboard, Measures } from '../../../platform/dashboard/dashboard';

const RANGES: Record<string, number> = { '1h': 1, '24h': 24, '7d': 24 * 7, '30d': 24 * 30 };
const DIMENSIONS = [
  ['bizId', 'Business line'],
  ['scenario', 'Scenario'],
  ['channel', 'Channel'],
  ['region', 'Region'],
] as const;
const COLOURS = { created: '#2f5bea', paid: '#1f8a4c', cancelled: '#c9302c', closed: '#9aa3b5', refunded: '#b8650a', gmv: '#6b4fbb' };

/** The route's answer: the platform's dashboard and when its rollup was last refreshed. */
type Dashboard = PeriodDashboard & { asOf: string };

const bars = (rows: ({ key: string } & Measures)[], fields: (keyof typeof COLOURS)[]): ChartConfiguration => ({
  type: 'bar',
  data: { labels: rows.map((r) => r.key), datasets: fields.map((f) => ({ label: f, data: rows.map((r) => (f === 'gmv' ? r.gmv / 100 : (r[f] as number))), backgroundColor: COLOURS[f] })) },
  options: { plugins: { legend: { position: 'bottom' } } },
});

export function DashboardPage({ me, query }: { me: Me; query: Record<string, string> }) {
  const range = RANGES[query.range] ? query.range : '24h';
  const bucket = RANGES[range] >= 24 * 7 ? 'day' : 'hour';
  const to = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
  const from = new Date(to.getTime() - RANGES[range] * 3_600_000);
  const filters = { bizId: query.bizId, scenario: query.scenario, channel: query.channel, region: query.region };
  const board = useLoad(() => get<Dashboard>(`/v1/dashboard${qs({ from: from.toISOString(), to: to.toISOString(), bucket, ...filters })}`), [JSON.stringify(query)]);
  const setQuery = (change: Record<string, string | undefined>) => navigate('dashboard', { ...query, ...change });

  const d = board.data;
  const kpis: [string, string, string][] = d
    ? [
        ['created', 'Created', String(d.totals.created)],
        ['paid', 'Paid', String(d.totals.paid)],
        ['cancelled', 'Cancelled', String(d.totals.cancelled)],
        ['closed', 'Closed unpaid', String(d.totals.closed)],
        ['refunded', 'Refunded', String(d.totals.refunded)],
        ['gmv', 'GMV', money(d.totals.gmv)],
        ['payConversion', 'Pay conversion', pct(d.totals.payConversion)],
        ['cancelRate', 'Cancel rate', pct(d.totals.cancelRate)],
      ]
    : [];
  return (
    <div>
      <h1>Dashboard</h1>
      <Card>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            const f = new FormData(e.target as HTMLFormElement);
            setQuery(Object.fromEntries(DIMENSIONS.map(([k]) => [k, String(f.get(k) ?? '') || undefined])));
          }}
        >
          <label>
            Period
            <select value={range} onChange={(e) => setQuery({ range: (e.target as HTMLSelectElement).value })} data-testid="range">
              {Object.keys(RANGES).map((r) => (
                <option value={r}>last {r}</option>
              ))}
            </select>
          </label>
          {DIMENSIONS.map(([k, label]) => (
            <label>
              {label}
              <input name={k} value={query[k] ?? ''} placeholder="all" size={12} />
            </label>
          ))}
          <button type="submit">Apply</button>
          {d && <span class="muted">as of {when(d.asOf)} · hours {when(d.from)} – {when(d.to)}</span>}
        </form>
      </Card>
      <ErrorBox error={board.error} />
      <Alerts me={me} refreshKey={JSON.stringify(query)} />
      {d && (
        <div>
          <div class="kpis" data-testid="kpis">
            {kpis.map(([k, label, v]) => (
              <div class="kpi">
                <div class="l">{label}</div>
                <div class="v" data-testid={`kpi-${k}`}>
                  {v}
                </div>
              </div>
            ))}
          </div>
          <div class="grid" style="margin-top:14px">
            <Card title={`Orders per ${d.bucket}`}>
              <ChartView
                testid="chart-series"
                config={{
                  type: 'line',
                  data: {
                    labels: d.series.map((s) => (d.bucket === 'day' ? s.at.slice(0, 10) : s.at.slice(5, 16).replace('T', ' '))),
                    datasets: (['created', 'paid', 'cancelled'] as const).map((f) => ({ label: f, data: d.series.map((s) => s[f]), borderColor: COLOURS[f], backgroundColor: COLOURS[f], tension: 0.2 })),
                  },
                  options: { plugins: { legend: { position: 'bottom' } } },
                }}
              />
            </Card>
            <Card title="Orders per business line">
              <ChartView testid="chart-lines" config={bars(d.breakdown.bizId, ['created', 'paid', 'cancelled', 'refunded'])} />
            </Card>
            <Card title="Pay conversion and cancel rate per line (%)">
              <ChartView
                config={{
                  type: 'bar',
                  data: {
                    labels: d.breakdown.bizId.map((r) => r.key),
                    datasets: [
                      { label: 'pay conversion %', data: d.breakdown.bizId.map((r) => r.payConversion ?? 0), backgroundColor: COLOURS.paid },
                      { label: 'cancel rate %', data: d.breakdown.bizId.map((r) => r.cancelRate ?? 0), backgroundColor: COLOURS.cancelled },
                    ],
                  },
                  options: { scales: { y: { min: 0, max: 100 } }, plugins: { legend: { position: 'bottom' } } },
                }}
              />
            </Card>
            <Card title="GMV per line (¥)">
              <ChartView config={bars(d.breakdown.bizId, ['gmv'])} />
            </Card>
            <Card title="Per scenario">
              <ChartView config={bars(d.breakdown.scenario, ['created', 'paid', 'cancelled'])} />
            </Card>
            <Card title="Per channel">
              <ChartView
                config={{
                  type: 'doughnut',
                  data: { labels: d.breakdown.channel.map((r) => r.key), datasets: [{ label: 'created', data: d.breakdown.channel.map((r) => r.created), backgroundColor: Object.values(COLOURS) }] },
                  options: { plugins: { legend: { position: 'right' } } },
                }}
              />
            </Card>
            <Card title="Per region">
              <ChartView config={bars(d.breakdown.region, ['created', 'paid', 'cancelled'])} />
            </Card>
          </div>
        </div>
      )}
    </div>
  );
}

const ALERT_POLL_MS = 30_000;

/** The thresholds evaluated now; re-evaluated with the dashboard's filters and every 30 s. */
function Alerts({ me, refreshKey }: { me: Me; refreshKey: string }) {
  const alerts = useLoad(() => get<{ items: Alert[] }>('/v1/alerts'), [refreshKey]);
  useEffect(() => {
    const timer = setInterval(alerts.reload, ALERT_POLL_MS);
    return () => clearInterval(timer);
  }, []);
  const [error, setError] = useState<Error>();
  const save = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    setError(undefined);
    try {
      await api('PUT', `/v1/admin/thresholds/${encodeURIComponent(String(f.get('bizId')))}/${f.get('metric')}`, {
        thresholdPercent: Number(f.get('thresholdPercent')),
        windowMinutes: Number(f.get('windowMinutes')),
        minOrders: Number(f.get('minOrders')),
      });
      alerts.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  const remove = async (a: Alert) => {
    if (!window.confirm(`Remove the ${a.metric} threshold of ${a.bizId}?`)) return;
    try {
      await api('DELETE', `/v1/admin/thresholds/${encodeURIComponent(a.bizId)}/${a.metric}`);
      alerts.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  const items = alerts.data?.items ?? [];
  return (
    <Card title="Alerts" testid="alerts">
      <ErrorBox error={alerts.error ?? error} />
      {items.length === 0 && <p class="muted">No thresholds set.</p>}
      {items.map((a) => (
        <div class={`alert ${a.firing ? 'firing' : 'quiet'}`} data-testid={`alert-${a.bizId}-${a.metric}`}>
          <b>{a.firing ? 'FIRING' : 'ok'}</b> · {a.bizId}: {a.metric === 'payConversion' ? 'pay conversion' : 'cancel rate'} {pct(a.actualPercent)} over the last {a.windowMinutes} min ({a.ordersInWindow} orders;
          alert {a.metric === 'payConversion' ? 'below' : 'above'} {pct(a.thresholdPercent)}, from {a.minOrders} orders)
          {me.role === 'operator' && (
            <button style="margin-left:8px" onClick={() => remove(a)}>
              remove
            </button>
          )}
        </div>
      ))}
      {me.role === 'operator' && (
        <form class="filters" onSubmit={save} style="margin-top:10px">
          <label>
            Business line
            <input name="bizId" required size={12} />
          </label>
          <label>
            Metric
            <select name="metric">
              <option value="payConversion">pay conversion below</option>
              <option value="cancelRate">cancel rate above</option>
            </select>
          </label>
          <label>
            Threshold %
            <input name="thresholdPercent" type="number" min="0" max="100" step="0.1" required size={6} />
          </label>
          <label>
            Window (min)
            <input name="windowMinutes" type="number" min="1" max="1440" value="10" size={5} />
          </label>
          <label>
            Min. orders
            <input name="minOrders" type="number" min="1" value="10" size={5} />
          </label>
          <button class="primary" type="submit">
            Set threshold
          </button>
        </form>
      )}
    </Card>
  );
}
