import { Router } from 'express';
import { cartOwnerOf, type BuyerApi } from '../buyer-auth';
import * as b from '../schemas.buyers';
import { parse } from '../validate';

/** The cart: a buyer's (access token) or a guest's (x-guest-cart-token), the same operations for both. */
export function buyerCartRoutes(api: BuyerApi): Router {
  const r = Router();

  r.post('/v1/buyer/guest-carts', async (req, res) => {
    parse(b.logoutBody, req.body);
    res.status(201).json(await api.carts.newGuestCart());
  });

  r.get('/v1/buyer/cart', async (req, res) => {
    res.json(await api.carts.view(await cartOwnerOf(api, req)));
  });

  r.post('/v1/buyer/cart/items', async (req, res) => {
    const owner = await cartOwnerOf(api, req);
    const body = parse(b.cartItemBody, req.body);
    await api.carts.add(owner, body.skuId, body.quantity);
    res.json(await api.carts.view(owner));
  });

  r.patch('/v1/buyer/cart/items/:skuId', async (req, res) => {
    const owner = await cartOwnerOf(api, req);
    const body = parse(b.cartQuantityBody, req.body);
    await api.carts.change(owner, String(req.params.skuId), body.quantity);
    res.json(await api.carts.view(owner));
  });

  r.delete('/v1/buyer/cart/items/:skuId', async (req, res) => {
    const owner = await cartOwnerOf(api, req);
    await api.carts.remove(owner, String(req.params.skuId));
    res.json(await api.carts.view(owner));
  });

  return r;
}
