/**
 * Composition root of a REST server process. Stateless: run as many as needed behind
 * a load balancer, against the same Temporal and PostgreSQL.
 */
import 'reflect-metadata';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { createApp } from './api/app';
import { OrderClient } from './api/order-client';
import { EXTENSIONS } from './extensions';
import { loadPlatformConfig } from './platform/config/platform-config';
import { buildRegistry } from './platform/container';
import { extensionModulesFromEnv, loadExtensionModules } from './platform/registry/extension-modules';
import { DEFAULT_PRESENCE, ServerPresence } from './platform/cluster/presence';
import { createDb } from './platform/db/knex';
import { pendingWorkflowInput } from './platform/flash-sale/workflow-starts';
import { envSettings, readEnv } from './platform/env';
import { longestAfterSaleDays, retentionSettingsFromEnv } from './platform/retention/settings';
import { createLogger } from './platform/logger';
import { registerOutboxGauges } from './platform/metrics/outbox-gauges';
import { requestIdClientInterceptor } from './platform/logging/temporal-interceptors';
import type { AppDeps } from './api/deps';
import { DEFAULT_LEASE, MachineLease } from './platform/order-ids/machine-lease';
import { OrderIdGenerator } from './platform/order-ids/order-id';

export interface ServerOptions {
  /** Whether this server counts in the cluster's shares of the flash-sale rate limits (heartbeats). */
  joinCluster?: boolean;
  flashSale?: AppDeps['flashSale'];
}

export async function startServer(opts: ServerOptions = {}) {
  const log = createLogger('server');
  const env = readEnv();
  const config = loadPlatformConfig();
  // The idempotency records this server answers from must outlive the client retry window: refuse otherwise.
  retentionSettingsFromEnv({ longestAfterSaleDays: longestAfterSaleDays(config.identities) });
  const db = createDb(env.databaseUrl);
  // The code base's extensions, and those of lines onboarded from outside it (EXTENSION_MODULES).
  const registry = buildRegistry(db, config, [...EXTENSIONS, ...loadExtensionModules(extensionModulesFromEnv())]);
  // A request retries an absent Temporal for about 3 s (the SDK's default is about 20 s) and
  // then answers 503: a brief blip is absorbed, an outage is told to the client at once.
  const connection = await Connection.connect({ address: env.temporalAddress, interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 6 }))] });
  // Workflow starts, updates and signals carry the REST request's id on to the activities' log lines.
  const temporal = new Client({ connection, namespace: env.temporalNamespace, interceptors: { workflow: [requestIdClientInterceptor] } });
  // Heartbeats tell each server how many share the cluster-wide limits (flash-sale rates).
  const presence = opts.joinCluster === false ? undefined : await new ServerPresence(db, DEFAULT_PRESENCE, (err) => log.warn({ err }, 'could not record this server’s heartbeat')).run();
  // A machine id leased for this process: order ids are unique across servers without coordination.
  const machineLease = await new MachineLease(db, DEFAULT_LEASE, (err) => log.warn({ err }, 'could not renew this server’s machine-id lease')).start();
  const orderIds = new OrderIdGenerator(() => machineLease.current());
  const orders = new OrderClient(temporal, env.taskQueue, (orderId) => pendingWorkflowInput(db, orderId), envSettings().WORKFLOW_TASK_TIMEOUT_MS);
  registerOutboxGauges(db);
  const app = createApp({ db, config, registry, temporal, orders, orderIds, presence, flashSale: opts.flashSale }, log);
  // LISTEN_BACKLOG: pending connections the kernel queues (Node's default 511); a flash
  // sale opening thousands of connections at once wants more (up to net.core.somaxconn).
  const { LISTEN_BACKLOG: backlog, HOST: host } = envSettings();
  const server = app.listen(env.port, host, backlog, () => log.info({ port: env.port }, 'server ready'));

  // Draining: a response answered while the server stops says `Connection: close`, so no
  // client sends another request on a connection about to close; server.close() closes
  // the idle ones at once and stops accepting.
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  const closeAfterAnswer = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) closeAfterAnswer(res);
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });

  const stop = () => {
    draining = true;
    inFlight.forEach(closeAfterAnswer);
    setTimeout(() => process.exit(0), 5000).unref();
    // Stop accepting at once and leave the cluster (the others take over this server's
    // share at their next beat). The machine-id lease goes only once every request in
    // flight is answered: a create still being served uses it for its order id.
    server.close(async () => {
      await machineLease.stop().catch(() => undefined);
      await connection.close();
      await db.destroy();
      process.exit(0);
    });
    void presence?.stop().catch(() => undefined);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  startServer().catch((err) => {
    console.error(err instanceof Error ? `server failed to start: ${err.message}` : err);
    process.exit(1);
  });
}
