import type { Db, Tx } from '../db/knex';
import { notFound } from '../errors/app-error';
import type { BrandInput, CategoryInput, FrontCategoryInput } from './inputs';
import { conflict, templateInvalid, unknownReference } from './refusals';
import { duplicateKeys, effectiveTemplate, incompatibleChanges, type Template } from './template';

/**
 * The back-end category tree (operations' own classification, carrying the attribute
 * templates), brands, and the front-end tree buyers browse, mapped onto back-end categories.
 * A category's parent is fixed once it is created: its path is stored on every listing below
 * it, and moving a subtree would rewrite them all.
 */

interface CategoryRow {
  category_id: string;
  parent_id: string | null;
  name: string;
  path: string[];
  attributes: Template;
  position: number;
}

/** The categories of a path, root first, locked against template changes while the caller's transaction runs. */
export async function categoryPath(trx: Tx | Db, categoryId: string, lock: 'share' | 'none' = 'none'): Promise<CategoryRow[] | undefined> {
  const own = await trx<CategoryRow>('catalogue_categories').where({ category_id: categoryId }).first();
  if (!own) return undefined;
  const q = trx<CategoryRow>('catalogue_categories').whereIn('category_id', own.path);
  const rows = lock === 'share' ? await q.forShare() : await q;
  const byId = new Map(rows.map((r) => [r.category_id, r]));
  return own.path.map((id) => byId.get(id)!);
}

export const templateOf = (path: CategoryRow[]) => effectiveTemplate(path.map((c) => c.attributes));

export async function upsertCategory(db: Db, input: CategoryInput) {
  await db.transaction(async (trx) => {
    const existing = await trx<CategoryRow>('catalogue_categories').where({ category_id: input.categoryId }).forUpdate().first();
    if (existing && existing.parent_id !== input.parentId) {
      throw conflict(`category ${input.categoryId} is under ${existing.parent_id ?? 'the root'}; a category's parent is fixed once created`, [{ field: 'parentId', message: 'cannot change' }]);
    }
    let parentPath: CategoryRow[] = [];
    if (input.parentId) {
      parentPath = (await categoryPath(trx, input.parentId, 'share')) ?? [];
      if (!parentPath.length) throw unknownReference('parentId', `category ${input.parentId}`);
      if (!existing && (await trx('catalogue_spus').where({ category_id: input.parentId }).first('spu_id'))) {
        throw conflict(`category ${input.parentId} holds products; products live in leaf categories, so it cannot get children`, [{ field: 'parentId', message: 'holds products' }]);
      }
    }
    const path = [...parentPath.map((c) => c.category_id), input.categoryId];
    const dupes = duplicateKeys(templateOf(parentPath), input.attributes);
    const below = existing ? await trx<CategoryRow>('catalogue_categories').whereRaw('path @> ?::text[]', [[input.categoryId]]).whereNot({ category_id: input.categoryId }) : [];
    const ownKeys = new Set(input.attributes.map((a) => a.key));
    for (const c of below) for (const a of c.attributes) if (ownKeys.has(a.key)) dupes.push(`${a.key} (defined by ${c.category_id})`);
    if (dupes.length) throw templateInvalid(dupes.map((k) => ({ field: 'attributes', message: `key ${k} is defined twice along a category path` })));
    if (existing) {
      const used = await trx('catalogue_spus as s').join('catalogue_categories as c', 'c.category_id', 's.category_id').whereRaw('c.path @> ?::text[]', [[input.categoryId]]).first('s.spu_id');
      const problems = used ? incompatibleChanges(existing.attributes, input.attributes) : [];
      if (problems.length) throw conflict(`category ${input.categoryId} has products the new template would not fit`, problems);
    }
    const row = { parent_id: input.parentId, name: input.name, path, attributes: JSON.stringify(input.attributes), position: input.position, updated_at: trx.fn.now() };
    if (existing) await trx('catalogue_categories').where({ category_id: input.categoryId }).update(row);
    else await trx('catalogue_categories').insert({ category_id: input.categoryId, ...row });
    // Category names are part of the listings' search keys: blanking them has the listing trigger recompute them.
    if (existing && existing.name !== input.name) await trx('catalogue_listings').whereRaw(`category_id = ANY(ARRAY(${CATEGORIES_UNDER} @> ?::text[]))`, [[input.categoryId]]).update({ search_text: '' });
  });
  return (await categoryView(db, input.categoryId))!;
}

/** A category with its own template entries and the effective template (inherited ones first). */
export async function categoryView(db: Db | Tx, categoryId: string) {
  const path = await categoryPath(db, categoryId);
  if (!path) return undefined;
  const own = path[path.length - 1];
  const children = await db('catalogue_categories').where({ parent_id: categoryId }).orderBy(['position', 'category_id']).select('category_id', 'name');
  return {
    categoryId: own.category_id,
    parentId: own.parent_id,
    name: own.name,
    position: own.position,
    path: path.map((c) => ({ categoryId: c.category_id, name: c.name })),
    attributes: own.attributes,
    template: templateOf(path),
    children: children.map((c) => ({ categoryId: c.category_id, name: c.name })),
  };
}

export async function getCategory(db: Db, categoryId: string) {
  const view = await categoryView(db, categoryId);
  if (!view) throw notFound(`category ${categoryId}`);
  return view;
}

interface TreeNode {
  id: string;
  parent_id: string | null;
  name: string;
  position: number;
}

/** Nests rows by parent, each level in position order. */
function nest<T extends TreeNode, V>(rows: T[], view: (row: T, children: V[]) => V): V[] {
  const byParent = new Map<string | null, T[]>();
  for (const r of rows) byParent.set(r.parent_id, [...(byParent.get(r.parent_id) ?? []), r]);
  const build = (parent: string | null): V[] =>
    (byParent.get(parent) ?? []).sort((a, b) => a.position - b.position || a.id.localeCompare(b.id)).map((r) => view(r, build(r.id)));
  return build(null);
}

export interface CategoryTreeNode {
  categoryId: string;
  name: string;
  children: CategoryTreeNode[];
}

export async function categoryTree(db: Db): Promise<CategoryTreeNode[]> {
  const rows = await db('catalogue_categories').select('category_id as id', 'parent_id', 'name', 'position');
  return nest<TreeNode, CategoryTreeNode>(rows, (r, children) => ({ categoryId: r.id, name: r.name, children }));
}

export async function upsertBrand(db: Db, input: BrandInput) {
  await db.transaction(async (trx) => {
    const existing = await trx('catalogue_brands').where({ brand_id: input.brandId }).forUpdate().first('name');
    const row = { name: input.name, updated_at: trx.fn.now() };
    await trx('catalogue_brands').insert({ brand_id: input.brandId, ...row }).onConflict('brand_id').merge(row);
    // The brand's name is part of its listings' search keys: blanking them has the listing trigger recompute them.
    if (existing && existing.name !== input.name) await trx('catalogue_listings').where({ brand_id: input.brandId }).update({ search_text: '' });
  });
  return { brandId: input.brandId, name: input.name };
}

export async function listBrands(db: Db) {
  const rows = await db('catalogue_brands').orderBy('brand_id').select('brand_id', 'name');
  return rows.map((r) => ({ brandId: r.brand_id, name: r.name }));
}

export async function upsertFrontCategory(db: Db, input: FrontCategoryInput) {
  await db.transaction(async (trx) => {
    const existing = await trx('catalogue_front_categories').where({ front_category_id: input.frontCategoryId }).forUpdate().first();
    if (existing && existing.parent_id !== input.parentId) {
      throw conflict(`front category ${input.frontCategoryId} is under ${existing.parent_id ?? 'the root'}; its parent is fixed once created`, [{ field: 'parentId', message: 'cannot change' }]);
    }
    if (input.parentId && !(await trx('catalogue_front_categories').where({ front_category_id: input.parentId }).first('front_category_id'))) {
      throw unknownReference('parentId', `front category ${input.parentId}`);
    }
    const ids = [...new Set(input.backCategoryIds)];
    const found = new Set((await trx('catalogue_categories').whereIn('category_id', ids).pluck('category_id')) as string[]);
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) throw unknownReference('backCategoryIds', `category ${missing.join(', ')}`);
    const row = { parent_id: input.parentId, name: input.name, position: input.position, back_category_ids: ids, updated_at: trx.fn.now() };
    if (existing) await trx('catalogue_front_categories').where({ front_category_id: input.frontCategoryId }).update(row);
    else await trx('catalogue_front_categories').insert({ front_category_id: input.frontCategoryId, ...row });
  });
  const r = await db('catalogue_front_categories').where({ front_category_id: input.frontCategoryId }).first();
  return { frontCategoryId: r.front_category_id, parentId: r.parent_id, name: r.name, position: r.position, backCategoryIds: r.back_category_ids };
}

export interface FrontTreeNode {
  frontCategoryId: string;
  name: string;
  backCategoryIds: string[];
  children: FrontTreeNode[];
}

export async function frontCategoryTree(db: Db): Promise<FrontTreeNode[]> {
  const rows = await db('catalogue_front_categories').select('front_category_id as id', 'parent_id', 'name', 'position', 'back_category_ids');
  return nest<TreeNode & { back_category_ids: string[] }, FrontTreeNode>(rows, (r, children) => ({ frontCategoryId: r.id, name: r.name, backCategoryIds: r.back_category_ids, children }));
}

/**
 * SQL completed by a path condition on the given category ids: the categories whose path
 * names one of them, i.e. each of them and every category below it (listings name their own).
 */
export const CATEGORIES_UNDER = 'SELECT c.category_id FROM catalogue_categories c WHERE c.path';

/** The back-end categories a front category shows: its own mapping and its descendants'. */
export async function backCategoriesOf(db: Db, frontCategoryId: string): Promise<string[]> {
  const { rows } = await db.raw(
    `WITH RECURSIVE f AS (
       SELECT front_category_id, back_category_ids FROM catalogue_front_categories WHERE front_category_id = ?
       UNION ALL SELECT c.front_category_id, c.back_category_ids FROM catalogue_front_categories c JOIN f ON c.parent_id = f.front_category_id)
     SELECT coalesce(array_agg(DISTINCT b), '{}') AS ids FROM f, unnest(f.back_category_ids) b`,
    [frontCategoryId],
  );
  return rows[0].ids;
}
