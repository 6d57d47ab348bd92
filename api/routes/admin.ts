import { Router } from 'express';
import { AppError } from '../../platform/errors/app-error';
import { openUserAccount } from '../../platform/repositories/accounts';
import { reconcile } from '../../platform/ledger/reconcile';
import { requireOperator } from '../auth';
import type { AppDeps } from '../deps';
import * as s from '../schemas';
import { parse } from '../validate';
import { couponView, skuView } from '../views';

/** Operator set-up: upserts of users (with their account), SKUs and coupons. */
export function adminRoutes({ db }: AppDeps): Router {
  const r = Router();

  r.post('/v1/admin/users', async (req, res) => {
    requireOperator(req);
    const b = parse(s.adminUserBody, req.body);
    await db.transaction(async (trx) => {
      await openUserAccount(trx, b, true);
    });
    const user = await db('users').where({ user_id: b.userId }).first();
    const account = await db('accounts').where({ account_id: b.userId }).first();
    res.json({ userId: user.user_id, attributes: user.attributes, balance: account.balance, frozen: account.frozen, points: account.points });
  });

  r.post('/v1/admin/skus', async (req, res) => {
    requireOperator(req);
    const b = parse(s.adminSkuBody, req.body);
    await db.transaction(async (trx) => {
      await trx('spus').insert({ spu_id: b.spuId, title: b.title, product_type: b.productType }).onConflict('spu_id').merge({ title: b.title, product_type: b.productType });
      const existing = await trx('skus').where({ sku_id: b.skuId }).forUpdate().first();
      if (existing && existing.reserved > b.stock) {
        throw new AppError(409, 'INVALID_STATE', `SKU ${b.skuId} has ${existing.reserved} unit(s) held by unpaid orders; stock cannot go below that`);
      }
      const row = { spu_id: b.spuId, title: b.title, product_type: b.productType, price: b.price, stock: b.stock, attributes: b.attributes, updated_at: trx.fn.now() };
      if (existing) await trx('skus').where({ sku_id: b.skuId }).update({ ...row, version: existing.version + 1 });
      else await trx('skus').insert({ sku_id: b.skuId, ...row });
    });
    res.json(skuView(await db('skus').where({ sku_id: b.skuId }).first()));
  });

  r.post('/v1/admin/coupons', async (req, res) => {
    requireOperator(req);
    const b = parse(s.adminCouponBody, req.body);
    const existing = await db('coupons').where({ code: b.code }).first();
    if (existing && existing.locked + existing.used > b.quantity) {
      throw new AppError(409, 'INVALID_STATE', `coupon ${b.code} already has ${existing.locked + existing.used} use(s); quantity cannot go below that`);
    }
    const row = { amount_off: b.amountOff, min_spend: b.minSpend, quantity: b.quantity, biz_ids: b.bizIds, updated_at: db.fn.now() };
    await db('coupons').insert({ code: b.code, ...row }).onConflict('code').merge(row);
    res.json(couponView(await db('coupons').where({ code: b.code }).first()));
  });

  r.get('/v1/admin/reconciliation', async (req, res) => {
    requireOperator(req);
    res.json(await reconcile(db));
  });

  return r;
}
