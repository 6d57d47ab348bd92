import { Router } from 'express';
import { upsertBrand, upsertCategory, upsertFrontCategory } from '../../platform/catalogue/categories';
import { createProduct, upsertSku, upsertSpu } from '../../platform/catalogue/products';
import { notFound } from '../../platform/errors/app-error';
import { requireOperator } from '../auth';
import type { AppDeps } from '../deps';
import * as c from '../schemas.catalogue';
import { parse } from '../validate';

/** Operators' catalogue upkeep: categories with their templates, brands, front categories, SPUs and SKUs. Each is an upsert by its id. */
export function catalogueAdminRoutes({ db, config }: AppDeps): Router {
  const r = Router();

  r.post('/v1/admin/catalogue/categories', async (req, res) => {
    requireOperator(req);
    res.json(await upsertCategory(db, parse(c.categoryBody, req.body)));
  });

  r.post('/v1/admin/catalogue/brands', async (req, res) => {
    requireOperator(req);
    res.json(await upsertBrand(db, parse(c.brandBody, req.body)));
  });

  r.post('/v1/admin/catalogue/front-categories', async (req, res) => {
    requireOperator(req);
    res.json(await upsertFrontCategory(db, parse(c.frontCategoryBody, req.body)));
  });

  // SKU-first lines: the SPU arrives with its SKUs.
  r.post('/v1/admin/catalogue/products', async (req, res) => {
    requireOperator(req);
    const { skus, ...spu } = parse(c.productBody, req.body);
    res.json(await createProduct(db, config.identities, spu, skus));
  });

  // SPU-first lines: the SPU alone, its SKUs after.
  r.post('/v1/admin/catalogue/spus', async (req, res) => {
    requireOperator(req);
    res.json(await upsertSpu(db, config.identities, parse(c.spuBody, req.body)));
  });

  r.post('/v1/admin/catalogue/spus/:spuId/skus', async (req, res) => {
    requireOperator(req);
    const { spuId } = req.params;
    if (!c.isId(spuId)) throw notFound(`SPU ${spuId}`);
    res.json(await upsertSku(db, spuId, parse(c.catalogueSkuBody, req.body)));
  });

  return r;
}
