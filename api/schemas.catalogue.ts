import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/**
 * Request schemas of the catalogue and search. As everywhere in the API they both validate
 * (strict: unknown fields are a 400) and generate the OpenAPI document. Text may not hold
 * U+0000, which PostgreSQL's text cannot store; numbers stay inside their columns' ranges.
 */
const noNul = (s: string) => !s.includes('\u0000');
const text = (max: number) => z.string().trim().min(1).max(max).refine(noNul, 'must not contain U+0000');
const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
const attributeKey = z.string().min(1).max(32).regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a letter, then letters, digits or _');
const price = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const stock = z.number().int().min(0).max(2_147_483_647);
const attributeValue = z.union([text(100), z.number().finite().min(-1e15).max(1e15), z.boolean()]);
const attributeValues = z.record(attributeKey, attributeValue).refine((r) => Object.keys(r).length <= 50, 'at most 50 attributes');

/** Path ids: one that could not have been stored names nothing (404), it is not malformed input to fix. */
export const isId = (v: string) => id.safeParse(v).success;

export const spuIdParam = z.object({ spuId: id });
export const categoryIdParam = z.object({ categoryId: id });

export const attributeDefBody = z
  .strictObject({
    key: attributeKey,
    name: text(50),
    kind: z.enum(['sales', 'descriptive']),
    type: z.enum(['enum', 'text', 'number', 'boolean']),
    values: z.array(text(100)).min(1).max(200).optional(),
    required: z.boolean().optional(),
  })
  .refine((a) => (a.type === 'enum') === (a.values !== undefined), { path: ['values'], message: 'enum attributes list their values; other types have none' })
  .refine((a) => !a.values || new Set(a.values).size === a.values.length, { path: ['values'], message: 'values repeat' })
  .refine((a) => a.kind !== 'sales' || a.required !== false, { path: ['required'], message: 'sales attributes are always required' })
  .transform((a) => ({ ...a, required: a.kind === 'sales' ? true : (a.required ?? false) }))
  .openapi('CatalogueAttributeDef');

export const categoryBody = z
  .strictObject({
    categoryId: id,
    parentId: id.nullable().default(null),
    name: text(50),
    position: z.number().int().min(0).max(1_000_000).default(0),
    attributes: z.array(attributeDefBody).max(50).default([]),
  })
  .openapi('CatalogueCategory');

export const brandBody = z.strictObject({ brandId: id, name: text(100) }).openapi('CatalogueBrand');

export const frontCategoryBody = z
  .strictObject({
    frontCategoryId: id,
    parentId: id.nullable().default(null),
    name: text(50),
    position: z.number().int().min(0).max(1_000_000).default(0),
    backCategoryIds: z.array(id).max(200).default([]),
  })
  .openapi('CatalogueFrontCategory');

const spuFields = {
  spuId: id,
  bizId: id,
  categoryId: id,
  brandId: id,
  title: text(150),
  productType: z.string().min(1).max(32).regex(/^[a-z0-9-]+$/, 'lowercase letters, digits and - only'),
  attributes: attributeValues.default({}),
};

export const catalogueSkuBody = z
  .strictObject({ skuId: id, salesAttributes: attributeValues.default({}), price, stock })
  .openapi('CatalogueSku');

export const spuBody = z.strictObject(spuFields).openapi('CatalogueSpu');

export const productBody = z
  .strictObject({ ...spuFields, skus: z.array(catalogueSkuBody).min(1).max(200) })
  .refine((p) => new Set(p.skus.map((s) => s.skuId)).size === p.skus.length, { path: ['skus'], message: 'a skuId repeats' })
  .openapi('CatalogueProduct');

const listParam = (max: number) =>
  z
    .union([id, z.array(id)])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .refine((v) => v.length <= max, `at most ${max}`);
const queryNumber = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const searchQuery = z
  .strictObject({
    q: z
      .string()
      .max(100)
      .refine(noNul, 'must not contain U+0000')
      .refine((v) => v.trim().split(/\s+/).length <= 8, 'at most 8 words')
      .optional(),
    category: id.optional(),
    frontCategory: id.optional(),
    brand: listParam(20).optional(),
    /** `key:value`, repeatable: values of one key are alternatives, different keys must all match. */
    attr: z
      .union([z.string(), z.array(z.string())])
      .transform((v) => (Array.isArray(v) ? v : [v]))
      .pipe(z.array(z.string().max(140).regex(/^[A-Za-z][A-Za-z0-9_]{0,31}:[^\u0000]{1,100}$/, 'key:value')).max(20))
      .optional(),
    minPrice: queryNumber.optional(),
    maxPrice: queryNumber.optional(),
    inStock: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
    sort: z.enum(['relevance', 'price-asc', 'price-desc', 'sales']).default('relevance'),
    facets: z
      .string()
      .regex(/^(brand|category|attributes)(,(brand|category|attributes))*$/, 'a comma-separated list of brand, category, attributes')
      .transform((v) => [...new Set(v.split(','))] as ('brand' | 'category' | 'attributes')[])
      .optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(512).optional(),
  })
  .refine((q) => q.minPrice === undefined || q.maxPrice === undefined || q.minPrice <= q.maxPrice, { path: ['maxPrice'], message: 'below minPrice' })
  .openapi('CatalogueSearchQuery');

export type CategoryBody = z.infer<typeof categoryBody>;
export type FrontCategoryBody = z.infer<typeof frontCategoryBody>;
export type SpuBody = z.infer<typeof spuBody>;
export type CatalogueSkuBody = z.infer<typeof catalogueSkuBody>;
export type SearchQuery = z.infer<typeof searchQuery>;
