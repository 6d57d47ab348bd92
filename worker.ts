/**
 * Composition root of a worker process: runs order workflows and their ability
 * activities, and (unless OUTBOX_RELAY=off) the outbox relay, the webhook dispatcher,
 * the stale-freeze scanner and the retention job; and the orphaned-order scanner. Start as many as needed against the same Temporal and
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
import { envSettings, readEnv } from './platform/env';
import { faultInjectorFromEnv } from './platform/faults';
import { createLogger } from './platform/logger';
import { backgroundSettingsFromEnv, startBackgroundServices } from './platform/outbox/services';
import { longestAfterSaleDays, retentionSettingsFromEnv } from './platform/retention/settings';
import { orderWorkflowState } from './platform/orders/workflow-state';
import { drainSettings, workflowCode } from './platform/worker-settings';
import { installTemporalMetrics, serveWorkerMetrics } from './platform/metrics/worker-metrics';
import { registerOutboxGauges } from './platform/metrics/outbox-gauges';
import { activityLogContext, workflowInterceptorModules } from './platform/logging/temporal-interceptors';
import { announceStarted } from './platform/code-cache';

async function main() {
  const loaded = Math.round(process.uptime() * 1000);
  const log = createLogger('worker');
  const env = readEnv();
  const settings = envSettings();
  // Start-up path, kept short (a replacement worker is ready in about a second): Temporal's
  // connection opens while configuration and extensions load; nothing that the first poll
  // does not need (the orphan scanner's client, the background services) runs before it.
  const temporalMetricsUrl = installTemporalMetrics(settings.TEMPORAL_METRICS_PORT);
  const connecting = NativeConnection.connect({ address: env.temporalAddress });
  connecting.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  const config = loadPlatformConfig();
  const db = createDb(env.databaseUrl);
  // The code base's extensions, and those of lines onboarded from outside it (EXTENSION_MODULES).
  const registry = buildRegistry(db, config, [...EXTENSIONS, ...loadExtensionModules(extensionModulesFromEnv())]);
  const faults = faultInjectorFromEnv((fault) => log.warn({ fault: fault.message }, 'injected fault'));
  if (faults.rate > 0) log.warn({ faultRate: faults.rate }, 'FAULT_RATE is set: activities and outbox consumers fail transiently on purpose');
  // Refuses at start-up retention horizons shorter than what the rows protect.
  const background = { ...backgroundSettingsFromEnv(), retention: retentionSettingsFromEnv({ longestAfterSaleDays: longestAfterSaleDays(config.identities) }) };
  const abilities = createAbilityActivities(registry, faults);
  const connection = await connecting;
  const connected = Math.round(process.uptime() * 1000);
  const code = workflowCode(__dirname, settings.WORKFLOW_BUNDLE);
  const worker = await Worker.create({
    connection,
    namespace: env.temporalNamespace,
    taskQueue: env.taskQueue,
    ...code,
    ...drainSettings(settings),
    activities: { ...abilities, ...createFlashSaleActivities(db) },
    // Log lines of activities carry their request, order, workflow, activity and attempt. The
    // prebuilt bundle has the workflow interceptors built in (scripts/build-workflow-bundle.ts).
    interceptors: { activity: [activityLogContext(log)], workflowModules: code.workflowBundle ? [] : workflowInterceptorModules() },
  });
  // Worker.run() polls at once, and stops polling on SIGINT/SIGTERM (worker.shutdown()):
  // in-flight activities get shutdownGraceTime to finish and the sticky queue is released.
  const running = worker.run();
  // A plain line, whatever LOG_LEVEL says: launchers and tests wait for it.
  const ready = Math.round(process.uptime() * 1000);
  console.log(`worker ready (task queue ${env.taskQueue}, Temporal ${env.temporalAddress}) ${ready} ms after start: code loaded at ${loaded} ms, configured and connected at ${connected} ms`);
  // The production launcher (worker-launch.ts) keeps the code compiled so far for the next start.
  announceStarted();

  if (settings.METRICS_PORT) registerOutboxGauges(db);
  const metricsServer = await serveWorkerMetrics(settings.METRICS_PORT, temporalMetricsUrl).catch((err: Error) => {
    log.error({ err, port: settings.METRICS_PORT }, 'could not serve /metrics on METRICS_PORT');
    return undefined;
  });
  // The orphan scanner asks Temporal whether an overdue order's workflow still runs; its
  // client connects when it first asks.
  let client: Promise<Client> | undefined;
  const temporalClient = () => (client ??= Connection.connect({ address: env.temporalAddress }).then((c) => new Client({ connection: c, namespace: env.temporalNamespace })));
  const orphans = { abilities, workflowState: async (orderId: string) => orderWorkflowState(await temporalClient(), orderId), config };
  const services = startBackgroundServices(db, background, { faults, log, orphans });

  await running;
  await services.stop();
  metricsServer?.close();
  await client?.then((c) => c.connection.close()).catch(() => undefined);
  await connection.close();
  await db.destroy();
  log.info('worker stopped');
}

main().catch((err) => {
  // A ConfigError names the file and key at fault; print it plainly and refuse to start.
  console.error(err instanceof Error ? `worker failed to start: ${err.message}` : err);
  process.exit(1);
});
