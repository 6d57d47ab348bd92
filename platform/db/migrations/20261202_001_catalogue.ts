import type { Knex } from 'knex';

/**
 * The product centre: a back-end category tree whose categories carry attribute templates,
 * brands, front-end categories mapped onto back-end ones, SPUs and a search listing of
 * their SKUs. Products still live in `spus` and `skus` (orders, stock and snapshots read
 * those); the tables here only add the catalogue's structure beside them.
 *
 * Search keys. The database runs with the C locale, in which pg_trgm treats CJK characters
 * as non-word characters and drops them (show_trgm('华为手机') is empty), and most Chinese
 * words are two characters, shorter than a trigram anyway. So each listing keeps its own
 * grams in a GIN-indexed text[]: CJK runs as unigrams and bigrams, Latin/digit runs as
 * trigrams (or the whole word when shorter). A query asks for its grams with `@>` and then
 * checks the exact substring with LIKE, so the index narrows and LIKE decides.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('catalogue_categories', (t) => {
    t.text('category_id').primary();
    t.text('parent_id').references('catalogue_categories.category_id');
    t.text('name').notNullable();
    // Ancestors then itself, root first: a filter on any level is one GIN lookup.
    t.specificType('path', 'text[]').notNullable();
    // This category's own template entries; descendants inherit them.
    t.jsonb('attributes').notNullable().defaultTo('[]');
    t.integer('position').notNullable().defaultTo(0);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['parent_id']);
  });

  await knex.schema.createTable('catalogue_brands', (t) => {
    t.text('brand_id').primary();
    t.text('name').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // What buyers browse: merchandising reshapes this tree without touching products.
  await knex.schema.createTable('catalogue_front_categories', (t) => {
    t.text('front_category_id').primary();
    t.text('parent_id').references('catalogue_front_categories.front_category_id');
    t.text('name').notNullable();
    t.integer('position').notNullable().defaultTo(0);
    t.specificType('back_category_ids', 'text[]').notNullable().defaultTo('{}');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['parent_id']);
  });

  await knex.schema.createTable('catalogue_spus', (t) => {
    t.text('spu_id').primary().references('spus.spu_id');
    t.text('biz_id').notNullable();
    t.text('category_id').notNullable().references('catalogue_categories.category_id');
    t.text('brand_id').notNullable().references('catalogue_brands.brand_id');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['category_id']);
  });

  await knex.raw(`
    CREATE FUNCTION catalogue_grams(doc text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(array_agg(DISTINCT g), '{}')
      FROM regexp_matches(lower(doc), '([a-z0-9]+|[一-鿿㐀-䶿豈-﫿]+)', 'g') m,
           LATERAL (SELECT m[1] AS r, ascii(m[1]) < 128 AS latin, length(m[1]) AS n) x,
           LATERAL generate_series(1, CASE WHEN x.latin THEN greatest(x.n - 2, 1) ELSE x.n END) i,
           LATERAL unnest(CASE WHEN x.latin THEN ARRAY[substr(x.r, i, 3)]
                               WHEN i < x.n THEN ARRAY[substr(x.r, i, 1), substr(x.r, i, 2)]
                               ELSE ARRAY[substr(x.r, i, 1)] END) g
    $$;

    -- The grams a listing must hold to contain one search term: CJK bigrams (a unigram for a
    -- single character), Latin trigrams; a short Latin run alone is a whole word, and inside a
    -- longer term it is left to the LIKE check.
    CREATE FUNCTION catalogue_query_grams(term text) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      WITH runs AS (SELECT m[1] AS r, m[1] ~ '^[a-z0-9]' AS latin FROM regexp_matches(lower(term), '([a-z0-9]+|[一-鿿㐀-䶿豈-﫿]+)', 'g') m),
           solo AS (SELECT count(*) = 1 AS one FROM runs)
      SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
        SELECT r AS g FROM runs, solo WHERE latin AND length(r) < 3 AND one AND length(lower(term)) = length(r)
        UNION ALL SELECT substr(r, i, 3) FROM runs, generate_series(1, length(r) - 2) i WHERE latin
        UNION ALL SELECT r FROM runs WHERE NOT latin AND length(r) = 1
        UNION ALL SELECT substr(r, i, 2) FROM runs, generate_series(1, length(r) - 1) i WHERE NOT latin
      ) grams
    $$;`);

  // One row per catalogue SKU, denormalised for search. Price, stock and sales are copied
  // from `skus` by triggers in the same transaction as the change, so a search sees them at
  // once, whichever path changed them (catalogue, operator upsert, orders, flash sales).
  await knex.schema.createTable('catalogue_listings', (t) => {
    t.text('sku_id').primary().references('skus.sku_id');
    t.text('spu_id').notNullable().references('catalogue_spus.spu_id');
    t.text('category_id').notNullable().references('catalogue_categories.category_id');
    t.specificType('category_path', 'text[]').notNullable();
    t.text('brand_id').notNullable().references('catalogue_brands.brand_id');
    // The sales attributes, canonical: two SKUs of one SPU may not be the same variant.
    t.text('variant_key').notNullable();
    t.jsonb('sales_attributes').notNullable();
    t.text('title').notNullable().defaultTo('');
    t.jsonb('attributes').notNullable().defaultTo('{}');
    t.text('search_text').notNullable().defaultTo('');
    t.specificType('grams', 'text[]').notNullable().defaultTo('{}');
    t.specificType('attr_pairs', 'text[]').notNullable().defaultTo('{}');
    t.bigInteger('price').notNullable().defaultTo(0);
    t.integer('available').notNullable().defaultTo(0);
    t.integer('sold').notNullable().defaultTo(0);
    t.unique(['spu_id', 'variant_key']);
  });
  // Room on each page so stock and sales changes stay heap-only (no index entries).
  await knex.raw(`ALTER TABLE catalogue_listings SET (fillfactor = 85)`);
  await knex.raw(`
    CREATE INDEX catalogue_listings_grams ON catalogue_listings USING gin (grams);
    CREATE INDEX catalogue_listings_category_path ON catalogue_listings USING gin (category_path);
    CREATE INDEX catalogue_listings_attr_pairs ON catalogue_listings USING gin (attr_pairs);
    CREATE INDEX catalogue_listings_brand ON catalogue_listings (brand_id);`);

  await knex.raw(`
    -- A listing's search keys: the text LIKE checks (title, attribute values, brand name and
    -- the names along the category path, lowercased), the grams the GIN index finds, and
    -- key=value pairs for attribute filters and facets. With every name in one text, all the
    -- words of a query become one grams @> condition that GIN answers by intersecting posting lists.
    CREATE FUNCTION catalogue_search_keys(title text, attributes jsonb, brand_name text, category_names text,
                                          OUT search_text text, OUT grams text[], OUT attr_pairs text[])
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT t, catalogue_grams(t), p
      FROM (SELECT lower(concat_ws(' ', title, string_agg(value, ' '), brand_name, category_names)) AS t, coalesce(array_agg(key || '=' || value), '{}') AS p
            FROM jsonb_each_text(attributes)) kv
    $$;

    -- Fills a listing's copied columns from its SKU row. The search keys are recomputed only
    -- when what they are made of changed (a stock change must stay cheap); renaming a brand
    -- or category blanks search_text on its listings to have them recomputed.
    CREATE FUNCTION catalogue_listing_fill() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE s skus%ROWTYPE;
    BEGIN
      SELECT * INTO s FROM skus WHERE sku_id = NEW.sku_id;
      NEW.price := s.price;
      NEW.available := s.stock - s.reserved;
      NEW.sold := s.sold;
      IF TG_OP = 'INSERT' OR NEW.search_text = '' OR NEW.title IS DISTINCT FROM s.title OR NEW.attributes IS DISTINCT FROM s.attributes
         OR NEW.brand_id IS DISTINCT FROM OLD.brand_id OR NEW.category_path IS DISTINCT FROM OLD.category_path THEN
        NEW.title := s.title;
        NEW.attributes := s.attributes;
        SELECT k.search_text, k.grams, k.attr_pairs INTO NEW.search_text, NEW.grams, NEW.attr_pairs
        FROM catalogue_search_keys(s.title, s.attributes,
               (SELECT name FROM catalogue_brands WHERE brand_id = NEW.brand_id),
               (SELECT string_agg(name, ' ') FROM catalogue_categories WHERE category_id = ANY(NEW.category_path))) k;
      END IF;
      RETURN NEW;
    END $$;
    CREATE TRIGGER catalogue_listings_fill BEFORE INSERT OR UPDATE ON catalogue_listings
      FOR EACH ROW EXECUTE FUNCTION catalogue_listing_fill();

    CREATE FUNCTION catalogue_listing_follow_sku() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE catalogue_listings SET price = NEW.price WHERE sku_id = NEW.sku_id;
      RETURN NULL;
    END $$;
    CREATE TRIGGER skus_catalogue_listing AFTER UPDATE ON skus
      FOR EACH ROW WHEN (OLD.price IS DISTINCT FROM NEW.price OR OLD.stock IS DISTINCT FROM NEW.stock
        OR OLD.reserved IS DISTINCT FROM NEW.reserved OR OLD.sold IS DISTINCT FROM NEW.sold
        OR OLD.title IS DISTINCT FROM NEW.title OR OLD.attributes IS DISTINCT FROM NEW.attributes)
      EXECUTE FUNCTION catalogue_listing_follow_sku();`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TRIGGER IF EXISTS skus_catalogue_listing ON skus`);
  await knex.raw(`DROP FUNCTION IF EXISTS catalogue_listing_follow_sku()`);
  for (const t of ['catalogue_listings', 'catalogue_spus', 'catalogue_front_categories', 'catalogue_brands', 'catalogue_categories']) {
    await knex.schema.dropTableIfExists(t);
  }
  await knex.raw(`DROP FUNCTION IF EXISTS catalogue_listing_fill(); DROP FUNCTION IF EXISTS catalogue_search_keys(text, jsonb, text, text); DROP FUNCTION IF EXISTS catalogue_query_grams(text); DROP FUNCTION IF EXISTS catalogue_grams(text)`);
}
