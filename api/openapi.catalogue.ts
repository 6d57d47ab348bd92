import type { RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import * as c from './schemas.catalogue';

type AddPath = (method: 'get' | 'post', path: string, summary: string, extra?: Partial<RouteConfig>) => void;

/** The catalogue's and search's paths in the OpenAPI document, from the schemas that validate them. */
export function addCataloguePaths(add: AddPath, errorBody: z.ZodType, errors: Record<number, unknown>) {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const refused = (codes: string) => ({ 422: { description: codes, ...json(errorBody) } });
  add('get', '/v1/catalogue/categories', 'The back-end category tree (any API key)');
  add('get', '/v1/catalogue/categories/{categoryId}', 'A back-end category with its path, own template entries and effective template (any API key)', { request: { params: c.categoryIdParam } });
  add('get', '/v1/catalogue/front-categories', 'The front-end category tree buyers browse, with each node\'s back-end categories (any API key)');
  add('get', '/v1/catalogue/brands', 'Brands (any API key)');
  add('get', '/v1/catalogue/spus/{spuId}', 'An SPU with its brand, category path, descriptive attributes and SKUs with live price and stock (any API key)', { request: { params: c.spuIdParam } });
  add('get', '/v1/catalogue/search', 'Search SKUs: keywords (Chinese or Latin), filters, facets, sort, cursor paging (any API key)', { request: { query: c.searchQuery } });
  add('post', '/v1/admin/catalogue/categories', 'Upsert a back-end category and its attribute template (operator)', {
    request: { body: json(c.categoryBody) },
    responses: { 200: { description: 'the category' }, ...errors, ...refused('UNKNOWN_REFERENCE / TEMPLATE_INVALID') },
  });
  add('post', '/v1/admin/catalogue/brands', 'Upsert a brand (operator)', { request: { body: json(c.brandBody) } });
  add('post', '/v1/admin/catalogue/front-categories', 'Upsert a front-end category and its mapping to back-end categories (operator)', {
    request: { body: json(c.frontCategoryBody) },
    responses: { 200: { description: 'the front category' }, ...errors, ...refused('UNKNOWN_REFERENCE') },
  });
  add('post', '/v1/admin/catalogue/products', 'SKU-first lines: upsert an SPU together with its SKUs (operator)', {
    request: { body: json(c.productBody) },
    responses: { 200: { description: 'the SPU with its SKUs' }, ...errors, ...refused('CREATION_MODE / UNKNOWN_REFERENCE / ATTRIBUTES_INVALID / DUPLICATE_VARIANT') },
  });
  add('post', '/v1/admin/catalogue/spus', 'SPU-first lines: upsert an SPU with its descriptive attributes (operator)', {
    request: { body: json(c.spuBody) },
    responses: { 200: { description: 'the SPU' }, ...errors, ...refused('CREATION_MODE / UNKNOWN_REFERENCE / ATTRIBUTES_INVALID') },
  });
  add('post', '/v1/admin/catalogue/spus/{spuId}/skus', 'Upsert one SKU of an existing SPU: its sales attributes, price and stock (operator)', {
    request: { params: c.spuIdParam, body: json(c.catalogueSkuBody) },
    responses: { 200: { description: 'the SPU with its SKUs' }, ...errors, ...refused('ATTRIBUTES_INVALID / DUPLICATE_VARIANT') },
  });
}
