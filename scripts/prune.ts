/**
 * `npm run prune` — one run of the retention job (platform/retention/prune.ts): deletes
 * the rows past their horizon and prints how many per table. Needs DATABASE_URL. Safe
 * while workers run their own retention job and while other prunes run.
 */
import { loadPlatformConfig } from '../platform/config/platform-config';
import { createDb } from '../platform/db/knex';
import { envSettings, required } from '../platform/env';
import { createLogger } from '../platform/logger';
import { pruneOnce } from '../platform/retention/prune';
import { longestAfterSaleDays, retentionSettingsFromEnv } from '../platform/retention/settings';

async function main() {
  const url = required(envSettings(), 'DATABASE_URL');
  const settings = retentionSettingsFromEnv({ longestAfterSaleDays: longestAfterSaleDays(loadPlatformConfig().identities) });
  const db = createDb(url, 2);
  try {
    // No batch limit: a single run takes everything that is due.
    const counts = await pruneOnce(db, settings, { log: createLogger('prune'), maxBatches: Number.MAX_SAFE_INTEGER });
    console.log(JSON.stringify({ pruned: counts }));
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? `prune failed: ${err.message}` : err);
  process.exit(1);
});
