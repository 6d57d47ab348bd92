/**
 * The faults the rehearsal injects, each timed from its start to its end (the moment the
 * part is back: a restarted process ready, PostgreSQL or Temporal accepting again).
 * Killed workers and servers are started again as a supervisor (systemd, Kubernetes)
 * would; after a PostgreSQL or Temporal restart nothing of ours is restarted: the apps
 * must recover by themselves.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from './cluster';

export type FaultKind = 'worker-kill' | 'server-kill' | 'pg-restart' | 'temporal-restart';

export interface FaultRecord {
  kind: FaultKind;
  target: string;
  startedAt: number;
  endedAt: number;
  /** What the servers answered while PostgreSQL was down (pg-restart only). */
  probes?: string[];
}

/** While PostgreSQL is down: every server's /readyz is a 503 naming the database, and an API call through nginx is a 503 in the contract's format. */
async function probeDatabaseDown(cluster: Cluster): Promise<string[]> {
  const problems: string[] = [];
  for (let i = 0; i < cluster.servers.length; i++) {
    const r = await fetch(`${cluster.serverUrl(i)}/readyz`, { signal: AbortSignal.timeout(10_000) }).catch((err) => err as Error);
    if (r instanceof Error) {
      problems.push(`server ${i} /readyz did not answer while PostgreSQL was down: ${r.message}`);
      continue;
    }
    const body = (await r.json().catch(() => undefined)) as { checks?: { database?: boolean }; reasons?: { database?: string } } | undefined;
    if (r.status !== 503 || body?.checks?.database !== false || !body?.reasons?.database) problems.push(`server ${i} /readyz while PostgreSQL was down: ${r.status} ${JSON.stringify(body)}`);
  }
  const r = await fetch(`${cluster.baseUrl}/v1/accounts/rehearsal-probe`, { headers: { authorization: 'Bearer dev-operator-key' }, signal: AbortSignal.timeout(10_000) }).catch((err) => err as Error);
  if (r instanceof Error) problems.push(`an API call while PostgreSQL was down got no answer: ${r.message}`);
  else {
    const body = (await r.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
    if (r.status !== 503 || body?.error?.code !== 'SERVICE_UNAVAILABLE' || !body.error.message) problems.push(`an API call while PostgreSQL was down answered ${r.status} ${JSON.stringify(body)}`);
    if (r.status === 503 && r.headers.get('retry-after') === null) problems.push('a 503 while PostgreSQL was down came without Retry-After');
  }
  return problems;
}

export async function injectFault(cluster: Cluster, kind: FaultKind, round: number, random: () => number): Promise<FaultRecord> {
  const startedAt = Date.now();
  const i = round % 2;
  switch (kind) {
    case 'worker-kill':
      await cluster.killWorker(i);
      await sleep(random() * 1_500);
      await cluster.startWorker(i);
      return { kind, target: `worker ${i}`, startedAt, endedAt: Date.now() };
    case 'server-kill':
      await cluster.killServer(i);
      await sleep(random() * 1_500);
      await cluster.startServer(i);
      return { kind, target: `server ${i}`, startedAt, endedAt: Date.now() };
    case 'pg-restart': {
      await cluster.platformPg.stop('fast');
      // Long enough for clients and workers to notice, as a real restart or fail-over would be.
      await sleep(1_000);
      const probes = await probeDatabaseDown(cluster);
      await sleep(1_000 + random() * 2_000);
      await cluster.platformPg.start();
      return { kind, target: 'platform PostgreSQL', startedAt, endedAt: Date.now(), probes };
    }
    case 'temporal-restart':
      cluster.temporal.kill();
      await cluster.temporal.exited();
      await sleep(1_000 + random() * 2_000);
      await cluster.temporal.start();
      return { kind, target: 'Temporal server', startedAt, endedAt: Date.now() };
  }
}
