import { Counter } from 'prom-client';

/** Rows the retention job deleted, by table (prom-client's default registry, served at /metrics). */
export const retentionPrunedRows = new Counter({
  name: 'retention_pruned_rows_total',
  help: 'Rows deleted by the retention job after their horizon, by table',
  labelNames: ['table'] as const,
});
