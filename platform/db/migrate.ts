import path from 'node:path';
import { createDb } from './knex';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/** Applies every pending migration; safe to run on each start (knex locks the migration table). */
export async function migrateLatest(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, 2);
  try {
    await db.migrate.latest({ directory: MIGRATIONS_DIR, loadExtensions: ['.ts', '.js'] });
  } finally {
    await db.destroy();
  }
}
