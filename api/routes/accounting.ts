import { Router } from 'express';
import { checkAccounting, dailyJournal } from '../../platform/accounting/journal';
import { requireOperator } from '../auth';
import type { AppDeps } from '../deps';
import * as s from '../schemas.guarantees';
import { parse } from '../validate';

/** The accounting journal built from outbox events, and its check against the ledger (operators). */
export function accountingRoutes({ db }: AppDeps): Router {
  const r = Router();

  r.get('/v1/admin/accounting/daily', async (req, res) => {
    requireOperator(req);
    const q = parse(s.accountingDailyQuery, req.query, 'query');
    res.json({ items: await dailyJournal(db, { bizIds: q.bizId ? [q.bizId] : undefined, from: q.from, to: q.to }) });
  });

  r.get('/v1/admin/accounting/check', async (req, res) => {
    requireOperator(req);
    res.json(await checkAccounting(db));
  });

  return r;
}
