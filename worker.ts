/**
 * Composition root of a worker process: runs order workflows and their ability
 * activities. Start as many as needed against the same Temporal and PostgreSQL.
 */
import 'reflect-metadata';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createAbilityActivities } from './activities/ability-activities';
import { createFlashSaleActivities } from './activities/flash-sale.activities';
import { EXTENSIONS } from './extensions';
import { loadPlatformConfig } from './platform/config/platform-config';
import { buildRegistry } from './platform/container';
import { createDb } from './platform/db/knex';
import { readEnv } from './platform/env';
import { createLogger } from './platform/logger';

async function main() {
  const log = createLogger('worker');
  const env = readEnv();
  const config = loadPlatformConfig();
  const db = createDb(env.databaseUrl);
  const registry = buildRegistry(db, config, EXTENSIONS);
  const connection = await NativeConnection.connect({ address: env.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: env.temporalNamespace,
    taskQueue: env.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: { ...createAbilityActivities(registry), ...createFlashSaleActivities(db) },
  });
  log.info({ taskQueue: env.taskQueue, temporal: env.temporalAddress }, 'worker ready');
  // Worker.run() stops on SIGINT/SIGTERM, letting in-flight activities finish.
  await worker.run();
  await connection.close();
  await db.destroy();
  log.info('worker stopped');
}

main().catch((err) => {
  // A ConfigError names the file and key at fault; print it plainly and refuse to start.
  console.error(err instanceof Error ? `worker failed to start: ${err.message}` : err);
  process.exit(1);
});
