import { Router } from 'express';
import type { BuyerRow } from '../../platform/buyers/accounts';
import type { MergeReport } from '../../platform/buyers/carts';
import { maskPhone } from '../../platform/buyers/phone';
import type { SessionTokens } from '../../platform/buyers/sessions';
import { authenticateBuyer, clientIp, type BuyerApi } from '../buyer-auth';
import type { AppDeps } from '../deps';
import * as b from '../schemas.buyers';
import { parse } from '../validate';

export function buyerView(row: BuyerRow) {
  return { buyerId: row.buyer_id, phone: maskPhone(row.phone), username: row.username, nickname: row.nickname, createdAt: new Date(row.created_at).toISOString() };
}

/** Buyer accounts: codes, registration, logins, refresh, logout, password reset, my account. */
export function buyerAccountRoutes({ db }: AppDeps, api: BuyerApi): Router {
  const r = Router();

  /** After a login: the guest cart (if one was sent) joins the buyer's. */
  async function loggedIn(res: import('express').Response, status: number, buyer: BuyerRow, session: SessionTokens, guestCartToken?: string) {
    let cart: MergeReport | null = null;
    if (guestCartToken) cart = await db.transaction((trx) => api.carts.merge(trx, guestCartToken, buyer.buyer_id));
    res.status(status).json({ buyer: buyerView(buyer), session, cart });
  }

  r.post('/v1/buyer/verification-codes', async (req, res) => {
    const body = parse(b.verificationCodeBody, req.body);
    const sent = await api.codes.send(body.phone, body.purpose, clientIp(req));
    // The same answer whether or not the phone has an account: its owner reads the rest in the SMS.
    res.status(202).json({ phone: maskPhone(body.phone), purpose: body.purpose, ...sent });
  });

  r.post('/v1/buyer/registrations', async (req, res) => {
    const body = parse(b.registrationBody, req.body);
    const { buyer, tokens } = await api.accounts.register(body);
    await loggedIn(res, 201, buyer, tokens, body.guestCartToken);
  });

  r.post('/v1/buyer/sessions', async (req, res) => {
    const body = parse(b.loginBody, req.body);
    const { buyer, tokens } =
      body.method === 'code'
        ? await api.accounts.loginWithCode(body.phone, body.code)
        : await api.accounts.loginWithPassword(normaliseLogin(body.login), body.password, clientIp(req));
    await loggedIn(res, 200, buyer, tokens, body.guestCartToken);
  });

  r.post('/v1/buyer/sessions/refresh', async (req, res) => {
    const body = parse(b.refreshBody, req.body);
    const { buyerId: _buyerId, ...session } = await api.sessions.refresh(body.refreshToken);
    res.json({ session });
  });

  r.post('/v1/buyer/sessions/logout', async (req, res) => {
    const claims = await authenticateBuyer(api, req);
    parse(b.logoutBody, req.body);
    await api.sessions.revokeFamily(db, claims.familyId, 'logged out');
    res.json({ loggedOut: true });
  });

  r.post('/v1/buyer/password-resets', async (req, res) => {
    const body = parse(b.passwordResetBody, req.body);
    await api.accounts.resetPassword(body.phone, body.code, body.newPassword);
    res.json({ passwordReset: true, sessionsEnded: true });
  });

  r.get('/v1/buyer/me', async (req, res) => {
    const { buyerId } = await authenticateBuyer(api, req);
    const buyer = await db('buyer_accounts').where({ buyer_id: buyerId }).first();
    const account = await db('accounts').where({ account_id: buyerId }).first('balance', 'frozen', 'points');
    res.json({ ...buyerView(buyer), balance: Number(account.balance), frozen: Number(account.frozen), points: Number(account.points) });
  });

  return r;
}

/** A login name is a phone (in any of its spellings) or a username. */
function normaliseLogin(login: string): string {
  const parsed = b.verificationCodeBody.shape.phone.safeParse(login);
  return parsed.success ? parsed.data : login.trim();
}
