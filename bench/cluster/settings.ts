/**
 * Where the cluster rehearsal puts everything: two port ranges (HTTP/gRPC and PostgreSQL)
 * chosen by env so several rehearsals on one machine never collide, and the pinned
 * Temporal server version.
 */
import { z } from 'zod';

export const TEMPORAL_SERVER_VERSION = '1.32.2';
export const TEMPORAL_SERVER_MODULE = 'go.temporal.io/server';

const port = z.coerce.number().int().min(1024).max(65_000);
const settingsSchema = z.object({
  /** nginx listens here; the REST servers, Temporal's services and the apps' metrics take the next ports. */
  CLUSTER_PORT_BASE: port.default(9400),
  /** The platform's PostgreSQL listens on base+1, Temporal's on base+2. */
  CLUSTER_PG_PORT_BASE: port.default(55400),
  /** Where the Debian PostgreSQL binaries are (initdb, pg_ctl, postgres). */
  CLUSTER_PG_BIN: z.string().default('/usr/lib/postgresql/15/bin'),
  CLUSTER_NGINX: z.string().default('/usr/sbin/nginx'),
  /** Mixed order flows driven through the load balancer (all of them finish before the invariants are checked). */
  CLUSTER_ORDERS: z.coerce.number().int().min(1).default(160),
  CLUSTER_CONCURRENCY: z.coerce.number().int().min(1).default(6),
  /** How many times each fault (worker kill, server kill, PostgreSQL restart, Temporal restart) is injected. */
  CLUSTER_FAULT_ROUNDS: z.coerce.number().int().min(1).default(2),
  /** Keep the run directory (logs, configs, data) after the rehearsal. */
  CLUSTER_KEEP: z.enum(['0', '1']).default('0'),
  CLUSTER_SEED: z.coerce.number().int().optional(),
});

export type ClusterSettings = ReturnType<typeof clusterSettings>;

export function clusterSettings(env: NodeJS.ProcessEnv = process.env) {
  const s = settingsSchema.parse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  const base = s.CLUSTER_PORT_BASE;
  return {
    ...s,
    ports: {
      nginx: base,
      servers: [base + 1, base + 2],
      temporal: { frontend: base + 10, history: base + 11, matching: base + 12, worker: base + 13, frontendHttp: base + 14, metrics: base + 15 },
      temporalMembership: { frontend: base + 20, history: base + 21, matching: base + 22, worker: base + 23 },
      platformPg: s.CLUSTER_PG_PORT_BASE + 1,
      temporalPg: s.CLUSTER_PG_PORT_BASE + 2,
    },
  };
}
