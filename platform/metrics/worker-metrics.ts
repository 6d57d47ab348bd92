import http from 'node:http';
import { Runtime } from '@temporalio/worker';
import { metricsRegistry } from './instruments';

/**
 * Temporal's own SDK metrics (workflow task schedule-to-start, pollers, activity
 * latencies, sticky cache…) from the runtime's Prometheus exporter on 127.0.0.1:`port`.
 * Must run before the worker's first connection to Temporal.
 */
export function installTemporalMetrics(port: number): string | undefined {
  if (!port) return undefined;
  const bindAddress = `127.0.0.1:${port}`;
  Runtime.install({ telemetryOptions: { metrics: { prometheus: { bindAddress } } } });
  return `http://${bindAddress}/metrics`;
}

/**
 * The worker's /metrics on `port` (0 = none): its own business metrics (prom-client) and,
 * appended, the Temporal SDK's exporter, so one scrape per worker gets both. node:http
 * rather than express: one route, and nothing to load on the worker's start path.
 */
export function serveWorkerMetrics(port: number, temporalMetricsUrl?: string): Promise<http.Server | undefined> {
  if (!port) return Promise.resolve(undefined);
  const sdkMetrics = async () => {
    if (!temporalMetricsUrl) return '';
    const res = await fetch(temporalMetricsUrl, { signal: AbortSignal.timeout(2_000) }).catch(() => undefined);
    return res?.ok ? res.text() : '';
  };
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    Promise.all([metricsRegistry.metrics(), sdkMetrics()]).then(
      ([own, sdk]) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(sdk ? `${own}\n${sdk}` : own),
      (err: unknown) => res.writeHead(500).end(String(err)),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}
