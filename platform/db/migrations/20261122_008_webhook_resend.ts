import type { Knex } from 'knex';

/**
 * A given-up (FAILED) or cancelled webhook delivery can be sent again on request. Its
 * attempts keep their numbers; the retry budget and schedule count from the attempts it
 * had when it was resent.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.integer('attempts_at_resend').notNullable().defaultTo(0);
    t.integer('resends').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('webhook_deliveries', (t) => {
    t.dropColumn('attempts_at_resend');
    t.dropColumn('resends');
  });
}
