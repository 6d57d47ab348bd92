/**
 * The operators' files under ops/ stay true to the platform: the alert rules pass
 * `promtool check rules` and their unit tests (`promtool test rules`), and every metric the
 * rules and the Grafana dashboard query is one a server or a worker really exports (read
 * from their /metrics after a real order), so a renamed metric cannot leave a silent panel
 * or an alert that never fires.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { closeDatabase, createdOrder, makeSku, makeUser, pay } from '../support/api';
import { killWorker, ROOT, startWorker, testEnv } from '../support/test-env';

const RULES = path.join(ROOT, 'ops/prometheus/alerts.yml');
const RULE_TESTS = path.join(ROOT, 'ops/prometheus/alerts.test.yml');
const DASHBOARD = path.join(ROOT, 'ops/grafana/dashboards/order-platform.json');
const WORKER_METRICS_PORT = Number(process.env.TEST_API_PORT ?? 3100) + 7;
const TEMPORAL_METRICS_PORT = WORKER_METRICS_PORT + 1;

/**
 * Temporal SDK metrics the core emits only once the event they count has happened (a
 * failed workflow task), so a healthy test worker's scrape cannot show them. Named in
 * Temporal's SDK metrics reference: https://docs.temporal.io/references/sdk-metrics
 */
const EMITTED_ON_EVENT_ONLY = new Set(['temporal_workflow_task_execution_failed']);

function promtool(args: string[]): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8' });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error("promtool is not installed: install Debian's prometheus package (`apt-get install -y prometheus`, as root), as .ci/run does");
  }
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/** Metric names in a PromQL expression: what is left once strings, label matchers, ranges, grouping clauses and functions are taken out. */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\b[a-zA-Z_]\w*\s*\(/g, '(');
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'inf', 'nan']);
  return [...new Set((bare.match(/\b[a-zA-Z_:][\w:]*/g) ?? []).filter((w) => !keywords.has(w.toLowerCase())))];
}

/** Every series name a /metrics text exports or declares (a histogram's _bucket, _sum and _count included). */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const declared = /^# TYPE (\S+) (\S+)/.exec(line);
    if (declared) {
      names.add(declared[1]);
      if (declared[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(declared[1] + s);
    } else if (line && !line.startsWith('#')) {
      names.add(line.split(/[{ ]/)[0]);
    }
  }
  return names;
}

afterAll(async () => {
  await killWorker('SIGTERM');
  await startWorker();
  await closeDatabase();
});

describe('ops files', () => {
  it('the alert rules pass promtool check rules and their unit tests', () => {
    const checked = promtool(['check', 'rules', RULES]);
    expect({ status: checked.status, output: checked.output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
    const tested = promtool(['test', 'rules', RULE_TESTS]);
    expect({ status: tested.status, output: tested.output }).toEqual({ status: 0, output: expect.stringContaining('SUCCESS') });
  });

  it('finds metric names in PromQL', () => {
    expect(metricNamesIn('sum by (biz_id) (increase(a_total{x="y",z=~"1|2"}[5m])) / on (k) b > 0 and (c or vector(0))')).toEqual(['a_total', 'b', 'c']);
  });

  it('every metric the rules and the dashboard query is exported by a server or a worker', async () => {
    await killWorker('SIGTERM');
    await startWorker(180_000, { METRICS_PORT: String(WORKER_METRICS_PORT), TEMPORAL_METRICS_PORT: String(TEMPORAL_METRICS_PORT) });
    // One real order, so the SDK's histograms have samples.
    const userId = await makeUser({ balance: 10_000 });
    const order = await createdOrder({ userId, items: [{ skuId: await makeSku({ price: 1_000, stock: 5 }), quantity: 1 }] });
    expect((await pay(order.orderId)).status).toBe(200);
    const scraped = await Promise.all([`${testEnv().baseUrl}/metrics`, `http://127.0.0.1:${WORKER_METRICS_PORT}/metrics`].map(async (url) => (await fetch(url)).text()));
    const exported = new Set([...exportedNames(scraped[0]), ...exportedNames(scraped[1]), ...EMITTED_ON_EVENT_ONLY]);

    const rules = YAML.parse(fs.readFileSync(RULES, 'utf8')) as { groups: { rules: { alert?: string; expr: string }[] }[] };
    const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    const queries = [
      ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
      ...dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
    ];
    expect(queries.length).toBeGreaterThan(20);
    const unknown = queries.flatMap(({ where, expr }) => metricNamesIn(expr).filter((n) => !exported.has(n)).map((n) => `${where}: ${n}`));
    expect(unknown).toEqual([]);
    // Every panel queries something.
    expect(dashboard.panels.filter((p) => (p as { type?: string }).type !== 'row' && !(p.targets ?? []).length).map((p) => p.title)).toEqual([]);
  });
});
