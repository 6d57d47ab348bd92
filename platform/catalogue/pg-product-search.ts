import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { backCategoriesOf } from './categories';
import type { Facets, ProductSearch, SearchHit, SearchRequest, SearchResult } from './product-search';
import { decodeCursor, encodeCursor, type SearchCursor } from './search-cursor';

/**
 * Product search on PostgreSQL, over `catalogue_listings` (one row per catalogue SKU).
 *
 * A query word matches a listing whose title or attribute values contain it (the n-gram
 * GIN index narrows, LIKE checks the exact substring; see the catalogue migration for why
 * n-grams and not pg_trgm), or whose brand or category is named by it (those small tables
 * are searched first, and the listing is then found by brand id or category path).
 * Relevance: a word in the title counts 3, in the brand 2, elsewhere 1; ties go to the
 * better seller. Facets count over every match (conjunctive: a chosen brand narrows the
 * category counts as well as the hits).
 */
export class PgProductSearch implements ProductSearch {
  constructor(private readonly db: Db) {}

  async search(req: SearchRequest): Promise<SearchResult> {
    const cursor = req.cursor ? decodeCursor(req.cursor, req.sort) : undefined;
    const filter = new SqlParts();
    const score = new SqlParts();

    const terms = splitTerms(req.q);
    if (terms.length) {
      const patterns = terms.map((t) => `%${escapeLike(t)}%`);
      const { rows } = await this.db.raw(
        `SELECT t.pattern, catalogue_query_grams(t.term) AS grams,
           ARRAY(SELECT brand_id FROM catalogue_brands WHERE lower(name) LIKE t.pattern) AS brands,
           ARRAY(SELECT category_id FROM catalogue_categories WHERE lower(name) LIKE t.pattern) AS categories
         FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS t(term, pattern, n) ORDER BY t.n`,
        [terms, patterns],
      );
      for (const r of rows as { pattern: string; grams: string[]; brands: string[]; categories: string[] }[]) {
        const either = new SqlParts();
        either.add(r.grams.length ? '(l.grams @> ?::text[] AND l.search_text LIKE ?)' : 'l.search_text LIKE ?', ...(r.grams.length ? [r.grams, r.pattern] : [r.pattern]));
        if (r.brands.length) either.add('l.brand_id = ANY(?::text[])', r.brands);
        if (r.categories.length) either.add('l.category_path && ?::text[]', r.categories);
        filter.add(`(${either.sql(' OR ')})`, ...either.bindings);
        score.add(`CASE WHEN lower(l.title) LIKE ? THEN 3 WHEN l.brand_id = ANY(?::text[]) THEN 2 ELSE 1 END`, r.pattern, r.brands);
      }
    }
    if (req.category) filter.add('l.category_path @> ARRAY[?]::text[]', req.category);
    if (req.frontCategory) {
      const backIds = await backCategoriesOf(this.db, req.frontCategory);
      if (!backIds.length) return emptyResult(req);
      filter.add('l.category_path && ?::text[]', backIds);
    }
    if (req.brands?.length) filter.add('l.brand_id = ANY(?::text[])', req.brands);
    for (const a of req.attributes ?? []) filter.add('l.attr_pairs && ?::text[]', a.values.map((v) => `${a.key}=${v}`));
    if (req.minPrice !== undefined) filter.add('l.price >= ?', req.minPrice);
    if (req.maxPrice !== undefined) filter.add('l.price <= ?', req.maxPrice);
    if (req.inStock) filter.add('l.available > 0');

    const where = filter.sql(' AND ') || 'true';
    const [hits, facets] = await Promise.all([this.page(req, where, filter.bindings, score, cursor), this.facets(req, where, filter.bindings)]);
    return { ...hits, ...facets };
  }

  private async page(req: SearchRequest, where: string, bindings: Knex.RawBinding[], score: SqlParts, cursor?: SearchCursor) {
    const scoreSql = score.sql(' + ') || '0';
    const order = ORDER[req.sort];
    const after = cursor ? afterCursor(cursor) : { sql: 'true', bindings: [] as Knex.RawBinding[] };
    const { rows } = await this.db.raw(
      `SELECT p.*, b.name AS brand_name, c.name AS category_name FROM (
         SELECT * FROM (
           SELECT l.sku_id, l.spu_id, l.title, l.brand_id, l.category_id, l.price, l.available, l.sold, l.attributes, (${scoreSql})::int AS score
           FROM catalogue_listings l WHERE ${where}) h
         WHERE ${after.sql} ORDER BY ${order} LIMIT ?) p
       JOIN catalogue_brands b ON b.brand_id = p.brand_id JOIN catalogue_categories c ON c.category_id = p.category_id
       ORDER BY ${order}`,
      [...score.bindings, ...bindings, ...after.bindings, req.limit + 1],
    );
    const more = rows.length > req.limit;
    const page = rows.slice(0, req.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(hitView),
      nextCursor: more && last ? encodeCursor({ sort: req.sort, keys: cursorKeys(req.sort, last), skuId: last.sku_id }) : null,
    };
  }

  private async facets(req: SearchRequest, where: string, bindings: Knex.RawBinding[]): Promise<{ total?: number; facets?: Facets }> {
    if (!req.facets?.length) return {};
    const byBrand = req.facets.includes('brand');
    const byCategory = req.facets.includes('category');
    // GROUPING() only takes columns of the grouping sets: a facet not asked for is a constant.
    const columns = [byBrand ? 'GROUPING(l.brand_id) AS gb, l.brand_id' : '1 AS gb, NULL AS brand_id', byCategory ? 'GROUPING(l.category_id) AS gc, l.category_id' : '1 AS gc, NULL AS category_id'];
    const sets = ['()', ...(byBrand ? ['(l.brand_id)'] : []), ...(byCategory ? ['(l.category_id)'] : [])];
    const [grouped, pairs] = await Promise.all([
      this.db.raw(
        `SELECT ${columns.join(', ')}, count(*)::int AS n
         FROM catalogue_listings l WHERE ${where} GROUP BY GROUPING SETS (${sets.join(', ')})`,
        bindings,
      ),
      req.facets.includes('attributes')
        ? this.db.raw(`SELECT p, count(*)::int AS n FROM catalogue_listings l, unnest(l.attr_pairs) p WHERE ${where} GROUP BY p`, bindings)
        : Promise.resolve({ rows: [] }),
    ]);
    const rows = grouped.rows as { gb: number; gc: number; brand_id: string; category_id: string; n: number }[];
    const total = rows.find((r) => r.gb === 1 && r.gc === 1)?.n ?? 0;
    const top = <T extends { n: number }>(list: T[]) => list.sort((a, b) => b.n - a.n).slice(0, FACET_VALUES);
    const brandRows = top(rows.filter((r) => r.gb === 0));
    const categoryRows = top(rows.filter((r) => r.gc === 0));
    const [brandNames, categoryNames] = await Promise.all([
      brandRows.length ? this.db('catalogue_brands').whereIn('brand_id', brandRows.map((r) => r.brand_id)).select('brand_id', 'name') : [],
      categoryRows.length ? this.db('catalogue_categories').whereIn('category_id', categoryRows.map((r) => r.category_id)).select('category_id', 'name') : [],
    ]);
    const bName = new Map(brandNames.map((b: { brand_id: string; name: string }) => [b.brand_id, b.name]));
    const cName = new Map(categoryNames.map((c: { category_id: string; name: string }) => [c.category_id, c.name]));
    const facets: Facets = {};
    if (req.facets.includes('brand')) facets.brands = brandRows.map((r) => ({ brandId: r.brand_id, name: bName.get(r.brand_id) ?? r.brand_id, count: r.n }));
    if (req.facets.includes('category')) facets.categories = categoryRows.map((r) => ({ categoryId: r.category_id, name: cName.get(r.category_id) ?? r.category_id, count: r.n }));
    if (req.facets.includes('attributes')) facets.attributes = attributeFacets(pairs.rows);
    return { total, facets };
  }
}

const FACET_VALUES = 50;

const ORDER: Record<SearchRequest['sort'], string> = {
  relevance: 'score DESC, sold DESC, sku_id',
  'price-asc': 'price, sku_id',
  'price-desc': 'price DESC, sku_id',
  sales: 'sold DESC, sku_id',
};

function cursorKeys(sort: SearchRequest['sort'], row: { score: number; sold: number; price: number }): number[] {
  if (sort === 'relevance') return [row.score, row.sold];
  if (sort === 'sales') return [row.sold];
  return [Number(row.price)];
}

/** Strictly after the cursor's row in the sort's order (descending keys compare with <). */
function afterCursor(c: SearchCursor): { sql: string; bindings: Knex.RawBinding[] } {
  switch (c.sort) {
    case 'relevance':
      return { sql: '(score < ? OR (score = ? AND (sold < ? OR (sold = ? AND sku_id > ?))))', bindings: [c.keys[0], c.keys[0], c.keys[1], c.keys[1], c.skuId] };
    case 'price-asc':
      return { sql: '(price > ? OR (price = ? AND sku_id > ?))', bindings: [c.keys[0], c.keys[0], c.skuId] };
    case 'price-desc':
      return { sql: '(price < ? OR (price = ? AND sku_id > ?))', bindings: [c.keys[0], c.keys[0], c.skuId] };
    case 'sales':
      return { sql: '(sold < ? OR (sold = ? AND sku_id > ?))', bindings: [c.keys[0], c.keys[0], c.skuId] };
  }
}

function attributeFacets(rows: { p: string; n: number }[]): NonNullable<Facets['attributes']> {
  const byKey = new Map<string, { value: string; count: number }[]>();
  for (const r of rows) {
    const at = r.p.indexOf('=');
    const key = r.p.slice(0, at);
    byKey.set(key, [...(byKey.get(key) ?? []), { value: r.p.slice(at + 1), count: r.n }]);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([key, values]) => ({ key, values: values.sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1)).slice(0, FACET_VALUES) }));
}

function hitView(r: any): SearchHit {
  return {
    skuId: r.sku_id,
    spuId: r.spu_id,
    title: r.title,
    brand: { brandId: r.brand_id, name: r.brand_name },
    category: { categoryId: r.category_id, name: r.category_name },
    price: Number(r.price),
    available: r.available,
    sold: r.sold,
    attributes: r.attributes,
  };
}

function emptyResult(req: SearchRequest): SearchResult {
  if (!req.facets?.length) return { items: [], nextCursor: null };
  const facets: Facets = {};
  if (req.facets.includes('brand')) facets.brands = [];
  if (req.facets.includes('category')) facets.categories = [];
  if (req.facets.includes('attributes')) facets.attributes = [];
  return { items: [], nextCursor: null, total: 0, facets };
}

/** Lowercased, whitespace-separated, each word once. */
export function splitTerms(q?: string): string[] {
  return [...new Set((q ?? '').toLowerCase().split(/\s+/).filter(Boolean))];
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** SQL fragments with their bindings, joined in order. */
class SqlParts {
  private readonly parts: string[] = [];
  readonly bindings: Knex.RawBinding[] = [];
  add(sql: string, ...bindings: Knex.RawBinding[]) {
    this.parts.push(sql);
    this.bindings.push(...bindings);
  }
  sql(separator: string) {
    return this.parts.join(separator);
  }
}
