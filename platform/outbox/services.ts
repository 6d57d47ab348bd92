import { accountingConsumer } from '../accounting/journal';
import { startLoop, type Loop } from '../background';
import type { Db } from '../db/knex';
import { envSettings } from '../env';
import { NO_FAULTS, type FaultInjector } from '../faults';
import type { Logger } from '../logger';
import { repairOrphanedOrders, type OrphanScanDeps } from '../orders/orphans';
import { pruneOnce } from '../retention/prune';
import type { RetentionSettings } from '../retention/settings';
import { releaseStaleFreezes } from '../tcc/stale-freezes';
import { settleStalePayOrderFreezes } from '../payments/pay-order-freeze';
import { WebhookDispatcher } from '../webhooks/dispatcher';
import { webhookOptionsFromEnv } from '../webhooks/settings';
import { webhookConsumer } from '../webhooks/consumer';
import type { OutboxConsumer } from './consumer';
import { OutboxRelay } from './relay';

/** The outbox's consumers, in delivery order. */
export const CONSUMERS: readonly OutboxConsumer[] = [accountingConsumer, webhookConsumer];

export interface BackgroundSettings {
  relay: boolean;
  relayPollMs: number;
  webhookPollMs: number;
  staleFreezeSeconds: number;
  staleScanIntervalMs: number;
  orphanGraceSeconds: number;
  /** The retention job's horizons; none: the job does not run in this process. */
  retention?: RetentionSettings;
}

/**
 * The background services' settings from the environment: OUTBOX_RELAY=off turns them
 * off in a process (e.g. when relays run as their own processes), OUTBOX_POLL_MS and
 * WEBHOOK_POLL_MS set how often they look for work, STALE_FREEZE_SECONDS is the age at
 * which an unconfirmed, uncancelled freeze is released (default 15 minutes, well past
 * any pay flow's retries), STALE_SCAN_INTERVAL_MS how often the scanners look, and
 * ORPHAN_GRACE_SECONDS how long past its payment deadline an unpaid order must be before
 * the orphan scanner asks whether its workflow is gone (default 10 minutes).
 */
export function backgroundSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): BackgroundSettings {
  const s = envSettings(env);
  return {
    relay: s.OUTBOX_RELAY,
    relayPollMs: s.OUTBOX_POLL_MS,
    webhookPollMs: s.WEBHOOK_POLL_MS,
    staleFreezeSeconds: s.STALE_FREEZE_SECONDS,
    staleScanIntervalMs: s.STALE_SCAN_INTERVAL_MS,
    orphanGraceSeconds: s.ORPHAN_GRACE_SECONDS,
  };
}

/**
 * Starts the outbox relay, the webhook dispatcher, the stale-freeze scanner, the retention
 * job (given its settings) and (given what it needs) the orphaned-order scanner in this process. Each is safe to run in many
 * processes at once (SKIP LOCKED, leases, fences).
 */
export function startBackgroundServices(
  db: Db,
  settings: BackgroundSettings,
  opts: { faults?: FaultInjector; log?: Logger; orphans?: Omit<OrphanScanDeps, 'db' | 'log'> } = {},
): Loop {
  const loops: Loop[] = [];
  if (settings.relay) {
    const relay = new OutboxRelay(db, CONSUMERS, { faults: opts.faults ?? NO_FAULTS, log: opts.log });
    const dispatcher = new WebhookDispatcher(db, webhookOptionsFromEnv(opts.log));
    loops.push(
      startLoop('outbox-relay', settings.relayPollMs, async () => {
        const b = await relay.runOnce();
        return b.published;
      }, opts.log),
      startLoop('webhook-dispatcher', settings.webhookPollMs, () => dispatcher.runOnce(), opts.log),
      startLoop('stale-freeze-scanner', settings.staleScanIntervalMs, async () => {
        await releaseStaleFreezes(db, { olderThanSeconds: settings.staleFreezeSeconds, log: opts.log });
        await settleStalePayOrderFreezes(db, { olderThanSeconds: settings.staleFreezeSeconds, log: opts.log });
        return 0;
      }, opts.log),
    );
    const retention = settings.retention;
    if (retention) {
      // Returns 0 so the next run waits its interval: a run stops after a bounded number of batches.
      loops.push(startLoop('retention', retention.intervalMs, async () => {
        await pruneOnce(db, retention, { log: opts.log });
        return 0;
      }, opts.log));
    }
  }
  // Workers run it whatever OUTBOX_RELAY says: it needs their ability activities and Temporal.
  const orphans = opts.orphans;
  if (orphans) {
    loops.push(
      startLoop('orphan-scanner', settings.staleScanIntervalMs, async () => {
        await repairOrphanedOrders({ ...orphans, db, log: opts.log }, { graceSeconds: settings.orphanGraceSeconds });
        return 0;
      }, opts.log),
    );
  }
  return { stop: async () => void (await Promise.all(loops.map((l) => l.stop()))) };
}
