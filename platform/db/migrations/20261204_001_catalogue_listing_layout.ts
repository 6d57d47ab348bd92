import type { Knex } from 'knex';

/**
 * The listing laid out for search, rebuilt before the first release while it is cheap:
 * - Columns a search reads from every match (sort keys, facets, the texts it checks) come
 *   first. A row is read front to back, and the bulky ones (grams, attributes) used to sit
 *   before price and sales, so every match of a broad query paid for walking over them.
 * - Browsing a category reads its listings from one B-tree of (category) carrying every
 *   column the matches, their sort and their facets need: an index-only scan instead of a
 *   visit to every matching row's page. It replaces the GIN index on the category path; a
 *   category filter names the categories below it instead. `available` stays out of it so
 *   a reservation's stock change remains a heap-only update; a sale or a price change
 *   writes index entries.
 */
const COLUMNS = 'sku_id, price, sold, available, brand_id, category_id, title, search_text, attr_pairs, spu_id, category_path, variant_key, sales_attributes, attributes, grams';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    ALTER TABLE catalogue_listings RENAME TO catalogue_listings_before;
    ALTER INDEX catalogue_listings_pkey RENAME TO catalogue_listings_before_pkey;
    ALTER TABLE catalogue_listings_before RENAME CONSTRAINT catalogue_listings_spu_id_variant_key_unique TO catalogue_listings_before_variant;
    DROP TRIGGER catalogue_listings_fill ON catalogue_listings_before;
    DROP INDEX catalogue_listings_grams, catalogue_listings_category_path, catalogue_listings_attr_pairs, catalogue_listings_brand;

    CREATE TABLE catalogue_listings (
      sku_id text PRIMARY KEY REFERENCES skus (sku_id),
      price bigint NOT NULL DEFAULT 0,
      sold integer NOT NULL DEFAULT 0,
      available integer NOT NULL DEFAULT 0,
      brand_id text NOT NULL REFERENCES catalogue_brands (brand_id),
      category_id text NOT NULL REFERENCES catalogue_categories (category_id),
      title text NOT NULL DEFAULT '',
      search_text text NOT NULL DEFAULT '',
      attr_pairs text[] NOT NULL DEFAULT '{}',
      spu_id text NOT NULL REFERENCES catalogue_spus (spu_id),
      category_path text[] NOT NULL,
      -- The sales attributes, canonical: two SKUs of one SPU may not be the same variant.
      variant_key text NOT NULL,
      sales_attributes jsonb NOT NULL,
      attributes jsonb NOT NULL DEFAULT '{}',
      grams text[] NOT NULL DEFAULT '{}',
      CONSTRAINT catalogue_listings_spu_id_variant_key_unique UNIQUE (spu_id, variant_key)
    ) WITH (fillfactor = 85); -- room on each page so stock changes stay heap-only
    INSERT INTO catalogue_listings (${COLUMNS}) SELECT ${COLUMNS} FROM catalogue_listings_before;
    DROP TABLE catalogue_listings_before;

    CREATE INDEX catalogue_listings_grams ON catalogue_listings USING gin (grams);
    CREATE INDEX catalogue_listings_attr_pairs ON catalogue_listings USING gin (attr_pairs);
    CREATE INDEX catalogue_listings_brand ON catalogue_listings (brand_id);
    CREATE INDEX catalogue_listings_browse ON catalogue_listings (category_id) INCLUDE (sku_id, brand_id, price, sold, attr_pairs);
    CREATE TRIGGER catalogue_listings_fill BEFORE INSERT OR UPDATE ON catalogue_listings
      FOR EACH ROW EXECUTE FUNCTION catalogue_listing_fill();

    -- The categories below a category, found by their path.
    CREATE INDEX catalogue_categories_path ON catalogue_categories USING gin (path);`);
}

/** Back to the path index (the column order, which changes no answer, stays). */
export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    DROP INDEX IF EXISTS catalogue_categories_path;
    CREATE INDEX IF NOT EXISTS catalogue_listings_category_path ON catalogue_listings USING gin (category_path);
    DROP INDEX IF EXISTS catalogue_listings_browse;`);
}
