import type { Knex } from 'knex';

/** REST servers' heartbeats (platform/cluster/presence.ts): how many share a cluster-wide limit. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_servers', (t) => {
    t.text('server_id').primary();
    t.integer('pid').notNullable();
    t.timestamp('seen_at', { useTz: true }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('api_servers');
}
