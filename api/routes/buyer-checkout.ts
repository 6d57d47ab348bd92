import { Router } from 'express';
import { authenticateBuyer, type BuyerApi } from '../buyer-auth';
import { checkout, myPayOrder, payPayOrder } from '../checkout';
import type { AppDeps } from '../deps';
import * as c from '../schemas.checkout';
import { parse } from '../validate';

/** Checkout of the buyer's cart into one pay order over several orders, and paying that pay order once. */
export function buyerCheckoutRoutes(deps: AppDeps, api: BuyerApi): Router {
  const r = Router();

  r.post('/v1/buyer/checkouts', async (req, res) => {
    const { buyerId } = await authenticateBuyer(api, req);
    const body = parse(c.checkoutBody, req.body);
    const result = await checkout(deps, api, req, buyerId, body);
    res.status(result.status).json(result.body);
  });

  r.get('/v1/buyer/pay-orders/:payOrderId', async (req, res) => {
    const { buyerId } = await authenticateBuyer(api, req);
    res.json(await myPayOrder(deps, buyerId, String(req.params.payOrderId)));
  });

  r.post('/v1/buyer/pay-orders/:payOrderId/payments', async (req, res) => {
    const { buyerId } = await authenticateBuyer(api, req);
    parse(c.payOrderPaymentBody, req.body);
    const result = await payPayOrder(deps, req, buyerId, String(req.params.payOrderId));
    res.status(result.status).json(result.body);
  });

  return r;
}
