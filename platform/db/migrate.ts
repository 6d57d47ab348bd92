import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { createDb } from './knex';

export const MIGRATIONS_DIR = path.join(__dirname, 'migrations');

/**
 * The migrations of MIGRATIONS_DIR, named by their source file (`….ts`) whether they run
 * from the TypeScript sources or compiled into dist/ (`….js`): knex records each name, and
 * a database migrated by one must not see the other's files as new ones.
 */
export class MigrationFiles implements Knex.MigrationSource<string> {
  constructor(private readonly dir = MIGRATIONS_DIR) {}

  async getMigrations(): Promise<string[]> {
    const files = fs.readdirSync(this.dir).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts'));
    return files.sort();
  }

  getMigrationName(file: string): string {
    return file.replace(/\.js$/, '.ts');
  }

  async getMigration(file: string): Promise<Knex.Migration> {
    return require(path.join(this.dir, file)) as Knex.Migration;
  }
}

/** Applies every pending migration; safe to run on each start (knex locks the migration table). */
export async function migrateLatest(databaseUrl: string): Promise<void> {
  const db = createDb(databaseUrl, 2);
  try {
    await db.migrate.latest({ migrationSource: new MigrationFiles() });
  } finally {
    await db.destroy();
  }
}
