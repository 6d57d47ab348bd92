import { Router } from 'express';
import { categoryTree, frontCategoryTree, getCategory, listBrands } from '../../platform/catalogue/categories';
import { PgProductSearch } from '../../platform/catalogue/pg-product-search';
import type { ProductSearch, SearchRequest } from '../../platform/catalogue/product-search';
import { getSpu } from '../../platform/catalogue/products';
import { notFound } from '../../platform/errors/app-error';
import type { AppDeps } from '../deps';
import * as c from '../schemas.catalogue';
import { parse } from '../validate';

/**
 * What buyers browse: the category trees, brands, products and search. Any valid API key
 * may read them, whatever its business lines: the catalogue is what every buyer sees, and
 * holds no tenant's orders or accounts. Buyer sessions will call the same endpoints.
 */
export function catalogueRoutes(deps: AppDeps, search: ProductSearch = new PgProductSearch(deps.db)): Router {
  const { db } = deps;
  const r = Router();

  r.get('/v1/catalogue/categories', async (_req, res) => {
    res.json({ categories: await categoryTree(db) });
  });

  r.get('/v1/catalogue/categories/:categoryId', async (req, res) => {
    const { categoryId } = req.params;
    if (!c.isId(categoryId)) throw notFound(`category ${categoryId}`);
    res.json(await getCategory(db, categoryId));
  });

  r.get('/v1/catalogue/front-categories', async (_req, res) => {
    res.json({ frontCategories: await frontCategoryTree(db) });
  });

  r.get('/v1/catalogue/brands', async (_req, res) => {
    res.json({ brands: await listBrands(db) });
  });

  r.get('/v1/catalogue/spus/:spuId', async (req, res) => {
    const { spuId } = req.params;
    if (!c.isId(spuId)) throw notFound(`SPU ${spuId}`);
    res.json(await getSpu(db, spuId));
  });

  r.get('/v1/catalogue/search', async (req, res) => {
    const q = parse(c.searchQuery, req.query, 'query');
    res.json(await search.search(toSearchRequest(q)));
  });

  return r;
}

function toSearchRequest(q: c.SearchQuery): SearchRequest {
  const byKey = new Map<string, string[]>();
  for (const pair of q.attr ?? []) {
    const at = pair.indexOf(':');
    const key = pair.slice(0, at);
    byKey.set(key, [...(byKey.get(key) ?? []), pair.slice(at + 1)]);
  }
  return {
    q: q.q,
    category: q.category,
    frontCategory: q.frontCategory,
    brands: q.brand,
    attributes: [...byKey.entries()].map(([key, values]) => ({ key, values })),
    minPrice: q.minPrice,
    maxPrice: q.maxPrice,
    inStock: q.inStock,
    sort: q.sort,
    facets: q.facets,
    limit: q.limit,
    cursor: q.cursor,
  };
}
