import type { Knex } from 'knex';
import type { Db } from '../db/knex';
import { backCategoriesOf, CATEGORIES_UNDER } from './categories';
import type { Facets, ProductSearch, SearchHit, SearchRequest, SearchResult } from './product-search';
import { decodeCursor, encodeCursor, type SearchCursor } from './search-cursor';

/**
 * Product search on PostgreSQL, over `catalogue_listings` (one row per catalogue SKU).
 *
 * A query word matches a listing whose title, attribute values, brand name or category
 * names contain it: the n-gram GIN index narrows (see the catalogue migration for why
 * n-grams and not pg_trgm), LIKE checks the exact substring. Relevance: a word in the title
 * counts 2, elsewhere 1; ties go to the better seller. Facets count over every match (conjunctive: a chosen brand narrows the
 * category counts as well as the hits).
 */
export class PgProductSearch implements ProductSearch {
  constructor(private readonly db: Db) {}

  async search(req: SearchRequest): Promise<SearchResult> {
    const cursor = req.cursor ? decodeCursor(req.cursor, req.sort) : undefined;
    const filter = new SqlParts();
    const score = new SqlParts();

    // Each word's grams are computed by the planner (an immutable function of a constant), so
    // a search is one round trip and the conditions below fold to what the word needs: the
    // n-gram index narrows, and LIKE checks the substring unless the word is its own single gram.
    for (const term of splitTerms(req.q)) {
      const pattern = `%${escapeLike(term)}%`;
      filter.add(`(catalogue_query_grams(?) = '{}' OR l.grams @> catalogue_query_grams(?))`, term, term);
      filter.add('(catalogue_query_grams(?) = ARRAY[?]::text[] OR l.search_text LIKE ?)', term, term, pattern);
      score.add('CASE WHEN lower(l.title) LIKE ? THEN 2 ELSE 1 END', pattern);
    }
    // A category filter names the categories below it (listings sit in leaves), so a browse reads the browse index alone.
    if (req.category) filter.add(`l.category_id = ANY(ARRAY(${CATEGORIES_UNDER} @> ARRAY[?]::text[]))`, req.category);
    if (req.frontCategory) {
      const backIds = await backCategoriesOf(this.db, req.frontCategory);
      if (!backIds.length) return emptyResult(req);
      filter.add(`l.category_id = ANY(ARRAY(${CATEGORIES_UNDER} && ?::text[]))`, backIds);
    }
    if (req.brands?.length) filter.add('l.brand_id = ANY(?::text[])', req.brands);
    for (const a of req.attributes ?? []) filter.add('l.attr_pairs && ?::text[]', a.values.map((v) => `${a.key}=${v}`));
    if (req.minPrice !== undefined) filter.add('l.price >= ?', req.minPrice);
    if (req.maxPrice !== undefined) filter.add('l.price <= ?', req.maxPrice);
    if (req.inStock) filter.add('l.available > 0');

    const where = filter.sql(' AND ') || 'true';
    return this.matchesPageAndFacets(req, where, filter.bindings, score, cursor);
  }

  /**
   * One statement, one pass over the matches: they are gathered narrow (ids, sort keys) in
   * a materialised CTE, the page is cut from it and only its rows are read in full, and
   * each facet is counted over it.
   */
  private async matchesPageAndFacets(req: SearchRequest, where: string, bindings: Knex.RawBinding[], score: SqlParts, cursor?: SearchCursor): Promise<SearchResult> {
    const order = ORDER[req.sort];
    const after = cursor ? afterCursor(cursor) : { sql: 'true', bindings: [] as Knex.RawBinding[] };
    const facets = req.facets ?? [];
    const ctes = [
      `m AS MATERIALIZED (
         SELECT l.sku_id, l.brand_id, l.category_id, l.price, l.sold, (${score.sql(' + ') || '0'})::int AS score${facets.includes('attributes') ? ', l.attr_pairs' : ''}
         FROM catalogue_listings l WHERE ${where})`,
      `page AS (SELECT * FROM m WHERE ${after.sql} ORDER BY ${order} LIMIT ?)`,
      `hits AS (
         SELECT p.sku_id, p.score, p.price, p.sold, l.spu_id, l.title, l.available, l.attributes, p.brand_id, p.category_id, b.name AS brand_name, c.name AS category_name
         FROM page p JOIN catalogue_listings l ON l.sku_id = p.sku_id
         JOIN catalogue_brands b ON b.brand_id = p.brand_id JOIN catalogue_categories c ON c.category_id = p.category_id)`,
    ];
    const outputs = [`(SELECT coalesce(json_agg(h ORDER BY ${order}), '[]') FROM hits h) AS hits`];
    if (facets.length) {
      // The total and the brand and category counts in one pass over the matches, each row
      // labelled with the set it counts ('all', 'm.brand_id' or 'm.category_id').
      const grouped = [...(facets.includes('brand') ? ['m.brand_id'] : []), ...(facets.includes('category') ? ['m.category_id'] : [])];
      const label = grouped.length ? `CASE ${grouped.map((c) => `WHEN GROUPING(${c}) = 0 THEN '${c}' `).join('')}ELSE 'all' END` : `'all'`;
      const column = (c: string) => (grouped.includes(c) ? c : 'NULL');
      ctes.push(`counts AS (
         SELECT ${label} AS counted, ${column('m.brand_id')} AS brand_id, ${column('m.category_id')} AS category_id, count(*)::int AS n
         FROM m GROUP BY GROUPING SETS (${['()', ...grouped.map((c) => `(${c})`)].join(', ')}))`);
      outputs.push(`coalesce((SELECT n FROM counts WHERE counted = 'all'), 0) AS total`);
    }
    if (facets.includes('brand')) {
      outputs.push(`(SELECT coalesce(json_agg(json_build_object('brandId', x.brand_id, 'name', b.name, 'count', x.n) ORDER BY x.n DESC, x.brand_id), '[]')
                     FROM (SELECT brand_id, n FROM counts WHERE counted = 'm.brand_id' ORDER BY n DESC, brand_id LIMIT ${FACET_VALUES}) x JOIN catalogue_brands b ON b.brand_id = x.brand_id) AS brands`);
    }
    if (facets.includes('category')) {
      outputs.push(`(SELECT coalesce(json_agg(json_build_object('categoryId', x.category_id, 'name', c.name, 'count', x.n) ORDER BY x.n DESC, x.category_id), '[]')
                     FROM (SELECT category_id, n FROM counts WHERE counted = 'm.category_id' ORDER BY n DESC, category_id LIMIT ${FACET_VALUES}) x JOIN catalogue_categories c ON c.category_id = x.category_id) AS categories`);
    }
    if (facets.includes('attributes')) {
      ctes.push(`pairs AS (SELECT p, count(*)::int AS n FROM m, unnest(m.attr_pairs) p GROUP BY p)`);
      outputs.push(`(SELECT coalesce(json_agg(json_build_object('p', p, 'n', n)), '[]') FROM pairs) AS pairs`);
    }
    const { rows } = await this.db.raw(`WITH ${ctes.join(',\n')}\nSELECT ${outputs.join(',\n')}`, [...score.bindings, ...bindings, ...after.bindings, req.limit + 1]);
    const row = rows[0];
    const more = row.hits.length > req.limit;
    const page = row.hits.slice(0, req.limit);
    const last = page[page.length - 1];
    const result: SearchResult = {
      items: page.map(hitView),
      nextCursor: more && last ? encodeCursor({ sort: req.sort, keys: cursorKeys(req.sort, last), skuId: last.sku_id }) : null,
    };
    if (!facets.length) return result;
    const out: Facets = {};
    if (facets.includes('brand')) out.brands = row.brands;
    if (facets.includes('category')) out.categories = row.categories;
    if (facets.includes('attributes')) out.attributes = attributeFacets(row.pairs);
    return { ...result, total: row.total, facets: out };
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
