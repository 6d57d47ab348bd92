/** Prints the reconciliation of the books and exits non-zero if anything drifts. */
import { createDb } from '../platform/db/knex';
import { reconcile } from '../platform/ledger/reconcile';

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set');
  const db = createDb(url, 2);
  try {
    const r = await reconcile(db);
    console.log(JSON.stringify(r, null, 2));
    console.log(r.ok ? 'books reconcile: every balance equals its ledger, money is conserved' : 'books DO NOT reconcile: see the accounts and movements above');
    process.exitCode = r.ok ? 0 : 1;
  } finally {
    await db.destroy();
  }
}
main();
