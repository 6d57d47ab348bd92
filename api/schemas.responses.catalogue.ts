import { z } from 'zod';
import './schemas'; // extends zod with .openapi()

/** What the catalogue and search answer, for the OpenAPI document. */
const amount = z.number().int().openapi({ description: 'money in minor units (fen)' });
const count = z.number().int();
const attributeValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

interface CategoryNode {
  categoryId: string;
  name: string;
  children: CategoryNode[];
}
const categoryNode: z.ZodType<CategoryNode> = z
  .lazy(() => z.object({ categoryId: z.string(), name: z.string(), children: z.array(categoryNode) }))
  .openapi('CatalogueCategoryNode');
export const categoryTree = z.object({ categories: z.array(categoryNode) }).openapi('CatalogueCategoryTree');

interface FrontNode {
  frontCategoryId: string;
  name: string;
  backCategoryIds: string[];
  children: FrontNode[];
}
const frontNode: z.ZodType<FrontNode> = z
  .lazy(() => z.object({ frontCategoryId: z.string(), name: z.string(), backCategoryIds: z.array(z.string()), children: z.array(frontNode) }))
  .openapi('CatalogueFrontCategoryNode');
export const frontCategoryTree = z.object({ frontCategories: z.array(frontNode) }).openapi('CatalogueFrontCategoryTree');

const attributeDef = z
  .object({
    key: z.string(),
    name: z.string(),
    kind: z.string().openapi({ description: 'sales or descriptive' }),
    type: z.string().openapi({ description: 'enum, text, number or boolean' }),
    values: z.array(z.string()).optional(),
    required: z.boolean(),
  })
  .openapi('CatalogueAttributeDefResult');
const categoryRef = z.object({ categoryId: z.string(), name: z.string() });

export const categoryView = z
  .object({
    categoryId: z.string(),
    parentId: z.string().nullable(),
    name: z.string(),
    position: count,
    path: z.array(categoryRef).openapi({ description: 'root first, the category last' }),
    attributes: z.array(attributeDef).openapi({ description: "the category's own template entries" }),
    template: z.array(attributeDef).openapi({ description: "the effective template: the ancestors' entries first" }),
    children: z.array(categoryRef),
  })
  .openapi('CatalogueCategoryResult');

const brand = z.object({ brandId: z.string(), name: z.string() }).openapi('CatalogueBrandResult');
export const brandView = brand;
export const brands = z.object({ brands: z.array(brand) }).openapi('CatalogueBrands');

export const frontCategoryView = z
  .object({ frontCategoryId: z.string(), parentId: z.string().nullable(), name: z.string(), position: count, backCategoryIds: z.array(z.string()) })
  .openapi('CatalogueFrontCategoryResult');

export const spuView = z
  .object({
    spuId: z.string(),
    bizId: z.string(),
    title: z.string(),
    productType: z.string(),
    brand,
    category: z.object({ categoryId: z.string(), path: z.array(categoryRef) }),
    attributes: attributeValues,
    skus: z.array(
      z.object({
        skuId: z.string(),
        title: z.string(),
        salesAttributes: attributeValues,
        price: amount,
        stock: count,
        available: count,
        sold: count,
      }),
    ),
  })
  .openapi('CatalogueSpuResult');

const facetCount = { count };
export const searchResult = z
  .object({
    items: z.array(
      z.object({
        skuId: z.string(),
        spuId: z.string(),
        title: z.string(),
        brand,
        category: categoryRef,
        price: amount,
        available: count,
        sold: count,
        attributes: z.record(z.string(), z.unknown()),
      }),
    ),
    nextCursor: z.string().nullable(),
    total: count.optional().openapi({ description: 'with facets: how many SKUs match in all' }),
    facets: z
      .object({
        brands: z.array(z.object({ brandId: z.string(), name: z.string(), ...facetCount })).optional(),
        categories: z.array(z.object({ categoryId: z.string(), name: z.string(), ...facetCount })).optional(),
        attributes: z.array(z.object({ key: z.string(), values: z.array(z.object({ value: z.string(), ...facetCount })) })).optional(),
      })
      .optional(),
  })
  .openapi('CatalogueSearchResult');
