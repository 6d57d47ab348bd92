/**
 * Prints the reconciliation of the books and the accounting journal's check against the
 * ledger; exits non-zero if the books drift, or if the journal differs once every outbox
 * event has been delivered (while events are pending the journal may lag: reported, not failed).
 */
import { checkAccounting } from '../platform/accounting/journal';
import { createDb } from '../platform/db/knex';
import { envSettings, required } from '../platform/env';
import { reconcile } from '../platform/ledger/reconcile';

async function main() {
  const url = required(envSettings(), 'DATABASE_URL');
  const db = createDb(url, 2);
  try {
    const r = await reconcile(db);
    console.log(JSON.stringify(r, null, 2));
    console.log(r.ok ? 'books reconcile: every balance equals its ledger, money is conserved' : 'books DO NOT reconcile: see the accounts and movements above');
    const a = await checkAccounting(db);
    console.log(JSON.stringify(a, null, 2));
    const journalFails = !a.ok && a.pendingEvents === 0;
    console.log(a.ok ? 'accounting journal equals the ledger' : a.pendingEvents > 0 ? `accounting journal lags: ${a.pendingEvents} event(s) not yet delivered` : 'accounting journal DIFFERS from the ledger');
    process.exitCode = r.ok && !journalFails ? 0 : 1;
  } finally {
    await db.destroy();
  }
}
main();
