import type { Knex } from 'knex';

/** How many machine ids an order id can carry (two base-36 digits). */
export const MACHINE_ID_SLOTS = 36 * 36;

/**
 * Buyers' side: accounts with credentials, one-time SMS codes, throttling attempts,
 * refresh-token families, carts (guest and buyer), and the machine-id leases that make
 * order ids unique across processes.
 */
export async function up(knex: Knex): Promise<void> {
  // A buyer is a user (users/accounts rows, as the order core knows them) with credentials.
  await knex.schema.createTable('buyer_accounts', (t) => {
    t.text('buyer_id').primary().references('users.user_id');
    t.text('phone').notNullable().unique();
    t.text('username').unique();
    t.text('nickname').notNullable();
    t.text('password_hash').notNullable();
    t.integer('failed_logins').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Codes are stored as keyed hashes: a database reader cannot use a live code.
  await knex.schema.createTable('buyer_verification_codes', (t) => {
    t.bigIncrements('code_id').primary();
    t.text('phone').notNullable();
    t.text('purpose').notNullable();
    t.text('code_hash'); // null when the message carried no code (nothing to verify)
    t.integer('failed_attempts').notNullable().defaultTo(0);
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('consumed_at', { useTz: true });
    t.text('requester_ip').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['phone', 'purpose', 'created_at']);
  });
  await knex.raw(`ALTER TABLE buyer_verification_codes ADD CONSTRAINT buyer_codes_purpose_chk CHECK (purpose IN ('register','login','reset-password'))`);

  // Throttling: one row per counted attempt (a code sent, a wrong code, a wrong password),
  // counted over a sliding window by every server alike.
  await knex.schema.createTable('buyer_attempts', (t) => {
    t.bigIncrements('attempt_id').primary();
    t.text('scope').notNullable();
    t.text('subject').notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['scope', 'subject', 'at']);
  });

  // The messages the simulated SMS gateway would have sent (tests read codes here).
  await knex.schema.createTable('simulated_sms_messages', (t) => {
    t.bigIncrements('message_id').primary();
    t.text('phone').notNullable();
    t.text('template').notNullable();
    t.jsonb('params').notNullable().defaultTo('{}');
    t.text('text').notNullable();
    t.timestamp('sent_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['phone', 'message_id']);
  });

  // One family per login; every refresh rotates within it. A revoked family ends the
  // session's access tokens too (they carry its id).
  await knex.schema.createTable('buyer_session_families', (t) => {
    t.text('family_id').primary();
    t.text('buyer_id').notNullable().references('buyer_accounts.buyer_id');
    t.timestamp('revoked_at', { useTz: true });
    t.text('revoked_reason');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['buyer_id']);
  });
  await knex.schema.createTable('buyer_refresh_tokens', (t) => {
    t.text('token_id').primary();
    t.text('family_id').notNullable().references('buyer_session_families.family_id');
    t.text('secret_hash').notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }); // rotated: presenting it again is a reuse
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['family_id']);
  });

  // A cart belongs to a buyer or, before login, to a guest token (stored hashed).
  await knex.schema.createTable('carts', (t) => {
    t.text('cart_id').primary();
    t.text('buyer_id').unique().references('buyer_accounts.buyer_id');
    t.text('guest_token_hash').unique();
    t.timestamp('merged_at', { useTz: true }); // a guest cart once merged into a buyer's
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE carts ADD CONSTRAINT carts_owner_chk CHECK ((buyer_id IS NULL) <> (guest_token_hash IS NULL))`);
  // Keyed by SKU with its business line, so a checkout can split the cart into orders by line.
  await knex.schema.createTable('cart_lines', (t) => {
    t.text('cart_id').notNullable().references('carts.cart_id').onDelete('CASCADE');
    t.text('sku_id').notNullable().references('skus.sku_id');
    t.text('biz_id').notNullable();
    t.integer('quantity').notNullable();
    t.bigInteger('price_at_add').notNullable();
    t.text('title_at_add').notNullable();
    t.timestamp('added_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['cart_id', 'sku_id']);
  });
  await knex.raw(`ALTER TABLE cart_lines ADD CONSTRAINT cart_lines_quantity_chk CHECK (quantity > 0)`);

  // Machine ids of order-id generators: each process leases one for as long as it renews it.
  await knex.schema.createTable('id_machine_leases', (t) => {
    t.integer('machine_id').primary();
    t.text('holder');
    t.text('host');
    t.integer('pid');
    t.timestamp('expires_at', { useTz: true }).notNullable().defaultTo('epoch');
  });
  await knex.raw(`INSERT INTO id_machine_leases (machine_id) SELECT g FROM generate_series(0, ${MACHINE_ID_SLOTS - 1}) g`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['id_machine_leases', 'cart_lines', 'carts', 'buyer_refresh_tokens', 'buyer_session_families', 'simulated_sms_messages', 'buyer_attempts', 'buyer_verification_codes', 'buyer_accounts']) {
    await knex.schema.dropTableIfExists(table);
  }
}
