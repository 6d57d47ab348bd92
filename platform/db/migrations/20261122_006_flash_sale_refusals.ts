import type { Knex } from 'knex';

/**
 * The idempotency record of a refused flash-sale attempt (a win's is its reservation
 * row): the same Idempotency-Key with the same body gets this answer again, on any
 * server, even once units have come back. Only decisions are kept (sold out, over the
 * limit, unknown buyer); a 429 or "not started yet" was not an answer to the request
 * and is not recorded, so the buyer retries with the same key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('flash_sale_refusals', (t) => {
    t.text('campaign_id').notNullable().references('flash_sale_campaigns.campaign_id');
    t.text('principal').notNullable();
    t.text('idem_key').notNullable();
    t.text('request_hash').notNullable();
    t.integer('status').notNullable();
    t.jsonb('body').notNullable(); // the error body as answered
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['campaign_id', 'principal', 'idem_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('flash_sale_refusals');
}
