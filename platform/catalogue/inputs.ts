import type { AttributeDef, AttributeValue } from './template';

/** What the catalogue's writers take: already validated for shape at the edge, checked for meaning here. */
export interface CategoryInput {
  categoryId: string;
  parentId: string | null;
  name: string;
  position: number;
  attributes: AttributeDef[];
}

export interface BrandInput {
  brandId: string;
  name: string;
}

export interface FrontCategoryInput {
  frontCategoryId: string;
  parentId: string | null;
  name: string;
  position: number;
  backCategoryIds: string[];
}

export interface SpuInput {
  spuId: string;
  bizId: string;
  categoryId: string;
  brandId: string;
  title: string;
  productType: string;
  /** Descriptive attributes, per the category's template. */
  attributes: Record<string, AttributeValue>;
}

export interface SkuInput {
  skuId: string;
  salesAttributes: Record<string, AttributeValue>;
  price: number;
  stock: number;
}
