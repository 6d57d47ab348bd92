/**
 * Product search as the rest of the platform sees it. PostgreSQL answers it by default
 * (pg-product-search.ts); a dedicated engine (Elasticsearch, OpenSearch, Meilisearch) fed
 * from the catalogue's tables or its change events can implement the same interface when a
 * catalogue outgrows one database, without the routes or their clients changing.
 */
export type SearchSort = 'relevance' | 'price-asc' | 'price-desc' | 'sales';
export type FacetName = 'brand' | 'category' | 'attributes';

export interface SearchRequest {
  /** Words, all of which must match (title, attribute values, brand name or category name). */
  q?: string;
  /** A back-end category: it and everything below it. */
  category?: string;
  /** A front-end category: the back-end categories it and its descendants are mapped to. */
  frontCategory?: string;
  brands?: string[];
  /** Per key, the values any of which may match; every key must match. */
  attributes?: { key: string; values: string[] }[];
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  sort: SearchSort;
  facets?: FacetName[];
  limit: number;
  /** Opaque, from a previous page's nextCursor, for the same sort. */
  cursor?: string;
}

export interface SearchHit {
  skuId: string;
  spuId: string;
  title: string;
  brand: { brandId: string; name: string };
  category: { categoryId: string; name: string };
  price: number;
  available: number;
  sold: number;
  attributes: Record<string, unknown>;
}

export interface Facets {
  brands?: { brandId: string; name: string; count: number }[];
  categories?: { categoryId: string; name: string; count: number }[];
  attributes?: { key: string; values: { value: string; count: number }[] }[];
}

export interface SearchResult {
  items: SearchHit[];
  nextCursor: string | null;
  /** With facets: how many SKUs match in all (facets count over all of them, not one page). */
  total?: number;
  facets?: Facets;
}

export interface ProductSearch {
  search(request: SearchRequest): Promise<SearchResult>;
}
