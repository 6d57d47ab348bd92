import { Router, type Request } from 'express';
import { capabilityMap } from '../../platform/capabilities';
import { notFound } from '../../platform/errors/app-error';
import { principalOf } from '../auth';
import type { AppDeps } from '../deps';
import { ledgerView, skuView } from '../views';

/** Read-only views: accounts and their ledger, SKUs, the configured identities and the capability map. */
export function catalogRoutes(deps: AppDeps): Router {
  const { db, config, registry } = deps;
  const r = Router();

  /** A business key may see a buyer's account only once the buyer has ordered from one of its lines. */
  async function visibleAccount(req: Request, userId: string) {
    const account = await db('accounts').where({ account_id: userId, kind: 'user' }).first();
    if (!account) throw notFound(`account ${userId}`);
    const p = principalOf(req);
    if (p.role !== 'operator') {
      const ordered = await db('orders').where({ user_id: userId }).whereIn('biz_id', p.bizIds).first('order_id');
      if (!ordered) throw notFound(`account ${userId}`);
    }
    return account;
  }

  r.get('/v1/accounts/:userId', async (req, res) => {
    const a = await visibleAccount(req, req.params.userId);
    res.json({ userId: a.account_id, balance: Number(a.balance), frozen: Number(a.frozen), points: Number(a.points), version: a.version });
  });

  r.get('/v1/accounts/:userId/ledger', async (req, res) => {
    const a = await visibleAccount(req, req.params.userId);
    const rows = await db('account_ledger').where({ account_id: a.account_id }).orderBy('seq');
    res.json({ userId: a.account_id, entries: rows.map(ledgerView) });
  });

  r.get('/v1/skus/:skuId', async (req, res) => {
    const sku = await db('skus').where({ sku_id: req.params.skuId }).first();
    if (!sku) throw notFound(`SKU ${req.params.skuId}`);
    res.json(skuView(sku));
  });

  r.get('/v1/identities', (_req, res) => {
    res.json({ identities: config.identities.all() });
  });

  r.get('/v1/capabilities', (_req, res) => {
    res.json({ capabilities: capabilityMap(config, registry) });
  });

  return r;
}
