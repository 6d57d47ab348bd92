import type { Request } from 'express';
import { SMS_IDENTITY, SMS_USE_CASE, SmsGatewayExtPt } from '../extensions/sms/sms-gateway.ext-pt';
import { BuyerAccounts } from '../platform/buyers/accounts';
import { Carts, type CartOwner } from '../platform/buyers/carts';
import { VerificationCodes } from '../platform/buyers/codes';
import { BuyerSessions, unauthenticated, type BuyerClaims } from '../platform/buyers/sessions';
import { loadBuyerSettings, type BuyerSettings } from '../platform/buyers/settings';
import type { AppDeps } from './deps';

/** The buyer side's services, built once per server from config/buyers.yaml and the environment. */
export interface BuyerApi {
  settings: BuyerSettings;
  codes: VerificationCodes;
  sessions: BuyerSessions;
  accounts: BuyerAccounts;
  carts: Carts;
}

export function buyerApi(deps: AppDeps): BuyerApi {
  const settings = loadBuyerSettings(process.env, (bizId) => deps.config.identities.all().some((i) => i.bizId === bizId));
  const gateway = () => deps.registry.resolve(SmsGatewayExtPt, SMS_IDENTITY, SMS_USE_CASE).impl;
  gateway(); // no SMS gateway registered stops start-up, not the first registration
  const codes = new VerificationCodes(deps.db, settings, gateway);
  const sessions = new BuyerSessions(deps.db, settings);
  return { settings, codes, sessions, accounts: new BuyerAccounts(deps.db, settings, codes, sessions), carts: new Carts(deps.db, deps.config, settings) };
}

/** The address a request came from, as the throttles count it (behind a proxy, set express's "trust proxy"). */
export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

const bearer = (req: Request) => /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];

/** The buyer a request's access token names; anything else is a 401. */
export async function authenticateBuyer(api: BuyerApi, req: Request): Promise<BuyerClaims> {
  const token = bearer(req);
  if (!token) throw unauthenticated('send a buyer access token as "Authorization: Bearer <token>"', 'MISSING_ACCESS_TOKEN');
  const claims = await api.sessions.verify(token);
  // The shared order paths (idempotency keys, tenancy) see a buyer as a caller limited to the open lines.
  req.principal = { keyId: `buyer:${claims.buyerId}`, role: 'business', bizIds: api.settings.openLines };
  return claims;
}

export const GUEST_CART_HEADER = 'x-guest-cart-token';

/** Whose cart a cart request is about: the logged-in buyer's, else the guest cart of the token header. */
export async function cartOwnerOf(api: BuyerApi, req: Request): Promise<CartOwner> {
  if (req.header('authorization')) return { buyerId: (await authenticateBuyer(api, req)).buyerId };
  const guestToken = req.header(GUEST_CART_HEADER);
  if (guestToken) return { guestToken };
  throw unauthenticated(`send a buyer access token, or a guest cart token in ${GUEST_CART_HEADER} (POST /v1/buyer/guest-carts makes one)`, 'MISSING_ACCESS_TOKEN');
}
