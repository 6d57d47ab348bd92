import { setTimeout as sleep } from 'node:timers/promises';
import os from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { AppFleet } from '../support/app-fleet';
import { call, closeDatabase, database, KEYS, makeSku, makeUser, uid } from '../support/api';
import { ensureBuilt } from '../support/built-code';
import { FailoverClient } from '../support/failover-client';
import { mixedOrderFlows } from '../support/order-flows';
import { afterSaleDaysOf, checkOrderInvariants, takeBaseline, waitUntilSettled } from '../support/order-invariants';
import { freePort } from '../../platform/infra/wait';
import { RUN_DIR, testEnv, writeTestEnv } from '../support/test-env';

/**
 * A rolling restart: two workers and two REST servers of the production build (node on
 * dist/, built first if a source is newer) are each stopped with SIGTERM and started
 * again, one after the other, while a client drives mixed orders through them (create,
 * pay, ship, deliver, receipt, cancel, refund). A drained worker finishes its activities
 * and releases its sticky queue; a draining server answers what it has accepted and stops
 * accepting. So no request fails and the invariants hold. How long requests waited is
 * printed, not asserted: speed is a benchmark's to measure (`npm run bench:recovery`).
 */
const LANES = 4;

jest.setTimeout(300_000);
afterAll(closeDatabase);

describe('rolling restart with SIGTERM', () => {
  let fleet: AppFleet;
  let temporal: Connection;

  beforeAll(async () => {
    const harness = testEnv();
    ensureBuilt(harness.root);
    const taskQueue = uid('rolling');
    fleet = new AppFleet({
      root: harness.root,
      // The fleet's workers serve no metrics: the harness's worker holds its metrics ports.
      env: { ...process.env, ...harness.childEnv, METRICS_PORT: '0', TEMPORAL_METRICS_PORT: '0', TASK_QUEUE: taskQueue },
      code: 'built',
      logDir: RUN_DIR,
      name: 'rolling',
      serverPorts: [await freePort(), await freePort()],
      workers: 2,
      detached: true,
      // Global teardown stops what a failed test leaves running.
      onSpawn: (pid) => writeTestEnv({ ...testEnv(), testWorkerPids: [...testEnv().testWorkerPids, pid] }),
    });
    await fleet.start();
    temporal = await Connection.connect({ address: harness.temporalAddress });
  });
  afterAll(async () => {
    await fleet?.stop();
    await temporal?.close();
  });

  it('restarts every worker and server one by one while orders flow: no error, no violation', async () => {
    const db = database();
    const users = await Promise.all(Array.from({ length: LANES }, () => makeUser({ balance: 10_000_000 })));
    const skus = await Promise.all([makeSku({ price: 1_990, stock: 10_000 }), makeSku({ price: 750, stock: 10_000 })]);
    const baseline = await takeBaseline(db, skus);
    const client = new FailoverClient({ servers: () => fleet.urls(), defaultKey: KEYS.retail, patienceMs: 15_000 });
    const flows = mixedOrderFlows((m, p, b, o) => client.send(m, p, b, o), { users, skus });

    let restarting = true;
    let roll = 0;
    const lanes = Promise.all(
      Array.from({ length: LANES }, async () => {
        while (restarting) await flows.runOne((roll = (roll + 0.37) % 1));
      }),
    );
    const restarts: string[] = [];
    const began = Date.now();
    const at = () => `${((Date.now() - began) / 1000).toFixed(1)} s`;
    // Warm-up, not measured: the first requests of fresh processes are slow (connections, caches).
    await sleep(4_000);
    const measuredFrom = Date.now();
    for (let slot = 0; slot < 2; slot++) {
      const stopping = at();
      await fleet.stopWorker(slot, 'SIGTERM');
      const stopped = at();
      const readyMs = await fleet.startWorker(slot);
      restarts.push(`worker ${slot} SIGTERM at ${stopping}, exited at ${stopped}, new one ready at ${at()} (${readyMs} ms after spawn)`);
      await sleep(1_500);
    }
    for (let slot = 0; slot < 2; slot++) {
      const stopping = at();
      await fleet.stopServer(slot, 'SIGTERM');
      const stopped = at();
      await fleet.startServer(slot);
      restarts.push(`server ${slot} SIGTERM at ${stopping}, exited at ${stopped}, new one ready at ${at()}`);
      await sleep(1_500);
    }
    restarting = false;
    await lanes;

    const temporalClient = new Client({ connection: temporal });
    const violations = await waitUntilSettled(db, temporalClient, users, 60_000);
    const { body: configured } = await call('GET', '/v1/identities', { key: KEYS.operator });
    const checked = await checkOrderInvariants(db, temporalClient, { users, baseline, expected: flows.expected, afterSaleDays: afterSaleDaysOf(configured.identities) });
    violations.push(...checked.violations);

    const stalls = client.stalls(measuredFrom);
    const byStatus: Record<string, number> = {};
    for (const r of client.records) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const resent = client.records.filter((r) => r.resends > 0).length;
    const slowest = client.records.filter((r) => r.startedAt >= measuredFrom).sort((a, b) => b.latencyMs - a.latencyMs).slice(0, 5);
    console.log(
      [
        `rolling restart (load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}):`,
        ...restarts.map((r) => `  ${r}`),
        `  slowest requests: ${slowest.map((r) => `${r.method} ${r.path} sent at ${((r.startedAt - began) / 1000).toFixed(1)} s took ${r.latencyMs} ms`).join('; ')}`,
        `  ${flows.completedFlows} flows completed, ${checked.orders.length} orders, ${client.records.length} requests ${JSON.stringify(byStatus)}, ${resent} sent again to another server`,
        `  from ${((measuredFrom - began) / 1000).toFixed(1)} s on: longest request ${stalls.maxLatencyMs} ms (${stalls.slowest?.method} ${stalls.slowest?.path}), longest gap between answers ${stalls.maxGapMs} ms`,
      ].join('\n'),
    );
    expect({
      restarts: restarts.length,
      flowsCompleted: flows.completedFlows > 8,
      clientErrors: flows.errors,
      violations,
    }).toEqual({ restarts: 4, flowsCompleted: true, clientErrors: [], violations: [] });
  });
});
