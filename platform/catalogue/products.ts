import type { IdentityResolver } from '../identity/identity-resolver';
import type { Db, Tx } from '../db/knex';
import { businessRule, notFound } from '../errors/app-error';
import { categoryPath, templateOf } from './categories';
import type { SkuInput, SpuInput } from './inputs';
import { attributesInvalid, conflict, creationModeRefused, duplicateVariant, isUniqueViolation, unknownReference } from './refusals';
import { attributeProblems, orderedSalesValues, variantKey, type Template } from './template';

/**
 * SPUs and their SKUs. A catalogue SKU is an ordinary row of `skus` (so orders, stock and
 * snapshots treat it like any other): its title is the SPU's title followed by its sales
 * attribute values, and its attributes are the SPU's descriptive ones with its own sales
 * ones. An order snapshots that row, so renaming the SPU later changes what new orders
 * show, never what past ones do. The listing beside it holds what search needs.
 *
 * Two creation modes, chosen per business line (`catalogue.creationMode`):
 *   sku-first  `createProduct`: the SKUs are sent and their SPU is made with them;
 *   spu-first  `upsertSpu` first (a data team's SPU), then `upsertSku` on it.
 * `upsertSku` on an existing SPU works in both modes (a new variant, a price change).
 */

interface SpuState {
  spuId: string;
  bizId: string;
  categoryId: string;
  categoryPath: string[];
  brandId: string;
  title: string;
  productType: string;
  attributes: Record<string, unknown>;
  template: Template;
}

const UNIQUE_VARIANT = 'catalogue_listings_spu_id_variant_key_unique';

export async function createProduct(db: Db, identities: IdentityResolver, spu: SpuInput, skus: SkuInput[]) {
  requireMode(identities, spu.bizId, 'sku-first', 'send the SPU first to POST /v1/admin/catalogue/spus, then each SKU to POST /v1/admin/catalogue/spus/{spuId}/skus');
  await withVariantGuard(async () =>
    db.transaction(async (trx) => {
      const state = await writeSpu(trx, spu);
      for (const sku of skus) await writeSku(trx, state, sku);
    }),
  );
  return (await spuView(db, spu.spuId))!;
}

export async function upsertSpu(db: Db, identities: IdentityResolver, spu: SpuInput) {
  requireMode(identities, spu.bizId, 'spu-first', 'send the SPU together with its SKUs to POST /v1/admin/catalogue/products');
  await db.transaction((trx) => writeSpu(trx, spu));
  return (await spuView(db, spu.spuId))!;
}

export async function upsertSku(db: Db, spuId: string, sku: SkuInput) {
  await withVariantGuard(async () =>
    db.transaction(async (trx) => {
      const state = await loadSpu(trx, spuId);
      if (!state) throw notFound(`SPU ${spuId}`);
      await writeSku(trx, state, sku);
    }),
  );
  return (await spuView(db, spuId))!;
}

function requireMode(identities: IdentityResolver, bizId: string, mode: 'sku-first' | 'spu-first', hint: string) {
  const line = identities.catalogueOf(bizId);
  if (!line) throw unknownReference('bizId', `business line ${bizId}`);
  if (line.creationMode !== mode) throw creationModeRefused(bizId, line.creationMode, hint);
}

/** Two SKUs racing to the same variant: the unique index decides, and the loser hears why. */
async function withVariantGuard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err, UNIQUE_VARIANT)) throw conflict('another SKU of this SPU with the same sales attributes was saved at the same time; read the SPU and retry');
    throw err;
  }
}

async function loadSpu(trx: Tx, spuId: string): Promise<SpuState | undefined> {
  const row = await trx('catalogue_spus as c').join('spus as s', 's.spu_id', 'c.spu_id').where('c.spu_id', spuId).forUpdate('c').first('c.*', 's.title', 's.product_type', 's.attributes');
  if (!row) return undefined;
  const path = (await categoryPath(trx, row.category_id, 'share'))!;
  return {
    spuId,
    bizId: row.biz_id,
    categoryId: row.category_id,
    categoryPath: path.map((c) => c.category_id),
    brandId: row.brand_id,
    title: row.title,
    productType: row.product_type,
    attributes: row.attributes,
    template: templateOf(path),
  };
}

async function writeSpu(trx: Tx, spu: SpuInput): Promise<SpuState> {
  const path = await categoryPath(trx, spu.categoryId, 'share');
  if (!path) throw unknownReference('categoryId', `category ${spu.categoryId}`);
  if (await trx('catalogue_categories').where({ parent_id: spu.categoryId }).first('category_id')) {
    throw businessRule('CATEGORY_NOT_LEAF', `category ${spu.categoryId} has children; products live in leaf categories`, [{ field: 'categoryId', message: 'not a leaf' }]);
  }
  if (!(await trx('catalogue_brands').where({ brand_id: spu.brandId }).first('brand_id'))) throw unknownReference('brandId', `brand ${spu.brandId}`);
  const template = templateOf(path);
  const problems = attributeProblems(template, 'descriptive', spu.attributes, 'attributes');
  if (problems.length) throw attributesInvalid(problems);

  const before = await loadSpu(trx, spu.spuId);
  if (!before && (await trx('spus').where({ spu_id: spu.spuId }).first('spu_id'))) {
    throw conflict(`SPU ${spu.spuId} exists outside the catalogue (made by POST /v1/admin/skus); choose another spuId`, [{ field: 'spuId', message: 'taken' }]);
  }
  if (before && before.bizId !== spu.bizId) throw conflict(`SPU ${spu.spuId} belongs to business line ${before.bizId}`, [{ field: 'bizId', message: 'cannot change' }]);
  const hasSkus = before ? Boolean(await trx('catalogue_listings').where({ spu_id: spu.spuId }).first('sku_id')) : false;
  if (before && before.categoryId !== spu.categoryId && hasSkus) {
    throw conflict(`SPU ${spu.spuId} has SKUs whose sales attributes follow category ${before.categoryId}'s template; its category cannot change`, [{ field: 'categoryId', message: 'cannot change' }]);
  }

  const spuRow = { title: spu.title, product_type: spu.productType, attributes: spu.attributes };
  await trx('spus').insert({ spu_id: spu.spuId, ...spuRow }).onConflict('spu_id').merge(spuRow);
  const catalogueRow = { biz_id: spu.bizId, category_id: spu.categoryId, brand_id: spu.brandId, updated_at: trx.fn.now() };
  await trx('catalogue_spus').insert({ spu_id: spu.spuId, ...catalogueRow }).onConflict('spu_id').merge(catalogueRow);

  const state: SpuState = { ...spu, categoryPath: path.map((c) => c.category_id), template };
  if (before && hasSkus) {
    await trx('catalogue_listings').where({ spu_id: spu.spuId }).update({ brand_id: spu.brandId });
    // Re-derive every SKU's title and attributes from the SPU; in SKU order so concurrent
    // writers lock rows in one order.
    const listings = await trx('catalogue_listings').where({ spu_id: spu.spuId }).orderBy('sku_id').select('sku_id', 'sales_attributes');
    for (const l of listings) {
      const derived = derive(state, l.sales_attributes);
      const current = await trx('skus').where({ sku_id: l.sku_id }).forUpdate().first('title', 'attributes', 'product_type', 'version');
      if (current.title === derived.title && current.product_type === spu.productType && sameFlatJson(current.attributes, derived.attributes)) continue;
      await trx('skus').where({ sku_id: l.sku_id }).update({ title: derived.title, product_type: spu.productType, attributes: derived.attributes, version: current.version + 1, updated_at: trx.fn.now() });
    }
  }
  return state;
}

/** jsonb keeps keys in its own order; compare flat attribute bags by content. */
function sameFlatJson(a: Record<string, unknown>, b: Record<string, unknown>) {
  const canon = (o: Record<string, unknown>) => JSON.stringify(Object.entries(o).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return canon(a) === canon(b);
}

function derive(spu: Pick<SpuState, 'title' | 'attributes' | 'template'>, sales: Record<string, string | number | boolean>) {
  const suffix = orderedSalesValues(spu.template, sales).join(' ');
  return { title: suffix ? `${spu.title} ${suffix}` : spu.title, attributes: { ...spu.attributes, ...sales } };
}

async function writeSku(trx: Tx, spu: SpuState, sku: SkuInput) {
  const problems = attributeProblems(spu.template, 'sales', sku.salesAttributes, 'salesAttributes');
  if (problems.length) throw attributesInvalid(problems);
  const key = variantKey(spu.template, sku.salesAttributes);
  const twin = await trx('catalogue_listings').where({ spu_id: spu.spuId, variant_key: key }).whereNot({ sku_id: sku.skuId }).first('sku_id');
  if (twin) throw duplicateVariant(sku.skuId, twin.sku_id);

  const existing = await trx('skus').where({ sku_id: sku.skuId }).forUpdate().first();
  if (existing) {
    const listed = await trx('catalogue_listings').where({ sku_id: sku.skuId }).first('spu_id');
    if (listed?.spu_id !== spu.spuId) {
      throw conflict(`SKU ${sku.skuId} already exists ${listed ? `under SPU ${listed.spu_id}` : 'outside the catalogue'}`, [{ field: 'skuId', message: 'taken' }]);
    }
    if (existing.reserved > sku.stock) throw conflict(`SKU ${sku.skuId} has ${existing.reserved} unit(s) held by unpaid orders; stock cannot go below that`, [{ field: 'stock', message: `below ${existing.reserved}` }]);
  }
  const derived = derive(spu, sku.salesAttributes);
  const row = { spu_id: spu.spuId, title: derived.title, product_type: spu.productType, price: sku.price, stock: sku.stock, attributes: derived.attributes, updated_at: trx.fn.now() };
  if (existing) await trx('skus').where({ sku_id: sku.skuId }).update({ ...row, version: existing.version + 1 });
  else await trx('skus').insert({ sku_id: sku.skuId, ...row });
  const listing = { spu_id: spu.spuId, category_id: spu.categoryId, category_path: spu.categoryPath, brand_id: spu.brandId, variant_key: key, sales_attributes: sku.salesAttributes };
  await trx('catalogue_listings').insert({ sku_id: sku.skuId, ...listing }).onConflict('sku_id').merge(listing);
}

/** An SPU as buyers and operators see it: brand, category path, descriptive attributes and its SKUs with live price and stock. */
export async function spuView(db: Db | Tx, spuId: string) {
  const spu = await db('catalogue_spus as c')
    .join('spus as s', 's.spu_id', 'c.spu_id')
    .join('catalogue_brands as b', 'b.brand_id', 'c.brand_id')
    .where('c.spu_id', spuId)
    .first('c.spu_id', 'c.biz_id', 'c.category_id', 'c.brand_id', 'b.name as brand_name', 's.title', 's.product_type', 's.attributes');
  if (!spu) return undefined;
  const path = (await categoryPath(db, spu.category_id))!;
  const skus = await db('catalogue_listings as l').join('skus as k', 'k.sku_id', 'l.sku_id').where('l.spu_id', spuId).orderBy('l.sku_id').select('k.*', 'l.sales_attributes');
  return {
    spuId: spu.spu_id,
    bizId: spu.biz_id,
    title: spu.title,
    productType: spu.product_type,
    brand: { brandId: spu.brand_id, name: spu.brand_name },
    category: { categoryId: spu.category_id, path: path.map((c) => ({ categoryId: c.category_id, name: c.name })) },
    attributes: spu.attributes,
    skus: skus.map((k) => ({
      skuId: k.sku_id,
      title: k.title,
      salesAttributes: k.sales_attributes,
      price: Number(k.price),
      stock: k.stock,
      available: k.stock - k.reserved,
      sold: k.sold,
    })),
  };
}

export async function getSpu(db: Db, spuId: string) {
  const view = await spuView(db, spuId);
  if (!view) throw notFound(`SPU ${spuId}`);
  return view;
}
