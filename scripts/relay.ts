/**
 * `npm run relay` — the outbox relay, webhook dispatcher, stale-freeze scanner and retention job as a
 * process of their own (run workers with OUTBOX_RELAY=off then, or not: several relays
 * are safe together). Needs DATABASE_URL. `--once` delivers what is due and exits.
 */
import { createDb } from '../platform/db/knex';
import { envSettings, required } from '../platform/env';
import { createLogger } from '../platform/logger';
import { OutboxRelay } from '../platform/outbox/relay';
import { backgroundSettingsFromEnv, CONSUMERS, startBackgroundServices } from '../platform/outbox/services';
import { loadPlatformConfig } from '../platform/config/platform-config';
import { longestAfterSaleDays, retentionSettingsFromEnv } from '../platform/retention/settings';

async function main() {
  const url = required(envSettings(), 'DATABASE_URL');
  const log = createLogger('relay');
  const db = createDb(url, 5);
  if (process.argv.includes('--once')) {
    const result = await new OutboxRelay(db, CONSUMERS, { log }).drain();
    console.log(JSON.stringify(result));
    await db.destroy();
    return;
  }
  const retention = retentionSettingsFromEnv({ longestAfterSaleDays: longestAfterSaleDays(loadPlatformConfig().identities) });
  const services = startBackgroundServices(db, { ...backgroundSettingsFromEnv(), relay: true, retention }, { log });
  console.log('relay ready');
  const stop = async () => {
    await services.stop();
    await db.destroy();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? `relay failed: ${err.message}` : err);
  process.exit(1);
});
