/**
 * Composition root of a worker process: runs order workflows and their ability
 * activities, and (unless OUTBOX_RELAY=off) the outbox relay, the webhook dispatcher,
 * the stale-freeze scanner and the orphaned-order scanner. Start as many as needed against the same Temporal and
 * PostgreSQL. FAULT_RATE (platform/faults.ts) injects transient faults for fault tests.
 */
import 'reflect-metadata';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createAbilityActivities } from './activities/ability-activities';
import { createFlashSaleActivities } from './activities/flash-sale.activities';
import { EXTENSIONS } from './extensions';
import { loadPlatformConfig } from './platform/config/platform-config';
import { buildRegistry } from './platform/container';
import { extensionModulesFromEnv, loadExtensionModules } from './platform/registry/extension-modules';
import { createDb } from './platform/db/knex';
import { readEnv } from './platform/env';
import { faultInjectorFromEnv } from './platform/faults';
import { createLogger } from './platform/logger';
import { backgroundSettingsFromEnv, startBackgroundServices } from './platform/outbox/services';
import { orderWorkflowState } from './platform/orders/workflow-state';

async function main() {
  const log = createLogger('worker');
  const env = readEnv();
  const config = loadPlatformConfig();
  const db = createDb(env.databaseUrl);
  // The code base's extensions, and those of lines onboarded from outside it (EXTENSION_MODULES).
  const registry = buildRegistry(db, config, [...EXTENSIONS, ...loadExtensionModules(extensionModulesFromEnv())]);
  const faults = faultInjectorFromEnv((fault) => log.warn({ fault: fault.message }, 'injected fault'));
  if (faults.rate > 0) log.warn({ faultRate: faults.rate }, 'FAULT_RATE is set: activities and outbox consumers fail transiently on purpose');
  const background = backgroundSettingsFromEnv();
  const connection = await NativeConnection.connect({ address: env.temporalAddress });
  const abilities = createAbilityActivities(registry, faults);
  const worker = await Worker.create({
    connection,
    namespace: env.temporalNamespace,
    taskQueue: env.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: { ...abilities, ...createFlashSaleActivities(db) },
  });
  // The orphan scanner asks Temporal whether an overdue order's workflow still runs.
  const client = new Client({ connection: await Connection.connect({ address: env.temporalAddress }), namespace: env.temporalNamespace });
  const orphans = { abilities, workflowState: (orderId: string) => orderWorkflowState(client, orderId), config };
  const services = startBackgroundServices(db, background, { faults, log, orphans });
  // A plain line, whatever LOG_LEVEL says: launchers and tests wait for it.
  console.log(`worker ready (task queue ${env.taskQueue}, Temporal ${env.temporalAddress})`);
  // Worker.run() stops on SIGINT/SIGTERM, letting in-flight activities finish.
  await worker.run();
  await services.stop();
  await client.connection.close();
  await connection.close();
  await db.destroy();
  log.info('worker stopped');
}

main().catch((err) => {
  // A ConfigError names the file and key at fault; print it plainly and refuse to start.
  console.error(err instanceof Error ? `worker failed to start: ${err.message}` : err);
  process.exit(1);
});
