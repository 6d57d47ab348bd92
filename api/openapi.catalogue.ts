import type { ResponseConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { linksTo, type AddOperation } from './openapi';
import * as c from './schemas.catalogue';
import * as out from './schemas.responses.catalogue';

/** The catalogue's and search's paths in the OpenAPI document, from the schemas that validate them. */
export function addCataloguePaths(add: AddOperation, errorContent: Pick<ResponseConfig, 'content'>) {
  const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });
  const refused = (codes: string) => ({ 422: { description: codes, ...errorContent } });
  const errors = [403, 404, 409, 413, 422];
  const toSpu = (pointer: string) => linksTo(['getSpu', 'upsertCatalogueSku'], { spuId: `$response.body#${pointer}` });
  const toCategory = (pointer: string) => linksTo(['getCategory'], { categoryId: `$response.body#${pointer}` });
  add({ operationId: 'listCategories', method: 'get', path: '/v1/catalogue/categories', summary: 'The back-end category tree (any API key)', ok: { description: 'the tree, each level in position order', schema: out.categoryTree, links: toCategory('/categories/0/categoryId') }, errors });
  add({
    operationId: 'getCategory',
    method: 'get',
    path: '/v1/catalogue/categories/{categoryId}',
    summary: 'A back-end category with its path, own template entries and effective template (any API key)',
    request: { params: c.categoryIdParam },
    ok: { description: 'the category', schema: out.categoryView },
    errors,
  });
  add({ operationId: 'listFrontCategories', method: 'get', path: '/v1/catalogue/front-categories', summary: "The front-end category tree buyers browse, with each node's back-end categories (any API key)", ok: { description: 'the tree', schema: out.frontCategoryTree }, errors });
  add({ operationId: 'listBrands', method: 'get', path: '/v1/catalogue/brands', summary: 'Brands (any API key)', ok: { description: 'every brand', schema: out.brands }, errors });
  add({
    operationId: 'getSpu',
    method: 'get',
    path: '/v1/catalogue/spus/{spuId}',
    summary: 'An SPU with its brand, category path, descriptive attributes and SKUs with live price and stock (any API key)',
    request: { params: c.spuIdParam },
    ok: { description: 'the SPU', schema: out.spuView },
    errors,
  });
  add({
    operationId: 'searchCatalogue',
    method: 'get',
    path: '/v1/catalogue/search',
    summary: 'Search SKUs: keywords (Chinese or Latin), filters, facets, sort, cursor paging (any API key)',
    request: { query: c.searchQuery },
    ok: { description: 'a page of SKUs, with facets if asked', schema: out.searchResult, links: linksTo(['getSpu'], { spuId: '$response.body#/items/0/spuId' }) },
    errors,
  });
  add({
    operationId: 'upsertCategory',
    method: 'post',
    path: '/v1/admin/catalogue/categories',
    summary: 'Upsert a back-end category and its attribute template (operator)',
    request: { body: json(c.categoryBody) },
    ok: { description: 'the category', schema: out.categoryView, links: toCategory('/categoryId') },
    errors,
    moreErrors: refused('UNKNOWN_REFERENCE / TEMPLATE_INVALID'),
  });
  add({ operationId: 'upsertBrand', method: 'post', path: '/v1/admin/catalogue/brands', summary: 'Upsert a brand (operator)', request: { body: json(c.brandBody) }, ok: { description: 'the brand', schema: out.brandView }, errors });
  add({
    operationId: 'upsertFrontCategory',
    method: 'post',
    path: '/v1/admin/catalogue/front-categories',
    summary: 'Upsert a front-end category and its mapping to back-end categories (operator)',
    request: { body: json(c.frontCategoryBody) },
    ok: { description: 'the front category', schema: out.frontCategoryView },
    errors,
    moreErrors: refused('UNKNOWN_REFERENCE'),
  });
  add({
    operationId: 'upsertProduct',
    method: 'post',
    path: '/v1/admin/catalogue/products',
    summary: 'SKU-first lines: upsert an SPU together with its SKUs (operator)',
    request: { body: json(c.productBody) },
    ok: { description: 'the SPU with its SKUs', schema: out.spuView, links: { ...toSpu('/spuId'), ...linksTo(['getSku'], { skuId: '$response.body#/skus/0/skuId' }) } },
    errors,
    moreErrors: refused('CREATION_MODE / UNKNOWN_REFERENCE / ATTRIBUTES_INVALID / DUPLICATE_VARIANT'),
  });
  add({
    operationId: 'upsertSpu',
    method: 'post',
    path: '/v1/admin/catalogue/spus',
    summary: 'SPU-first lines: upsert an SPU with its descriptive attributes (operator)',
    request: { body: json(c.spuBody) },
    ok: { description: 'the SPU', schema: out.spuView, links: toSpu('/spuId') },
    errors,
    moreErrors: refused('CREATION_MODE / UNKNOWN_REFERENCE / ATTRIBUTES_INVALID'),
  });
  add({
    operationId: 'upsertCatalogueSku',
    method: 'post',
    path: '/v1/admin/catalogue/spus/{spuId}/skus',
    summary: 'Upsert one SKU of an existing SPU: its sales attributes, price and stock (operator)',
    request: { params: c.spuIdParam, body: json(c.catalogueSkuBody) },
    ok: { description: 'the SPU with its SKUs', schema: out.spuView, links: { ...linksTo(['getSpu'], { spuId: '$response.body#/spuId' }), ...linksTo(['getSku'], { skuId: '$response.body#/skus/0/skuId' }) } },
    errors,
    moreErrors: refused('ATTRIBUTES_INVALID / DUPLICATE_VARIANT'),
  });
}
